/**
 * dist/knowledge.json: the validated content with its prebuilt understanding indexes, written by
 * `npm run build` and keyed by a hash of content/*.yaml, so a stale file is never used.
 * Importing this module must stay cheap: no zod, no YAML (see engine/openAssistant.ts).
 *
 * The indexes are the nlu's: src/nlu/compileKnowledge.ts builds them, src/nlu/prebuiltIndexes.ts
 * reads them. This module only keeps them beside the content, so that content/ depends on nothing
 * that reads it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Content } from './schema.js';

export const KNOWLEDGE_FORMAT = 5;

export interface CompiledKnowledge {
  format: number;
  contentHash: string;
  content: Content;
  /** What the nlu prebuilt from the content (src/nlu/prebuiltIndexes.ts); opaque here. */
  indexes: unknown;
}

/** The package root: the folder holding content/ and dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    if (existsSync(join(dir, 'content', 'meta.yaml'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error('content/meta.yaml not found above ' + fileURLToPath(import.meta.url));
}

export function knowledgePath(root = packageRoot()): string {
  return join(root, 'dist', 'knowledge.json');
}

export function hashContent(contentDir: string): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(contentDir).filter((f) => f.endsWith('.yaml')).sort()) {
    hash.update(file).update('\0').update(readFileSync(join(contentDir, file))).update('\0');
  }
  return hash.digest('hex');
}

/** The compiled knowledge if it exists and matches content/ as it is now; otherwise null. */
export function readCompiledKnowledge(root = packageRoot()): CompiledKnowledge | null {
  const file = knowledgePath(root);
  if (!existsSync(file)) return null;
  try {
    const compiled = JSON.parse(readFileSync(file, 'utf8')) as CompiledKnowledge;
    if (compiled.format !== KNOWLEDGE_FORMAT) return null;
    if (compiled.contentHash !== hashContent(join(root, 'content'))) return null;
    return compiled;
  } catch {
    return null;
  }
}

/** Writes dist/knowledge.json: the content as validated, the indexes as given. Returns the file's path. */
export function writeCompiledKnowledge(root: string, contentDir: string, content: Content, indexes: unknown): string {
  const compiled: CompiledKnowledge = { format: KNOWLEDGE_FORMAT, contentHash: hashContent(contentDir), content, indexes };
  const file = knowledgePath(root);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(compiled));
  return file;
}
