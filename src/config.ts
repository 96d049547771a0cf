/**
 * Configuration from the environment (and `.env`), validated by zod. A wrong value stops start-up
 * with a message naming the variable, so an operator never has to read the code.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

const list = z
  .string()
  .optional()
  .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []));
const optionalString = z
  .string()
  .optional()
  .transform((s) => (s && s.trim() !== '' ? s.trim() : undefined));

/** A whole number from the environment, with a message that says the range rather than "NaN". */
function wholeNumber(min: number, max: number, fallback: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .optional()
    .transform((s) => (s === undefined || s.trim() === '' ? String(fallback) : s.trim()))
    .pipe(z.string().regex(/^\d+$/, message).transform(Number).pipe(z.number().int().min(min, message).max(max, message)));
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z
    .string()
    .optional()
    .transform((s) => (s === undefined || s.trim() === '' ? fallback : s.trim()))
    .pipe(z.enum(values, { error: `must be one of ${values.join(', ')}` }));
}

/**
 * An outbound proxy's address: http://host:port (or https://, user:password@ allowed); a bare
 * host:port means http://, as curl reads it.
 */
const proxyUrl = optionalString.pipe(
  z
    .string()
    .transform((s) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `http://${s}`))
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// proxy address, e.g. http://proxy.example.org:3128' }))
    .optional(),
);

export const ConfigSchema = z.object({
  PORT: wholeNumber(0, 65535, 3978),
  /**
   * A port of its own for /healthz and /readyz, answered by a worker thread so that probes answer
   * at once however busy the server is (src/server/probePort.ts); unset: the probes are on PORT only.
   */
  HEALTH_PORT: optionalString.pipe(
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number from 0 to 65535')
      .transform(Number)
      .pipe(z.number().int().max(65535, 'must be a whole number from 0 to 65535'))
      .optional(),
  ),
  /** Loopback by default: the playground has no login, so it is reachable from this machine only unless configured. */
  HOST: z.string().trim().min(1, 'must not be empty (e.g. 127.0.0.1, or 0.0.0.0 to listen on every interface)').default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalString.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional()),
  CONVERSATION_TTL_MINUTES: wholeNumber(1, 525_600, 24 * 60),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  /**
   * The web playground (chat page, /api/chat). auto: on unless Slack or Teams is configured and
   * the server listens beyond loopback, so that a production bot does not expose an open chat page.
   */
  PLAYGROUND: oneOf(['auto', 'on', 'off'] as const, 'auto'),
  /** How long SIGTERM waits for turns in flight before closing anyway (Kubernetes gives 30 s by default). */
  SHUTDOWN_TIMEOUT_SECONDS: wholeNumber(0, 600, 25),
  /**
   * On SIGTERM, how long the server goes on serving with /readyz at 503 before it stops accepting
   * connections, so that a load balancer takes it out of rotation first. Part of
   * SHUTDOWN_TIMEOUT_SECONDS, not added to it; Ctrl-C (SIGINT) skips it.
   */
  SHUTDOWN_DELAY_SECONDS: wholeNumber(0, 600, 5),
  /**
   * The most turns a process holds at once (answers being computed or waiting for the store, and
   * Slack requests acknowledged but not yet answered); beyond it a channel's request gets 503 with
   * Retry-After at once, so that a flood cannot queue work for minutes or starve the health probes.
   */
  MAX_TURNS_IN_FLIGHT: wholeNumber(1, 100_000, 100),
  /**
   * A CPU-bound process queues in its event loop, not in its turns, and there a flood makes every
   * new connection and probe wait seconds. Past either bound a channel's request gets 503 with
   * Retry-After at once, as past MAX_TURNS_IN_FLIGHT. The share of time the loop is busy, in
   * percent (100 turns it off), and how far behind it may be, in ms (0 turns it off).
   */
  MAX_EVENT_LOOP_BUSY_PERCENT: wholeNumber(1, 100, 100),
  MAX_EVENT_LOOP_DELAY_MS: wholeNumber(0, 60_000, 250),
  /** The address users' chat clients reach this server at (for links to /pathway.svg); optional. */
  PUBLIC_URL: optionalString.pipe(z.url('must be a URL such as https://pdta.example.org').optional()),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_TEAM_IDS: list,
  SLACK_API_URL: optionalString.pipe(z.url('must be a URL').optional()),
  /**
   * Slack accepts about one message per second into one channel (short bursts tolerated): the bot
   * posts into each channel at most once per this many ms, after a burst of 3; 0 turns the pacing off.
   */
  SLACK_CHANNEL_PACE_MS: wholeNumber(0, 60_000, 1_000),
  /**
   * Where Slack's response_urls live. A command's or a click's answer is posted only to a
   * response_url under this address; tests point it at their stand-in, never the request body.
   */
  SLACK_HOOKS_URL: optionalString.pipe(z.url('must be a URL').default('https://hooks.slack.com/')),
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppTenantId: optionalString,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  TEAMS_TENANT_IDS: list,
  /**
   * Bot Framework channels answered (an activity's channelId). Empty: `msteams` only, and the Bot
   * Framework Emulator's `emulator` too in local mode; a bot registered on other channels (Web Chat,
   * Direct Line) must name them.
   */
  TEAMS_CHANNEL_IDS: list,
  /**
   * Care coordinators, each with its platform: `slack:U0123ABCD` (a Slack user id) or
   * `teams:<Azure AD object id>`. A bare id is refused rather than guessed: a Slack id must never
   * authorise a Teams activity, nor the reverse.
   */
  COORDINATOR_USER_IDS: list.pipe(
    z.array(z.string().regex(/^(slack|teams):[^\s:][^\s]*$/, 'each entry must name its platform, e.g. slack:U0123ABCD or teams:<Azure AD object id>')),
  ),
  /**
   * The hospital's outbound HTTP proxy, for every call the server makes (Slack, Teams, the Bot
   * Framework's token and key fetches): the usual variables, either case (lower case wins, as in
   * curl), read by src/server/outboundProxy.ts. NO_PROXY: hosts reached directly, comma- or
   * space-separated; `.example.org` or `*.example.org` a suffix, `host:port` one port, `*` all.
   */
  HTTPS_PROXY: proxyUrl,
  https_proxy: proxyUrl,
  HTTP_PROXY: proxyUrl,
  http_proxy: proxyUrl,
  NO_PROXY: optionalString,
  no_proxy: optionalString,
  /** Follow-up reminders (docs/followup.md): days before the due date, and the hour (Europe/Rome) they go out. */
  REMINDER_LEAD_DAYS: wholeNumber(0, 90, 7),
  REMINDER_HOUR: wholeNumber(0, 23, 9),
  /** How often an overdue follow-up is prompted again until it is done or marked not applicable. */
  REMINDER_OVERDUE_EVERY_DAYS: wholeNumber(1, 60, 7),
  REMINDER_LANG: oneOf(['it', 'en'] as const, 'it'),
  /** Slack channel id (C…) the reminders are posted to; needs SLACK_BOT_TOKEN. */
  REMINDER_SLACK_CHANNEL: optionalString,
  /** Teams conversation id the reminders are posted to (the Teams channel's proactive messages). */
  REMINDER_TEAMS_CONVERSATION_ID: optionalString,
  /**
   * The format of pseudonymous patient codes (docs/followup.md): a regular expression the whole
   * upper-cased code must match. Unset: 2-4 letters, a hyphen, 1-6 digits (src/followup/codes.ts).
   */
  PSEUDONYM_PATTERN: optionalString.pipe(
    z
      .string()
      .max(200, 'must be at most 200 characters')
      .refine((source) => {
        try {
          return !new RegExp(`^(?:${source})$`, 'u').test('');
        } catch {
          return false;
        }
      }, 'must be a regular expression that a code matches whole, e.g. [A-Z]{2,4}-[0-9]{1,6} or PZ_[0-9]{1,4}')
      .optional(),
  ),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Values that may hold a secret (a token, a password in a URL, a proxy's credentials) are never echoed back in errors. */
const SECRET = /SECRET|TOKEN|PASSWORD|DATABASE_URL|_PROXY$/i;

function describeIssue(issue: z.core.$ZodIssue, env: NodeJS.ProcessEnv): string {
  const name = String(issue.path[0] ?? '');
  const value = env[name];
  // A list's entry (COORDINATOR_USER_IDS.1) is named by its position and shown alone.
  const index = issue.path[1];
  const entry = typeof index === 'number' ? value?.split(',').map((x) => x.trim()).filter(Boolean)[index] : undefined;
  const where = entry !== undefined && typeof index === 'number' ? `${name} (entry ${index + 1})` : name;
  const got = entry ?? value;
  const shown = got !== undefined && !SECRET.test(name) && got.length <= 80 ? ` (got ${JSON.stringify(got)})` : '';
  return `${where}: ${issue.message}${shown}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  const problems = result.success ? combinationProblems(result.data) : result.error.issues.map((i) => describeIssue(i, env));
  if (problems.length > 0 || !result.success) {
    throw new ConfigError(`invalid configuration: ${problems.join('; ')} (set in the environment or in .env)`);
  }
  return result.data;
}

/**
 * Variables that are valid alone but not together: found here, before the server listens or opens
 * the store, rather than by the channel that needs them once the port is already open.
 */
function combinationProblems(config: Config): string[] {
  const problems: string[] = [];
  if ((config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN) && !config.SLACK_BOT_TOKEN) {
    problems.push('SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set (the bot posts its answers with it)');
  }
  if (config.HEALTH_PORT !== undefined && config.HEALTH_PORT !== 0 && config.HEALTH_PORT === config.PORT) {
    problems.push(`HEALTH_PORT: must differ from PORT (both are ${config.PORT}); the probes' port is a second one`);
  }
  return problems;
}

/**
 * Reads `.env` from the working directory into process.env when the file exists. Variables already
 * in the environment win (process.loadEnvFile never overwrites them), so a deployment can override
 * a checked-out .env without editing it. Returns the file read, if any.
 */
export function loadDotEnv(file = '.env'): string | undefined {
  const path = resolve(file);
  if (!existsSync(path)) return undefined;
  try {
    process.loadEnvFile(path);
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return path;
}

/** The listen address is this machine only: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}
