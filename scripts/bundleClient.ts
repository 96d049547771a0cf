/**
 * Bundles the playground's browser script (src/channels/web/browser/client.ts) into one classic
 * script at dist/playground/client.js, which the server reads at start and serves inline. Run by
 * `npm run build`, and before the tests (test/setup/bundleClient.ts) so they serve what the source says.
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLIENT_BUNDLE, packageRootOf } from '../src/channels/web/clientScript.js';

export async function bundleClient(root = packageRootOf(import.meta.url)): Promise<string> {
  const outfile = join(root, CLIENT_BUNDLE);
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'src', 'channels', 'web', 'browser', 'client.ts')],
    outfile,
    bundle: true,
    // Inline in the page, so a classic script: no module loading, nothing fetched.
    format: 'iife',
    platform: 'browser',
    // What the hand-written script was (ES2017): any current browser, on a hospital PC too.
    target: 'es2017',
    charset: 'utf8',
    legalComments: 'none',
    // No source map: a sourceMappingURL comment would make devtools ask for a file the server does not serve.
    sourcemap: false,
    logLevel: 'warning',
  });
  return outfile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`wrote ${await bundleClient()}`);
}
