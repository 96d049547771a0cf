/**
 * Bot Framework's side of authentication, offline: the OpenID metadata and signing keys that
 * botbuilder fetches from login.botframework.com to check an incoming token, and the token endpoint
 * at login.microsoftonline.com where the bot gets its own token to reply, both served by nock. The
 * tokens signed here pass botbuilder's real checks (signature, issuer, audience, service URL,
 * endorsement of the channel), so tests can drive the authenticated endpoint end to end; tokens
 * signed with any other key are refused by the same checks.
 */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import nock from 'nock';

export const TEST_APP_ID = '00000000-1111-4222-8333-444444444444';
export const TEST_APP_PASSWORD = 'test-app-password';
const KEY_ID = 'test-bot-framework-key';
const ISSUER = 'https://api.botframework.com';

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export class BotFrameworkStandIn {
  private readonly privateKey: KeyObject;

  private constructor(
    readonly appId: string,
    privateKey: KeyObject,
  ) {
    this.privateKey = privateKey;
  }

  /** Serves the metadata, keys and token endpoint until `close()`; loopback stays reachable. */
  static start(options: { appId?: string; endorsements?: string[] } = {}): BotFrameworkStandIn {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
    nock('https://login.botframework.com')
      .persist()
      .get('/v1/.well-known/openidconfiguration')
      .reply(200, {
        issuer: ISSUER,
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: 'https://login.botframework.com/v1/.well-known/keys',
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      })
      .get('/v1/.well-known/keys')
      .reply(200, { keys: [{ ...jwk, kid: KEY_ID, use: 'sig', endorsements: options.endorsements ?? ['msteams'] }] });
    // The bot's own token for replying (MSAL's client-credentials flow against botframework.com).
    const tenant = 'https://login.microsoftonline.com/botframework.com';
    nock('https://login.microsoftonline.com')
      .persist()
      .get((path) => path.includes('/discovery/instance'))
      .reply(200, {
        tenant_discovery_endpoint: `${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: ['login.microsoftonline.com', 'login.windows.net'] }],
      })
      .get((path) => path.includes('/.well-known/openid-configuration'))
      .reply(200, {
        token_endpoint: `${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${tenant}/oauth2/v2.0/authorize`,
        issuer: 'https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0',
        jwks_uri: `${tenant}/discovery/v2.0/keys`,
        end_session_endpoint: `${tenant}/oauth2/v2.0/logout`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      })
      .post((path) => path.includes('/oauth2/v2.0/token'))
      .reply(200, { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: 'bot-outgoing-token' });
    return new BotFrameworkStandIn(options.appId ?? TEST_APP_ID, privateKey);
  }

  /** The environment that puts the Teams channel in authenticated mode for this app. */
  env(): Record<string, string> {
    return { MicrosoftAppId: this.appId, MicrosoftAppPassword: TEST_APP_PASSWORD, MicrosoftAppType: 'MultiTenant' };
  }

  /** A token as the Bot Connector sends it with an activity for `serviceUrl`. */
  token(serviceUrl: string, claims: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KEY_ID }));
    const payload = base64url(JSON.stringify({ iss: ISSUER, aud: this.appId, serviceurl: serviceUrl, nbf: now - 60, exp: now + 3600, ...claims }));
    const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(this.privateKey);
    return `${header}.${payload}.${base64url(signature)}`;
  }

  /** The Authorization header for an activity. */
  authorization(activity: { serviceUrl?: unknown }): Record<string, string> {
    return { authorization: `Bearer ${this.token(String(activity.serviceUrl))}` };
  }

  close(): void {
    nock.cleanAll();
    nock.enableNetConnect();
  }
}
