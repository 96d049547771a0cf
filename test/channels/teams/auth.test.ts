/**
 * With MicrosoftAppId set, the endpoint is botbuilder-authenticated: a request without a valid Bot
 * Framework token is refused with 401 and never reaches the assistant or the connector. Offline:
 * Bot Framework's OpenID metadata and signing keys are served by nock, with keys that did not sign
 * the forged tokens.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from '../../../src/store/database.js';
import { BOT, personalMessage } from './support/activities.js';
import { ConnectorStandIn } from './support/connectorStandIn.js';
import { startTeams, type Harness } from './support/harness.js';
import { RecordingService } from './support/recordingService.js';

const APP_ID = BOT.id.slice(3);

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** A well-formed RS256 JWT, as the Bot Connector would send, signed with a key of our own. */
function forgedToken(claims: Record<string, unknown>, kid = 'forged-key'): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}

let store: Store;
let standIn: ConnectorStandIn;
let service: RecordingService;
let teams: Harness;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1/);
  // Bot Framework's token metadata, with a signing key that is not the forger's.
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  nock('https://login.botframework.com')
    .persist()
    .get('/v1/.well-known/openidconfiguration')
    .reply(200, {
      issuer: 'https://api.botframework.com',
      authorization_endpoint: 'https://invalid.botframework.com',
      jwks_uri: 'https://login.botframework.com/v1/.well-known/keys',
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    })
    .get('/v1/.well-known/keys')
    .reply(200, { keys: [{ ...jwk, kid: 'real-bot-framework-key', use: 'sig', endorsements: ['msteams'] }] });

  store = await openStore({ memory: true });
  standIn = await ConnectorStandIn.start();
  service = new RecordingService();
  teams = await startTeams({
    store,
    service,
    env: { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppType: 'MultiTenant' },
  });
});

afterAll(async () => {
  await teams?.close();
  await standIn?.close();
  await store?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('Teams endpoint with an app id', () => {
  const activity = (): Record<string, unknown> =>
    // Authenticated mode accepts any service URL: the signed token vouches for it.
    personalMessage('neridronato bambino 18 kg', { serviceUrl: standIn.url });

  it('runs authenticated', () => {
    expect(teams.channel.mode).toBe('authenticated');
  });

  it('refuses a request without a token with 401', async () => {
    const res = await teams.post(activity());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toEqual({ error: 'unauthorized' });
  });

  it('refuses a token that is not a JWT with 401', async () => {
    const res = await teams.post(activity(), { headers: { authorization: 'Bearer garbage' } });
    expect(res.status).toBe(401);
  });

  it('refuses a well-formed token that Bot Framework did not sign with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = forgedToken({
      iss: 'https://api.botframework.com',
      aud: APP_ID,
      serviceurl: standIn.url,
      nbf: now - 60,
      exp: now + 3600,
    });
    const res = await teams.post(activity(), { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
  });

  it('refuses with 401, never 500, a token under the published key id with a bad signature, and an unsigned one', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: standIn.url, nbf: now - 60, exp: now + 3600 };
    const underPublishedKey = forgedToken(claims, 'real-bot-framework-key');
    const unsigned = `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT', kid: 'real-bot-framework-key' }))}.${base64url(JSON.stringify(claims))}.`;
    for (const token of [underPublishedKey, unsigned]) {
      const res = await teams.post(activity(), { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'unauthorized' });
    }
  });

  it('logs each refusal as one structured line, with the reason and no token or key material, and nothing on the console', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = forgedToken({ iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: standIn.url, nbf: now - 60, exp: now + 3600 }, 'real-bot-framework-key');
    let consoleBytes = 0;
    const writes = [vi.spyOn(process.stderr, 'write'), vi.spyOn(process.stdout, 'write')];
    for (const spy of writes) {
      spy.mockImplementation((chunk: string | Uint8Array) => {
        consoleBytes += chunk.length;
        return true;
      });
    }
    const before = teams.logs.length;
    try {
      for (let i = 0; i < 10; i += 1) await teams.post(activity(), { headers: { authorization: `Bearer ${token}` } });
    } finally {
      for (const spy of writes) spy.mockRestore();
    }
    const lines = teams.logs.slice(before);
    const refusals = lines.filter((l) => l['msg'] === 'Teams request refused: token not accepted');
    expect(refusals).toHaveLength(10);
    expect(refusals[0]).toMatchObject({ status: 401, reason: expect.stringMatching(/signature/) });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('BEGIN');
    expect(text).not.toContain(token.slice(0, 40));
    expect(consoleBytes).toBe(0);
  });

  it('never asked the assistant nor posted anything for them', () => {
    expect(service.requests).toHaveLength(0);
    expect(standIn.received).toHaveLength(0);
  });

  it('still answers garbage with 400 before looking at tokens', async () => {
    expect((await teams.post(null, { rawBody: 'not json' })).status).toBe(400);
  });
});
