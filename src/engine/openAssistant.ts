/**
 * The assistant as the CLI and the server open it: from the compiled knowledge when it matches
 * content/, otherwise from content/*.yaml through zod (see loadAssistant.ts).
 */
import { readCompiledKnowledge } from '../content/compiled.js';
import { prebuiltIndexes } from '../nlu/prebuiltIndexes.js';
import { QuestionIndex } from '../nlu/questionIndex.js';
import { SearchIndex } from '../nlu/searchIndex.js';
import { preloadStems } from '../nlu/stem.js';
import { Assistant } from './assistant.js';

export async function openAssistant(): Promise<Assistant> {
  if (process.env['PDTA_KNOWLEDGE'] !== 'source') {
    const compiled = readCompiledKnowledge();
    if (compiled) {
      const indexes = prebuiltIndexes(compiled);
      preloadStems(indexes.stems);
      return new Assistant(compiled.content, {
        gazetteer: indexes.gazetteer,
        search: SearchIndex.fromJSON(indexes.search),
        questions: QuestionIndex.fromJSON(indexes.questions),
        language: indexes.language,
      });
    }
  }
  const { loadAssistant } = await import('./loadAssistant.js');
  return loadAssistant();
}
