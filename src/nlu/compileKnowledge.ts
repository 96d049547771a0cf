/**
 * The understanding indexes prebuilt at build time (`pdta content compile`, run by `npm run build`)
 * and kept in dist/knowledge.json beside the content (src/content/compiled.ts), so that `pdta ask`
 * and the server start without building them (they read them through src/nlu/prebuiltIndexes.ts).
 */
import { join } from 'node:path';
import { Catalog } from '../content/catalog.js';
import { packageRoot, writeCompiledKnowledge } from '../content/compiled.js';
import { loadContent } from '../content/load.js';
import type { PrebuiltIndexes } from './prebuiltIndexes.js';
import { exportStems } from './stem.js';
import { buildIndexes } from './understand.js';

/** Writes dist/knowledge.json from content/; returns its path. */
export function compileKnowledge(root = packageRoot()): string {
  const contentDir = join(root, 'content');
  const content = loadContent(contentDir);
  const indexes = buildIndexes(new Catalog(content));
  const prebuilt: PrebuiltIndexes = {
    gazetteer: indexes.gazetteer,
    search: indexes.search.toJSON(),
    questions: indexes.questions.toJSON(),
    language: indexes.language,
    // Building the index stemmed every word of the content: saving the stems spares the CLI
    // from loading the stemmer for the words clinicians type most.
    stems: exportStems(),
  };
  return writeCompiledKnowledge(root, contentDir, content, prebuilt);
}
