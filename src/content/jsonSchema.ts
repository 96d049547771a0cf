/**
 * JSON Schemas of the content files, generated from the zod schemas (zod 4's toJSONSchema), so
 * that editors validate and complete content/*.yaml as it is typed. Written to content/schema/.
 */
import { z } from 'zod';
import { ContentFiles } from './schema.js';

export function contentJsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, { schema }] of Object.entries(ContentFiles)) {
    const name = file.replace(/\.yaml$/, '.schema.json');
    out[name] = JSON.stringify(z.toJSONSchema(schema, { io: 'input' }), null, 2) + '\n';
  }
  return out;
}
