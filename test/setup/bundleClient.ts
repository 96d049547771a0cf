/**
 * Vitest global setup: the playground's browser script bundled from the source as it is now, so a
 * test that serves the page serves the script the source says, with or without `npm run build`.
 */
import { bundleClient } from '../../scripts/bundleClient.js';

export default async function setup(): Promise<void> {
  await bundleClient();
}
