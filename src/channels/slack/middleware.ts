/**
 * The one global middleware, admitRequests(), does for every request, in this order:
 * 1. acknowledge at once (Slack wants an answer within 3 s; the work happens after it), except a
 *    request whose listener acknowledges it itself;
 * 2. refuse a workspace outside SLACK_TEAM_IDS (acknowledged, so Slack does not retry it, and logged);
 * 3. refuse a request whose response_url is not on Slack's hooks host (SLACK_HOOKS_URL);
 * Then each listener asks FirstDelivery whether this is the first delivery of the request: the
 * first instance to record its id in the delivery log (shared by every instance) does the work; a
 * retry, or a second delivery of the same message, is dropped, whichever instance it reaches.
 *
 * One middleware rather than three: Bolt calls each global middleware with its own copy of the
 * request's arguments, for every request, so each one costs every event its copy.
 */
import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { DeliveryLog } from '../../core/ports.js';
import type { Logger } from '../../logging.js';

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export interface Admission {
  /** SLACK_TEAM_IDS: the workspaces (or Enterprise Grid organisations) served; empty serves any. */
  teams: readonly string[];
  /** SLACK_HOOKS_URL: where every response_url must point. */
  hooksUrl: string;
  logger: Logger;
  /**
   * A request its listener acknowledges (the enrolment modal's submission: Slack reads a modal's
   * field errors from the acknowledgement itself). Every other request is acknowledged first.
   */
  acknowledgedByListener?: (body: unknown) => boolean;
  /** What a request refused for its workspace still gets (one whose acknowledgement was left to its listener). */
  onOtherTeam?: (args: Args) => Promise<void>;
}

export function admitRequests(admission: Admission): Middleware<AnyMiddlewareArgs> {
  const teams = new Set(admission.teams);
  const hooks = new URL(admission.hooksUrl);
  const { logger } = admission;
  return async (args: Args) => {
    // Events API requests are acknowledged by Bolt before middleware runs; the others carry ack().
    // An empty 200 for a slash command shows nothing: its answer follows through response_url.
    if (!admission.acknowledgedByListener?.(args.body) && 'ack' in args && typeof args.ack === 'function') await args.ack();
    if (teams.size > 0) {
      const { teamId, enterpriseId } = args.context;
      if (!((teamId && teams.has(teamId)) || (enterpriseId && teams.has(enterpriseId)))) {
        logger.warn({ teamId, enterpriseId, type: requestType(args.body) }, 'slack request from a workspace not in SLACK_TEAM_IDS ignored');
        await admission.onOtherTeam?.(args);
        return;
      }
    }
    // The listeners answer commands and clicks by posting to the request's response_url. A signed
    // request from Slack always carries one on Slack's hooks host; anything else would make this
    // server post wherever the body points, so the request is dropped (it is already acknowledged)
    // and logged without the address.
    if (!responseUrlsOf(args.body).every((url) => isSlackHooksUrl(url, hooks))) {
      logger.warn({ type: requestType(args.body) }, 'slack request with a response_url outside SLACK_HOOKS_URL ignored');
      return;
    }
    await args.next();
  };
}

/** The response URLs a request carries: a command's or a click's `response_url`, a modal's `response_urls`. */
function responseUrlsOf(body: unknown): unknown[] {
  const b = record(body);
  const urls: unknown[] = [];
  if ('response_url' in b) urls.push(b['response_url']);
  if (Array.isArray(b['response_urls'])) for (const r of b['response_urls']) urls.push(record(r)['response_url']);
  return urls;
}

/** True when `url` is an https address under `hooksBase` (Slack's https://hooks.slack.com/ unless configured). */
export function isSlackHooksUrl(url: unknown, hooksBase: URL): boolean {
  if (typeof url !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.origin === hooksBase.origin && parsed.pathname.startsWith(hooksBase.pathname) && parsed.username === '' && parsed.password === '';
}

function requestType(body: unknown): string {
  const b = record(body);
  if (str(b['command'])) return 'command';
  if (b['type'] === 'event_callback') return `event:${str(record(b['event'])['type']) ?? '?'}`;
  return str(b['type']) ?? 'unknown';
}

/**
 * What makes a request "the same" for deduplication. A message is its channel and ts, so a retry
 * and a second subscription delivering it (app_mention and message.im) count once; other events
 * their event_id; a command or a click its trigger_id (Socket Mode may redeliver those).
 */
export function dedupKey(body: unknown): string | null {
  const b = record(body);
  if (b['type'] === 'event_callback') {
    const event = record(b['event']);
    const channel = str(event['channel']);
    const ts = str(event['ts']);
    if ((event['type'] === 'app_mention' || event['type'] === 'message') && channel && ts) return `message:${channel}:${ts}`;
    const eventId = str(b['event_id']);
    return eventId ? `event:${eventId}` : null;
  }
  const trigger = str(b['trigger_id']);
  if (str(b['command']) && trigger) return `command:${trigger}`;
  if (b['type'] === 'block_actions' && trigger) return `action:${trigger}`;
  return null;
}

/**
 * Called by each listener once it has decided to answer (so that the bot's own messages, edits and
 * other noise cost no write): true for the first delivery of a request, false for a repeat.
 */
export class FirstDelivery {
  constructor(
    private readonly deliveries: DeliveryLog,
    private readonly logger: Logger,
  ) {}

  async check(body: unknown, context: { retryNum?: number; retryReason?: string }): Promise<boolean> {
    const key = dedupKey(body);
    if (key === null) return true;
    try {
      if (await this.deliveries.firstDelivery(key)) return true;
    } catch (error) {
      // The store is down: answering twice on a retry is better than not answering at all.
      this.logger.error({ err: error, key }, 'slack request id not recorded; answering anyway');
      return true;
    }
    this.logger.info({ key, retryNum: context.retryNum, retryReason: context.retryReason }, 'slack duplicate ignored');
    return false;
  }
}
