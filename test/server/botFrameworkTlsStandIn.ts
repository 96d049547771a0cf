/**
 * Microsoft's side of a Teams conversation over real TLS, for a `pdta serve` process that can reach
 * it only through the proxy stand-in: login.botframework.com (the OpenID metadata and signing keys
 * that check an incoming token), login.microsoftonline.com (the bot's own token, MSAL's
 * client-credentials flow) and a Bot Connector service URL (the replies). One certificate, made
 * here with openssl and trusted by the process through NODE_EXTRA_CA_CERTS, names all three hosts.
 * The tokens signed here pass botbuilder's real checks.
 */
import { execFileSync } from 'node:child_process';
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const BOT_FRAMEWORK_HOSTS = ['login.botframework.com', 'login.microsoftonline.com', 'smba.test'] as const;
export const SERVICE_URL = 'https://smba.test/amer/';
export const APP_ID = '00000000-1111-4222-8333-555555555555';
export const APP_PASSWORD = 'proxy-test-app-password';
const KEY_ID = 'proxy-test-key';
const ISSUER = 'https://api.botframework.com';

export interface Seen {
  host: string;
  method: string;
  path: string;
}

/** True when openssl can make the test certificate (it is on Debian and in the CI image). */
export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class BotFrameworkTlsStandIn {
  readonly seen: Seen[] = [];
  /** The activities the bot sent to the Bot Connector. */
  readonly activities: Array<Record<string, unknown>> = [];
  private server: Server | undefined;
  private readonly signingKey: KeyObject;
  private readonly jwk: Record<string, unknown>;
  /** host:port of the TLS listener on loopback. */
  address = '';

  /** `dir` receives the certificate (`caFile`) and its key. */
  constructor(private readonly dir: string) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.signingKey = privateKey;
    this.jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  }

  get caFile(): string {
    return join(this.dir, 'stand-in.crt');
  }

  async start(): Promise<this> {
    const keyFile = join(this.dir, 'stand-in.key');
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=pdta proxy test stand-in',
        '-keyout', keyFile, '-out', this.caFile,
        '-addext', `subjectAltName=${BOT_FRAMEWORK_HOSTS.map((h) => `DNS:${h}`).join(',')}`,
        '-addext', 'basicConstraints=critical,CA:TRUE',
      ],
      { stdio: 'ignore' },
    );
    this.server = createServer({ key: readFileSync(keyFile), cert: readFileSync(this.caFile) }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The Authorization header the Bot Connector sends with an activity. */
  authorization(serviceUrl = SERVICE_URL): string {
    const now = Math.floor(Date.now() / 1000);
    const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${part({ alg: 'RS256', typ: 'JWT', kid: KEY_ID })}.${part({ iss: ISSUER, aud: APP_ID, serviceurl: serviceUrl, nbf: now - 60, exp: now + 3600 })}`;
    return `Bearer ${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(this.signingKey).toString('base64url')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = req.url ?? '/';
    this.seen.push({ host, method: req.method ?? 'GET', path });
    const json = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const tenant = 'https://login.microsoftonline.com/botframework.com';
    if (host === 'login.botframework.com' && path.startsWith('/v1/.well-known/openidconfiguration')) {
      return json({ issuer: ISSUER, jwks_uri: 'https://login.botframework.com/v1/.well-known/keys', id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (host === 'login.botframework.com' && path.startsWith('/v1/.well-known/keys')) {
      return json({ keys: [{ ...this.jwk, kid: KEY_ID, use: 'sig', endorsements: ['msteams'] }] });
    }
    if (host === 'login.microsoftonline.com' && path.includes('/discovery/instance')) {
      return json({
        tenant_discovery_endpoint: `${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: ['login.microsoftonline.com', 'login.windows.net'] }],
      });
    }
    if (host === 'login.microsoftonline.com' && path.includes('/.well-known/openid-configuration')) {
      return json({
        token_endpoint: `${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${tenant}/oauth2/v2.0/authorize`,
        issuer: 'https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0',
        jwks_uri: `${tenant}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      });
    }
    if (host === 'login.microsoftonline.com' && req.method === 'POST' && path.includes('/oauth2/v2.0/token')) {
      return json({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: 'bot-outgoing-token' });
    }
    if (host === 'smba.test' && req.method === 'POST' && /\/v3\/conversations\/[^/]+\/activities/.test(path)) {
      this.activities.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      return json({ id: `sent-${this.activities.length}` });
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not served by the stand-in"}');
  }
}
