/**
 * Teams when the server is stopped: an activity the server accepted before the shutdown began is
 * answered before the process ends, even when its reply is still on its way to the Bot Connector
 * as the shutdown starts. (Teams answers within the HTTP request, so the shutdown waits for every
 * request still open.) Local mode, with a loopback connector that holds the bot's replies until the
 * test lets them through.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, type Served } from '../../src/server/serve.js';
import { personalMessage } from '../channels/teams/support/activities.js';
import { captureLogs, tempDir, waitFor } from './serverHarness.js';

const ACTIVITIES = 10;

/** A Bot Connector stand-in that records each reply and answers it only once released. */
async function holdingConnector(): Promise<{ url: string; replies: Array<Record<string, unknown>>; release(): void; close(): Promise<void> }> {
  const replies: Array<Record<string, unknown>> = [];
  const held: Array<() => void> = [];
  let released = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      replies.push(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
      const answer = (): void => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `reply-${replies.length}` }));
      };
      if (released) answer();
      else held.push(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    replies,
    release: () => {
      released = true;
      for (const answer of held.splice(0)) answer();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('shutdown with Teams activities in progress', () => {
  let served: Served | undefined;
  const dir = tempDir('shutdown-teams');
  afterEach(async () => {
    await served?.close();
    dir.remove();
  });

  it(`${ACTIVITIES} activities accepted, their replies held at the connector as the shutdown begins: all ${ACTIVITIES} answered`, async () => {
    const connector = await holdingConnector();
    try {
      const server = await serve({
        env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir.path, LOG_LEVEL: 'silent' },
        logger: captureLogs('silent').logger,
      });
      served = server;
      const requests = Array.from({ length: ACTIVITIES }, (_, i) =>
        fetch(`${server.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(personalMessage('neridronato bambino 18 kg', { serviceUrl: connector.url, conversationId: `a:shutdown-${i}` })),
        }),
      );
      await waitFor('every reply to reach the connector', async () => (connector.replies.length >= ACTIVITIES ? true : undefined), 60_000, 20);
      const closed = server.close();
      await waitFor('the listener to close', async () => (await fetch(`${server.url}/healthz`).then(() => undefined, () => true)), 10_000);
      connector.release();
      const statuses = (await Promise.all(requests)).map((r) => r.status);
      await closed;
      served = undefined;
      expect(statuses).toEqual(statuses.map(() => 200));
      expect(connector.replies).toHaveLength(ACTIVITIES);
      for (const reply of connector.replies) expect(JSON.stringify(reply)).toContain('36 mg');
    } finally {
      await connector.close();
    }
  }, 120_000);
});
