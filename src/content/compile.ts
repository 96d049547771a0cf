/** Writes dist/knowledge.json from content/ (run by `npm run build` through `pdta content compile`). */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Catalog } from './catalog.js';
import { hashContent, knowledgePath, KNOWLEDGE_FORMAT, packageRoot, type CompiledKnowledge } from './compiled.js';
import { loadContent } from './load.js';
import { buildIndexes } from '../nlu/understand.js';
import { exportStems } from '../nlu/stem.js';

export function compileKnowledge(root = packageRoot()): string {
  const contentDir = join(root, 'content');
  const content = loadContent(contentDir);
  const indexes = buildIndexes(new Catalog(content));
  const compiled: CompiledKnowledge = {
    format: KNOWLEDGE_FORMAT,
    contentHash: hashContent(contentDir),
    content,
    gazetteer: indexes.gazetteer,
    search: indexes.search.toJSON(),
    questions: indexes.questions.toJSON(),
    language: indexes.language,
    // Building the index stemmed every word of the content: saving the stems spares the CLI
    // from loading the stemmer for the words clinicians type most.
    stems: exportStems(),
  };
  const file = knowledgePath(root);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(compiled));
  return file;
}
