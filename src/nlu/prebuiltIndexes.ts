/**
 * The understanding indexes as dist/knowledge.json keeps them, prebuilt from the content by
 * src/nlu/compileKnowledge.ts. Reading them must stay cheap (engine/openAssistant.ts): types and a
 * cast only, no zod, no YAML, no index building.
 */
import type { CompiledKnowledge } from '../content/compiled.js';
import type { TokenizedEntry } from './gazetteer.js';
import type { LanguageVocabulary } from './language.js';
import type { SavedQuestionIndex } from './questionIndex.js';

export interface PrebuiltIndexes {
  gazetteer: TokenizedEntry[];
  search: string;
  questions: SavedQuestionIndex;
  language: LanguageVocabulary;
  stems: Record<string, string[]>;
}

/** The indexes of a compiled knowledge file, which compileKnowledge() wrote in this shape (the file's format number says so). */
export function prebuiltIndexes(compiled: CompiledKnowledge): PrebuiltIndexes {
  return compiled.indexes as PrebuiltIndexes;
}
