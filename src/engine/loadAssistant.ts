/**
 * Opening the assistant. Two ways to the same content:
 * - from content/*.yaml, validated by zod (tests, development, and whenever content/ changed since
 *   the build);
 * - from dist/knowledge.json, written by the build from the same validated content together with
 *   the prebuilt indexes, used by the CLI and the server when its hash matches content/ — it keeps
 *   `pdta ask`'s cold start within budget (parsing YAML and validating it costs ~1 s on a cold JIT).
 */
import { loadContent } from '../content/load.js';
import { Assistant } from './assistant.js';

export function loadAssistant(contentDir?: string): Assistant {
  return new Assistant(loadContent(contentDir));
}
