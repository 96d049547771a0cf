/**
 * The playground's browser script as the build bundled it (scripts/bundleClient.ts, from
 * ./browser/client.ts): read once at start, served inline in the page, allowed by its hash.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the bundle is written, from the package root (the folder holding package.json). */
export const CLIENT_BUNDLE = join('dist', 'playground', 'client.js');

/** The package root, from this module in src/ (tests, tsx) or in dist/src/ (the built server). */
export function packageRootOf(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (let i = 0; i < 8; i += 1) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error('package.json not found above ' + fileURLToPath(moduleUrl));
}

export function readClientScript(root = packageRootOf(import.meta.url)): string {
  const file = join(root, CLIENT_BUNDLE);
  if (!existsSync(file)) throw new Error(`${file} is missing: \`npm run build\` writes it`);
  return readFileSync(file, 'utf8');
}
