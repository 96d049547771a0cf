/**
 * What `pdta serve` exposes without a login, over real HTTP: on a network address (HOST=0.0.0.0)
 * neither the playground nor the unauthenticated Teams endpoint exists unless asked for
 * (PLAYGROUND=on, which the start-up log then flags); on loopback they answer this machine only,
 * not a client forwarded by a proxy; and a local Teams activity leaves nothing in the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personalMessage } from '../channels/teams/support/activities.js';
import { ConnectorStandIn } from '../channels/teams/support/connectorStandIn.js';
import { postChat, startTestServer, type TestServer } from './serverHarness.js';

/** The server's address reached over loopback, whatever it listens on. */
function viaLoopback(server: TestServer): string {
  const url = new URL(server.url);
  url.hostname = '127.0.0.1';
  return url.origin;
}

const question = { conversationId: 'exposure-0000-0001', text: 'neridronato bambino 18 kg' };

describe('HOST=0.0.0.0 with nothing else configured', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('exposed', { env: { HOST: '0.0.0.0' } });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('serves no playground and no Teams endpoint; health still answers', async () => {
    const url = viaLoopback(server);
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await postChat(url, question)).status).toBe(404);
    const teams = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(personalMessage('ciao', { serviceUrl: 'http://127.0.0.1:9/' })) });
    expect(teams.status).toBe(404);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe('HOST=0.0.0.0 with PLAYGROUND=on', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('exposed-on', { env: { HOST: '0.0.0.0', PLAYGROUND: 'on' } });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('serves the playground to any client, and says at start-up that it has no login', async () => {
    const url = viaLoopback(server);
    expect((await postChat(url, question)).status).toBe(200);
    const forwarded = await fetch(`${url}/`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(forwarded.status).toBe(200);
    expect(server.logs.lines().some((l) => String(l['msg']).includes('has no login'))).toBe(true);
  });
});

describe('on loopback (the default)', () => {
  let server: TestServer;
  let standIn: ConnectorStandIn;
  beforeAll(async () => {
    standIn = await ConnectorStandIn.start();
    server = await startTestServer('loopback');
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await standIn?.close();
  });

  it('the playground answers this machine, but not a client a proxy forwards', async () => {
    expect((await postChat(server.url, question)).status).toBe(200);
    for (const path of ['/', '/api/chat']) {
      const res = await fetch(`${server.url}${path}`, {
        method: path === '/' ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
        ...(path === '/' ? {} : { body: JSON.stringify(question) }),
      });
      expect(res.status, path).toBe(403);
    }
  });

  it('a local Teams activity is answered, and nothing of it is stored', async () => {
    const db = server.served.store.db;
    const teamsRows = async (): Promise<number[]> =>
      Promise.all([
        db.selectFrom('conversations').select('channel').where('channel', '=', 'teams').execute(),
        db.selectFrom('conversation_refs').select('channel').execute(),
        db.selectFrom('audit_dosing').select('channel').where('channel', '=', 'teams').execute(),
        db.selectFrom('processed_events').select('channel').where('channel', '=', 'teams').execute(),
      ]).then((all) => all.map((r) => r.length));
    const res = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(personalMessage('neridronato bambino 18 kg', { serviceUrl: standIn.url })),
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(standIn.received.map((r) => r.body))).toContain('36 mg');
    expect(await teamsRows()).toEqual([0, 0, 0, 0]);
    // The playground's turn, by contrast, is kept (and survives a restart).
    expect((await db.selectFrom('conversations').select('channel').where('channel', '=', 'web').execute()).length).toBeGreaterThan(0);
  });
});
