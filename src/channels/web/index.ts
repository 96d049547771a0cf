/**
 * The web playground: a chat page at GET / and its API at POST /api/chat, for whoever has just
 * cloned the repository (no Slack or Teams account needed) and for whoever configures the apps
 * (each reply is also shown as the Teams card and the Slack blocks the bots would send).
 *
 * Thin like every channel: a request becomes a turn of the conversation service, the replies go
 * back as the reply model plus the two platform renderings. Nothing here knows any clinical rule.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logging.js';
import { renderAdaptiveCard, type AdaptiveCard } from '../../reply/adaptiveCard.js';
import { renderBlockKit, type SlackMessage } from '../../reply/blockKit.js';
import type { Reply } from '../../reply/model.js';
import type { ConversationService } from '../../core/turn.js';
import { HttpError, isLocalClient, readBody, sendJson, type Route, type RouteHandler } from '../../server/httpServer.js';
import { countError } from '../../server/metrics.js';
import type { Channel } from '../channel.js';
import { MAX_CHAT_BODY_BYTES, parseChatRequest, type ChatRequest } from './chatRequest.js';
import { ADAPTIVECARDS_PATH, PLAYGROUND_CSP, preferredLang, renderPlaygroundPage } from './page.js';

export interface ChatResponse {
  conversationId: string;
  replies: Reply[];
  /** The replies as the Slack bot posts them (Block Kit messages, in order). */
  slack: SlackMessage[];
  /** The replies as the Teams bot sends them (Adaptive Cards, in order). */
  teams: AdaptiveCard[];
}

/** The playground has no users: every turn is audited as this one. */
export const PLAYGROUND_USER = 'web-playground';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The Adaptive Cards browser bundle from node_modules (a dependency of the server for this reason):
 * the page draws Teams cards with Microsoft's own renderer, offline. Null when it is not installed.
 */
function readAdaptiveCardsBundle(logger: Logger): Buffer | null {
  try {
    const file = createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.min.js');
    // The source map comment would make browser devtools ask for a file we do not serve.
    return Buffer.from(readFileSync(file, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  } catch (error) {
    logger.warn({ err: error }, 'adaptivecards is not installed: the playground shows no Teams preview');
    return null;
  }
}

function renderPreviews(replies: Reply[], logger: Logger): Pick<ChatResponse, 'slack' | 'teams'> {
  // A renderer bug must not cost the user the answer: the chat shows the reply model either way.
  const safely = <T>(name: string, render: (r: Reply) => T[]): T[] => {
    try {
      return replies.flatMap(render);
    } catch (error) {
      countError('render_failed');
      logger.error({ err: error, renderer: name, kinds: replies.map((r) => r.kind) }, 'render failed');
      return [];
    }
  };
  return { slack: safely('slack', (r) => renderBlockKit(r)), teams: safely('teams', (r) => renderAdaptiveCard(r)) };
}

export function createWebChannel(deps: {
  service: ConversationService;
  logger: Logger;
  contentVersion: string;
  /** PLAYGROUND=auto: the page and its API answer only clients on this machine that came through no proxy. */
  localClientsOnly?: boolean;
}): Channel {
  const { service, logger } = deps;
  const bundle = readAdaptiveCardsBundle(logger);
  const pages = {
    it: renderPlaygroundPage({ lang: 'it', contentVersion: deps.contentVersion, adaptiveCards: bundle !== null }),
    en: renderPlaygroundPage({ lang: 'en', contentVersion: deps.contentVersion, adaptiveCards: bundle !== null }),
  };

  const page = (req: IncomingMessage, res: ServerResponse): void => {
    const html = pages[preferredLang(req.headers['accept-language'])];
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(html),
      'content-security-policy': PLAYGROUND_CSP,
      'cache-control': 'no-cache',
      vary: 'accept-language',
      ...SECURITY_HEADERS,
    });
    res.end(html);
  };

  const vendor = (_req: IncomingMessage, res: ServerResponse): void => {
    if (!bundle) {
      sendJson(res, 404, { error: 'adaptivecards is not installed' });
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'content-length': bundle.length,
      'cache-control': 'public, max-age=86400',
      ...SECURITY_HEADERS,
    });
    res.end(bundle);
  };

  const chat = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let request: ChatRequest;
    try {
      // JSON only: a page on another site cannot send that without a CORS preflight, which this
      // server never grants, so it cannot make turns in someone's local playground.
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') throw new HttpError(415, 'send the body as JSON, with Content-Type: application/json');
      request = parseChatRequest(await readBody(req, MAX_CHAT_BODY_BYTES));
    } catch (error) {
      countError('bad_request');
      throw error;
    }
    const replies = await service.handle({
      channel: 'web',
      conversationId: request.conversationId,
      userRef: PLAYGROUND_USER,
      input: request.input,
      ...(request.lang ? { lang: request.lang } : {}),
    });
    const body: ChatResponse = { conversationId: request.conversationId, replies, ...renderPreviews(replies, logger) };
    sendJson(res, 200, body, { 'cache-control': 'no-store', ...SECURITY_HEADERS });
  };

  const local = (handler: RouteHandler): RouteHandler =>
    deps.localClientsOnly
      ? (req, res) => {
          if (!isLocalClient(req)) throw new HttpError(403, 'the playground answers only this machine (PLAYGROUND=on opens it to the network)');
          return handler(req, res);
        }
      : handler;
  const routes: Route[] = [
    { method: 'GET', path: '/', handler: local(page) },
    { method: 'GET', path: ADAPTIVECARDS_PATH, handler: local(vendor) },
    { method: 'POST', path: '/api/chat', handler: local(chat) },
  ];
  return { name: 'web', routes };
}
