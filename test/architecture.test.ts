/**
 * The shape of the code, as README's Architecture section draws it, checked on every import
 * statement under src/ (type-only imports, re-exports and dynamic import() count too): channels
 * reach the rest only through the core, its ports and the composition root; nothing on the
 * server side reaches into a channel but the composition root.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `from '…'` (imports and re-exports, `import type` included, over several lines) and `import('…')`. */
const SPECIFIER = /\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

interface Edge {
  /** The importing file, from the repository root: "src/channels/slack/index.ts". */
  from: string;
  /** The imported module, from the repository root without its extension: "src/store/events". */
  to: string;
}

function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const edges: Edge[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier === undefined || !specifier.startsWith('.')) continue;
    const target = normalize(join(dirname(file), specifier)).replace(/\.js$/, '');
    edges.push({ from: relative(root, file), to: relative(root, target) });
  }
  return edges;
}

const edges = sourceFiles(src).flatMap(importsOf);

function under(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}

function violations(importer: string, forbidden: readonly string[], allowed: readonly string[] = []): string[] {
  return edges
    .filter((e) => under(e.from, importer) && !allowed.includes(e.from) && forbidden.some((f) => under(e.to, f)))
    .map((e) => `${e.from} → ${e.to}`);
}

describe('architecture', () => {
  it('reads the imports it checks', () => {
    // A broken pattern would find nothing and pass everything.
    expect(edges.some((e) => e.from === 'src/app/compose.ts' && e.to === 'src/channels/web/index')).toBe(true);
    expect(edges.some((e) => e.from === 'src/channels/slack/index.ts' && e.to === 'src/core/ports')).toBe(true);
  });

  it('a channel imports neither the store, the engine, the NLU nor the follow-up registry: they reach it as ports', () => {
    expect(violations('src/channels', ['src/store', 'src/engine', 'src/nlu', 'src/followup'])).toEqual([]);
  });

  it('the core imports no channel, store, engine or feature: it is the contract between them', () => {
    expect(violations('src/core', ['src/channels', 'src/store', 'src/engine', 'src/nlu', 'src/followup', 'src/server', 'src/app'])).toEqual([]);
  });

  it('nothing under src/server imports a channel: the composition root (src/app/compose.ts) builds them', () => {
    expect(violations('src/server', ['src/channels'])).toEqual([]);
  });

  it('outside the channels, only the composition root and the CLI import a channel', () => {
    const others = edges.filter((e) => !under(e.from, 'src/channels') && under(e.to, 'src/channels'));
    expect([...new Set(others.map((e) => e.from))].sort()).toEqual(['src/app/compose.ts', 'src/cli.ts']);
  });

  // The understanding indexes are built from content by src/nlu/compileKnowledge.ts, not the reverse.
  it('nothing under src/content imports the NLU', () => {
    expect(violations('src/content', ['src/nlu'])).toEqual([]);
  });
});
