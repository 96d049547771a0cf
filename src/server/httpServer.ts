/**
 * One HTTP server for every channel (Slack events, Teams activities, the playground, health and
 * metrics). Routes are plain async functions; the first whose method and path match handles the
 * request. Anything unmatched gets 404, anything that throws gets 500 without leaking details.
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
  close(): Promise<void>;
}

function matches(route: Route, method: string, path: string): boolean {
  if (route.method !== '*' && route.method !== method) return false;
  if (route.path.endsWith('/*')) return path.startsWith(route.path.slice(0, -1)) || path === route.path.slice(0, -2);
  return route.path === path;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads a request body, refusing more than `limit` bytes (a chat message never needs more). */
export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createRouter(routes: () => readonly Route[], onError: (error: unknown, req: IncomingMessage) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routes().find((r) => matches(r, req.method ?? 'GET', path));
    if (!route) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    try {
      await route.handler(req, res);
    } catch (error) {
      onError(error, req);
      const status = (error as { status?: number }).status;
      if (!res.headersSent) sendJson(res, typeof status === 'number' && status >= 400 && status < 500 ? status : 500, { error: status === 413 ? 'request body too large' : 'internal error' });
      else res.end();
    }
  };
}

export async function startHttpServer(options: {
  host: string;
  port: number;
  routes: () => readonly Route[];
  onError: (error: unknown, req: IncomingMessage) => void;
}): Promise<RunningServer> {
  const server = createServer(createRouter(options.routes, options.onError));
  // Slack retries after 3 s; a slow client must not hold a socket for minutes.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
