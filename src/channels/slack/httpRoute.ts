/**
 * POST /slack/events on our one HTTP server: Bolt's own HTTPReceiver (its signature check, its
 * ack, its retry headers) behind a guard that refuses what Bolt would mishandle. The guard reads
 * the body once, within a limit, and checks, in this order: size (413); Slack's ssl_check, answered
 * 200 with an empty body and nothing else in it looked at; the signature and timestamp, with Bolt's
 * own `verifySlackRequest` (401, so an unsigned caller learns nothing more); media type (415) and
 * shape (400). Bolt would answer a signed body of `null` with an unhandled rejection, and an
 * unrecognised one with a 3-second wait and a 404.
 *
 * The receiver behind the guard verifies the signature again, with its own check left on: it is
 * the only door to the listeners, and it must not depend on who calls it. (An ssl_check body that
 * skipped a hand-written check, handed to a receiver that trusted its caller, once let an unsigned
 * request enrol a patient.) The second check costs one HMAC per request; `npm run bench -- slack`
 * measures it with the rest.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { verifySlackRequest, type HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../../logging.js';
import { answerBeforeBody, type Route } from '../../server/httpServer.js';

export const SLACK_EVENTS_PATH = '/slack/events';
/**
 * Slack's largest payloads (a block_actions carrying a full message, a view submission) are tens of
 * kilobytes; anything past this is not from Slack.
 */
export const SLACK_BODY_LIMIT = 512 * 1024;
/**
 * Slack's replay window: a request whose timestamp is more than 5 minutes off is refused. Bolt's
 * check refuses the past side; a timestamp this far ahead is refused here too.
 */
const MAX_CLOCK_SKEW_S = 5 * 60;

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

function refuse(req: IncomingMessage, res: ServerResponse, status: number): void {
  // The sender gets its status before the connection closes, even while its body is still arriving.
  if (!res.headersSent) answerBeforeBody(req, res, status, '', { 'content-type': 'text/plain; charset=utf-8' });
}

/** The body, or null when it is larger than `limit` (what was read is discarded). */
function readRaw(req: IncomingMessage, limit: number, onTooLarge: () => void): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        onTooLarge();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

type Verdict = { ok: true; event: boolean } | { ok: false; status: 400 | 415; reason: string };

/** Is this a body Slack sends: an Events API envelope, a slash command, or an interaction payload? */
function checkShape(mediaType: string, text: string): Verdict {
  if (mediaType === JSON_TYPE) {
    const body = parseJsonObject(text);
    if (!body) return { ok: false, status: 400, reason: 'body is not a JSON object' };
    if (typeof body['type'] !== 'string') return { ok: false, status: 400, reason: 'JSON body has no type' };
    return { ok: true, event: body['type'] === 'event_callback' };
  }
  if (mediaType === FORM) {
    const form = parseQuery(text);
    if (typeof form['payload'] === 'string') {
      const payload = parseJsonObject(form['payload']);
      if (!payload || typeof payload['type'] !== 'string') return { ok: false, status: 400, reason: 'payload is not a JSON object with a type' };
      return { ok: true, event: false };
    }
    if (typeof form['command'] === 'string') return { ok: true, event: false };
    return { ok: false, status: 400, reason: 'form body is neither a command nor a payload' };
  }
  return { ok: false, status: 415, reason: 'unsupported media type' };
}

/** Why the request is not Slack's (Bolt's verdict, or a timestamp from the future), or null when it is. */
function authenticityProblem(signingSecret: string, req: IncomingMessage, body: string, nowMs: number): string | null {
  const signature = header(req, 'x-slack-signature');
  const timestamp = Number(header(req, 'x-slack-request-timestamp'));
  if (signature === undefined || !Number.isSafeInteger(timestamp)) return 'signature or timestamp header missing';
  if (timestamp > Math.floor(nowMs / 1000) + MAX_CLOCK_SKEW_S) return 'timestamp more than 5 minutes ahead';
  try {
    verifySlackRequest({ signingSecret, body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, nowMilliseconds: nowMs });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : 'not verified';
  }
}

export function slackEventsRoute(options: {
  receiver: HTTPReceiver;
  signingSecret: string;
  logger: Logger;
  bodyLimit?: number;
  now?: () => number;
  /**
   * True while the server shuts down: an Events API request then gets 503, so that Slack sends it
   * again (to another instance, or to this one restarted) instead of it being acknowledged and
   * left unanswered. Commands and clicks are not retried by Slack: they are still taken, and the
   * user is told to try again.
   */
  refuseEvents?: () => boolean;
}): Route {
  const limit = options.bodyLimit ?? SLACK_BODY_LIMIT;
  const now = options.now ?? (() => Date.now());
  const log = options.logger.child({ component: 'slack' });
  return {
    method: 'POST',
    path: SLACK_EVENTS_PATH,
    handler: async (req, res) => {
      const declared = Number(header(req, 'content-length'));
      if (Number.isFinite(declared) && declared > limit) {
        log.warn({ status: 413, bytes: declared }, 'slack request refused');
        refuse(req, res, 413);
        return;
      }
      const raw = await readRaw(req, limit, () => {
        log.warn({ status: 413 }, 'slack request refused');
        refuse(req, res, 413);
      });
      if (raw === null) return;
      const text = raw.toString('utf8');
      const mediaType = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (mediaType === FORM && new URLSearchParams(text).has('ssl_check')) {
        // Slack's ssl_check is unsigned by design: it only asks whether TLS works. It gets its empty
        // 200, and no other field of the body is read, whatever rides on it.
        log.debug('slack ssl_check answered');
        res.writeHead(200, { 'content-length': '0' });
        res.end();
        return;
      }
      const reason = authenticityProblem(options.signingSecret, req, text, now());
      if (reason) {
        log.warn({ status: 401, reason }, 'slack request refused');
        refuse(req, res, 401);
        return;
      }
      const verdict = checkShape(mediaType, text);
      if (!verdict.ok) {
        log.warn({ status: verdict.status, reason: verdict.reason }, 'slack request refused');
        refuse(req, res, verdict.status);
        return;
      }
      if (verdict.event && options.refuseEvents?.()) {
        log.info({ status: 503 }, 'slack event refused while shutting down; Slack will send it again');
        refuse(req, res, 503);
        return;
      }
      // Bolt compares the media type exactly and reuses a body already read (BufferedIncomingMessage).
      req.headers['content-type'] = mediaType;
      Object.assign(req, { rawBody: raw });
      options.receiver.requestListener(req, res);
    },
  };
}
