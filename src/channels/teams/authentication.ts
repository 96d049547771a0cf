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
 */
import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import type { Config } from '../../config.js';

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

  constructor(config: Config) {
    super({
      MicrosoftAppId: config.MicrosoftAppId,
      MicrosoftAppPassword: config.MicrosoftAppPassword,
      MicrosoftAppTenantId: config.MicrosoftAppTenantId,
      MicrosoftAppType: config.MicrosoftAppType,
    });
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
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
