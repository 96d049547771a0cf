/**
 * POST /api/messages on our plain node:http server, handed to botbuilder's CloudAdapter.process(),
 * which expects an Express/Restify-like request (with the body already parsed) and response. The
 * body is read and checked here, so that garbage gets a 4xx and never reaches the adapter (where a
 * body that is not an activity makes it throw, log to the console and answer 500).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudAdapter, Request as BotRequest, Response as BotResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Logger } from '../../logging.js';
import { HttpError, isLocalClient, readBody, sendJson, type RouteHandler } from '../../server/httpServer.js';
import { quietBotbuilder } from './authentication.js';

/** A Teams activity is a few KB; a card message at most 28 KB. Anything far larger is not one. */
export const MAX_ACTIVITY_BYTES = 256 * 1024;

/**
 * The least an activity needs for the adapter to handle it and answer it; everything else passes
 * through untouched (botbuilder reads the rest).
 */
const ActivityEnvelope = z.looseObject({
  type: z.string().min(1).max(64),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  conversation: z.looseObject({ id: z.string().min(1).max(1024) }),
});

export interface ActivityRouteOptions {
  adapter: CloudAdapter;
  logic: (context: TurnContext) => Promise<void>;
  /** With an app id, every request must carry a Bot Framework token (checked by the adapter). */
  authRequired: boolean;
  /**
   * In local mode, where no token is checked, which service URLs the bot may post to: the endpoint
   * must not become an open relay that posts wherever a stranger's activity points.
   */
  serviceUrlAllowed: (url: URL) => boolean;
  logger: Logger;
}

/** Loopback only: the Bot Framework Emulator and tests run on this machine. */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The Express-like response CloudAdapter.process() writes to, collected and then written once. */
class BridgedResponse implements BotResponse {
  readonly socket: unknown;
  private statusCode = 200;
  private readonly headers = new Map<string, string>();
  private body: unknown;
  private ended = false;

  constructor(private readonly res: ServerResponse) {
    this.socket = res.socket;
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  header(name: string, value: unknown): this {
    this.headers.set(name.toLowerCase(), String(value));
    return this;
  }

  send(body?: unknown): this {
    this.body = body;
    return this;
  }

  end(): this {
    if (this.ended) return this;
    this.ended = true;
    const status = this.statusCode;
    if (status >= 200 && status < 300) {
      if (this.body === undefined || this.body === null || this.body === '') {
        this.res.writeHead(status, Object.fromEntries(this.headers));
        this.res.end();
      } else {
        // An invoke response: JSON for Teams.
        sendJson(this.res, status, this.body);
      }
      return this;
    }
    // botbuilder puts exception messages in error bodies; callers get the status and a word.
    const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Bearer' } : {};
    sendJson(this.res, status, { error: status === 401 ? 'unauthorized' : status >= 500 ? 'internal error' : 'bad request' }, headers);
    return this;
  }

  get isEnded(): boolean {
    return this.ended;
  }
}

export function createActivityRoute(options: ActivityRouteOptions): RouteHandler {
  const { adapter, logic, logger } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') throw new HttpError(400, 'expected Content-Type: application/json');
    const raw = await readBody(req, MAX_ACTIVITY_BYTES);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new HttpError(400, 'the body is not valid JSON');
    }
    const envelope = ActivityEnvelope.safeParse(parsed);
    if (!envelope.success) throw new HttpError(400, 'the body is not a Bot Framework activity (type, channelId, serviceUrl, conversation.id)');
    const authorization = req.headers.authorization;
    if (options.authRequired && (authorization === undefined || authorization.trim() === '')) {
      // The adapter would refuse it too, after logging a stack trace to the console per request.
      logger.warn({ activityType: envelope.data.type }, 'Teams request without a token refused');
      throw new HttpError(401, 'unauthorized', { 'www-authenticate': 'Bearer' });
    }
    if (!options.authRequired && !isLocalClient(req)) {
      logger.warn({ activityType: envelope.data.type }, 'Teams local mode: request from another machine or through a proxy refused');
      throw new HttpError(403, 'without MicrosoftAppId the Teams endpoint only answers a Bot Framework Emulator on this machine');
    }
    if (!options.authRequired && !options.serviceUrlAllowed(new URL(envelope.data.serviceUrl))) {
      logger.warn({ activityType: envelope.data.type }, 'Teams local mode: activity with a non-loopback serviceUrl refused');
      throw new HttpError(403, 'without MicrosoftAppId the Teams endpoint only answers a local Bot Framework Emulator');
    }
    const request: BotRequest = {
      body: parsed as Record<string, unknown>,
      headers: req.headers,
      method: req.method ?? 'POST',
    };
    const response = new BridgedResponse(res);
    // botbuilder prints a refused request's error (and key material) to the console; the refusal is
    // logged as one line by TeamsBotFrameworkAuthentication instead.
    // The turn itself runs outside that hush.
    await quietBotbuilder.run(true, () => adapter.process(request, response, (context) => quietBotbuilder.exit(() => logic(context))));
    if (!response.isEnded) response.status(500).end();
  };
}
