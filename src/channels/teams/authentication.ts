/**
 * botbuilder's authentication, from its own environment names (MicrosoftAppId, MicrosoftAppPassword,
 * MicrosoftAppTenantId, MicrosoftAppType), with one change: the clients it makes are reused.
 *
 * CloudAdapter builds two new clients for every turn, a Bot Connector client and a user-token
 * client (for OAuth sign-in, which this bot never uses), each with new app credentials and a new
 * HTTP pipeline of a dozen policies that reads the proxy settings from the environment again. That
 * is ~10% of the CPU of a whole turn, paid for clients that are the same every time (same bot, same
 * service URL, same audience); the credentials they hold renew their own token. So they are kept:
 * per bot app id, service URL and audience, a bounded number of them (Teams has a service URL per
 * region, a handful per tenant).
 *
 * And one change in how a refused token is reported. botbuilder checks the token (nothing here does);
 * but for a bad signature or an unsigned token its checker throws the JWT library's own error, which
 * CloudAdapter answers with 500, and prints the stack and the signing keys' PEM to the console on
 * every refused request. So a failure of botbuilder's check becomes botbuilder's AuthenticationError
 * (401), logged as one structured line with the reason, and botbuilder's console output during the
 * check is held back (`quietBotbuilder`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigurationBotFrameworkAuthentication, StatusCodes, type Activity } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Config } from '../../config.js';
import type { Logger } from '../../logging.js';
import { outboundProxy } from '../../server/outboundProxy.js';

type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
type ConnectorFactory = NonNullable<AuthenticateRequestResult['connectorFactory']>;
type ClaimsIdentity = AuthenticateRequestResult['claimsIdentity'];
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;

const MAX_CLIENTS = 256;

/**
 * What botbuilder derives a client's credentials from: the token's audience, app id and authorized
 * party claims (botbuilder takes the app id from the first present); none for a local request.
 */
function botOf(identity: ClaimsIdentity): string {
  const claim = (type: string): string => identity.claims.find((c) => c.type === type)?.value ?? '';
  return `${claim('aud')}|${claim('appid')}|${claim('azp')}`;
}

export class TeamsBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly clients = new Map<string, Promise<ConnectorClient>>();
  private readonly tokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(
    config: Config,
    private readonly logger: Logger,
  ) {
    super(
      {
        MicrosoftAppId: config.MicrosoftAppId,
        MicrosoftAppPassword: config.MicrosoftAppPassword,
        MicrosoftAppTenantId: config.MicrosoftAppTenantId,
        MicrosoftAppType: config.MicrosoftAppType,
      },
      undefined,
      undefined,
      undefined,
      connectorClientOptions(config),
    );
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    let result: AuthenticateRequestResult;
    try {
      result = await quietBotbuilder.run(true, () => super.authenticateRequest(activity, authHeader));
    } catch (error) {
      const reason = refusalReason(error);
      this.logger.warn({ status: 401, reason, activityType: activity.type, channelId: activity.channelId }, 'Teams request refused: token not accepted');
      throw error instanceof AuthenticationError ? error : new AuthenticationError(reason, StatusCodes.UNAUTHORIZED);
    }
    if (!result.connectorFactory) return result;
    return { ...result, connectorFactory: this.reusing(result.connectorFactory, botOf(result.claimsIdentity)) };
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return remember(this.tokenClients, botOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(super.createConnectorFactory(claimsIdentity), botOf(claimsIdentity));
  }

  private reusing(factory: ConnectorFactory, bot: string): ConnectorFactory {
    const clients = this.clients;
    return {
      create: (serviceUrl: string, audience?: string): Promise<ConnectorClient> =>
        remember(clients, `${bot}\n${serviceUrl}\n${audience ?? ''}`, () => factory.create(serviceUrl, audience)),
    };
  }
}

type ConnectorClientOptions = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[4]>;
type RequestPolicyFactory = Extract<NonNullable<ConnectorClientOptions['requestPolicyFactories']>, unknown[]>[number];

/**
 * The Bot Connector's calls (replies, proactive reminders) through the outbound proxy, decided by
 * src/server/outboundProxy.ts. The bot's token (MSAL) is fetched without any option
 * botframework-connector lets through, and the OpenID keys would take only a proxy's host and port
 * (no credentials, no NO_PROXY): `pdta serve` routes both with node's global agents instead.
 */
function connectorClientOptions(config: Config): ConnectorClientOptions | undefined {
  const policy = outboundProxy(config).connectorPolicy;
  return policy ? { requestPolicyFactories: [policy as unknown as RequestPolicyFactory] } : undefined;
}

/** The cached promise for `key`, else `make()`'s, kept unless it fails (the next turn tries again). */
function remember<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const cached = cache.get(key);
  if (cached) return cached;
  const created = make();
  cache.set(key, created);
  created.catch(() => cache.delete(key));
  if (cache.size > MAX_CLIENTS) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return created;
}

/**
 * While set, botbuilder's console output is dropped: its token checker prints the stack and every
 * signing key's PEM for each refused request, which the structured line above replaces. Set only
 * around botbuilder's own calls (the token check, and the adapter's handling of a request, whose
 * turn errors the bot logs itself).
 */
export const quietBotbuilder = new AsyncLocalStorage<boolean>();

for (const level of ['error', 'warn', 'log'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]): void => {
    if (quietBotbuilder.getStore() !== true) original(...args);
  };
}

/** Why botbuilder refused a token, in a few words: no token, no key material. */
function refusalReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('-----BEGIN')[0]!.replace(/\s+/g, ' ').trim().slice(0, 160) || 'not authenticated';
}
