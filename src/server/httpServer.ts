/**
 * One HTTP server for every channel (Slack events, Teams activities, the playground, health and
 * metrics). Routes are plain async functions; the first whose method and path match handles the
 * request. An unknown path gets 404, a known path with the wrong method 405, an HttpError its own
 * status and message, anything else that throws 500 without leaking details.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | '*';
  /** Exact path, or a prefix ending in '/*'. */
  path: string;
  handler: RouteHandler;
}

export interface RunningServer {
  server: Server;
  url: string;
  /** Requests received and not yet answered (their response not finished or their connection closed). */
  readonly requestsInProgress: number;
  /**
   * Stops accepting connections and resolves when the open ones have ended; after `timeoutMs`
   * (default 10 s) the remaining ones are cut, so a stuck client cannot hold the shutdown forever.
   */
  close(timeoutMs?: number): Promise<void>;
}

/** An error whose status and message are meant for the client (a 4xx saying what to fix, or a 503). */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function pathMatches(route: Route, path: string): boolean {
  if (route.path.endsWith('/*')) return path.startsWith(route.path.slice(0, -1)) || path === route.path.slice(0, -2);
  return route.path === path;
}

function methodMatches(route: Route, method: string): boolean {
  // HEAD is GET without a body (Node drops the body): load balancers probe health with it.
  return route.method === '*' || route.method === method || (method === 'HEAD' && route.method === 'GET');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Reads a request body, refusing more than `limit` bytes (a chat message never needs more) with a
 * 413. What the client is still sending of a refused body is read and thrown away by the router
 * before the connection closes (see answerBeforeBody).
 */
export function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const tooLarge = () => new HttpError(413, `request body too large (limit ${limit} bytes)`);
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) fail(tooLarge());
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', fail);
    req.on('close', () => fail(new HttpError(400, 'the request ended before its body')));
  });
}

/**
 * The most of a refused body read and thrown away before the connection is closed anyway; a sender
 * slower than that is cut by the server's requestTimeout.
 */
const MAX_DISCARDED_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Answers a request whose body is still arriving and will not be read (too large, or refused before
 * it was needed), then reads and discards the rest of it, and only then closes the connection.
 *
 * Closing as soon as the answer is written (what `Connection: close` makes node do) leaves the
 * client's unsent body with nowhere to go: the kernel answers it with a reset, and a client that
 * reads only once its upload is done (most HTTP clients, most proxies) loses the answer with the
 * connection and reports a broken pipe instead of the 413. So the whole answer goes out at once
 * (its Content-Length known, `Connection: close` announced), and the response is ended, which lets
 * node close the socket, when the request's body has ended.
 */
export function answerBeforeBody(req: IncomingMessage, res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body), connection: 'close' });
  if (body === '') res.flushHeaders();
  else res.write(body);
  const finish = (): void => {
    if (!res.writableEnded) res.end();
  };
  if (req.complete) {
    finish();
    return;
  }
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BODY_BYTES) {
      finish();
      req.destroy();
    }
  });
  req.once('end', finish);
  req.once('close', finish);
  req.resume();
}

export interface RouterHooks {
  /** A handler threw something that is not an HttpError: logged, answered 500. */
  onError: (error: unknown, req: IncomingMessage) => void;
  /** Every response, once sent: `route` is the matched route's path or "unmatched" (bounded, for metrics). */
  onResponse?: (route: string, method: string, status: number) => void;
}

export function createRouter(routes: () => readonly Route[], hooks: RouterHooks | RouterHooks['onError']) {
  const { onError, onResponse } = typeof hooks === 'function' ? { onError: hooks, onResponse: undefined } : hooks;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const candidates = routes().filter((r) => pathMatches(r, path));
    const route = candidates.find((r) => methodMatches(r, method));
    if (onResponse) res.once('finish', () => onResponse(route?.path ?? 'unmatched', method, res.statusCode));
    if (!route) {
      if (candidates.length > 0) {
        const allow = [...new Set(candidates.flatMap((r) => (r.method === 'GET' ? ['GET', 'HEAD'] : [r.method])))].join(', ');
        sendJson(res, 405, { error: `method ${method} not allowed on ${path}; use ${allow}` }, { allow });
      } else {
        sendJson(res, 404, { error: 'not found' });
      }
      return;
    }
    try {
      await route.handler(req, res);
    } catch (error) {
      if (error instanceof HttpError) {
        if (res.headersSent) res.end();
        else if (!req.complete) answerBeforeBody(req, res, error.status, JSON.stringify({ error: error.message }), { 'content-type': 'application/json; charset=utf-8', ...error.headers });
        else sendJson(res, error.status, { error: error.message }, error.headers);
        return;
      }
      // A client that hung up mid-request (a closed tab, a load generator's timeout) is no fault of ours.
      if (clientHungUp(error, req)) {
        res.destroy();
        return;
      }
      onError(error, req);
      const status = (error as { status?: number }).status;
      if (!res.headersSent) sendJson(res, typeof status === 'number' && status >= 400 && status < 500 ? status : 500, { error: status === 413 ? 'request body too large' : 'internal error' });
      else res.end();
    }
  };
}

function clientHungUp(error: unknown, req: IncomingMessage): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return req.socket.destroyed && (code === 'ECONNRESET' || code === 'ECONNABORTED' || (error instanceof Error && error.message === 'aborted'));
}

/** Where a browser on this machine reaches a server bound to every interface. */
function browsableHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return 'localhost';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/**
 * Connections the kernel holds for the process to accept (node's default is 511; Linux caps it at
 * net.core.somaxconn, 4096 by default since 5.4). A busy loop accepts in bursts; past the queue a new
 * connection is dropped, and its client, a health probe among them, retries only after a second or more.
 */
const LISTEN_BACKLOG = 4096;

export async function startHttpServer(options: {
  host: string;
  port: number;
  routes: () => readonly Route[];
  onError: (error: unknown, req: IncomingMessage) => void;
  onResponse?: (route: string, method: string, status: number) => void;
}): Promise<RunningServer> {
  const hooks: RouterHooks = options.onResponse ? { onError: options.onError, onResponse: options.onResponse } : { onError: options.onError };
  const router = createRouter(options.routes, hooks);
  let inProgress = 0;
  const server = createServer((req, res) => {
    inProgress += 1;
    res.once('close', () => (inProgress -= 1));
    return router(req, res);
  });
  // Slack retries after 3 s; a slow client must not hold a socket for minutes.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${browsableHost(address)}:${address.port}`,
    get requestsInProgress() {
      return inProgress;
    },
    close: (timeoutMs = 10_000) =>
      (closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}

/**
 * A client on this machine that came through no proxy: a reverse proxy on the same host connects
 * from loopback too, but says whom it forwards for.
 */
export function isLocalClient(req: IncomingMessage): boolean {
  if (req.headers['forwarded'] !== undefined || req.headers['x-forwarded-for'] !== undefined || req.headers['x-real-ip'] !== undefined) return false;
  const address = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
