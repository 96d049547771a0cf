/**
 * A 2 MB body gets its 413 on every channel's POST route, whatever the uploader's pace: all at
 * once, or headers first and the body dribbled in small writes after a pause. The client is a raw
 * socket, so nothing between the test and the server (fetch's or curl's own handling of an early
 * answer) hides what the server does: the test reads the bytes the server sends, and the sender
 * must be able to finish its upload without the connection being reset under it (a reset can
 * throw away an answer the client has not read yet).
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './serverHarness.js';

const TWO_MB = 2 * 1024 * 1024;
/** Small writes, as a slow uploader (a phone on a poor link, a proxy trickling) sends them. */
const DRIBBLE = 8 * 1024;

interface Exchange {
  /** Everything the server sent. */
  received: () => string;
  /** Resolves once a whole HTTP response (status line, headers, and the body its Content-Length declares) has arrived. */
  response: Promise<string>;
  /** Resolves when the socket has closed, with the error that closed it, if any. */
  closed: Promise<Error | undefined>;
  socket: Socket;
}

function open(url: string): Promise<Exchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let data = '';
    let error: Error | undefined;
    let onResponse: (text: string) => void = () => undefined;
    const response = new Promise<string>((r) => (onResponse = r));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const complete = completeResponse(data);
      if (complete) onResponse(complete);
    });
    socket.on('error', (e) => (error = e));
    const closed = new Promise<Error | undefined>((r) => socket.once('close', () => r(error)));
    socket.once('connect', () => resolve({ received: () => data, response, closed, socket }));
    socket.once('error', reject);
  });
}

/** The first response in `data` when all of it has arrived, else undefined. */
function completeResponse(data: string): string | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = data.slice(0, end);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!length) return /\r\ntransfer-encoding:\s*chunked/i.test(head) ? (data.includes('\r\n0\r\n\r\n', end) ? data : undefined) : data;
  const total = end + 4 + Number(length[1]);
  return data.length >= total ? data.slice(0, total) : undefined;
}

/** Resolves when the kernel has taken the bytes, or with the error that refused them. */
function write(socket: Socket, bytes: string): Promise<Error | undefined> {
  return new Promise((resolve) => {
    if (socket.destroyed) {
      resolve(new Error('socket already closed'));
      return;
    }
    socket.write(bytes, (error) => resolve(error ?? undefined));
  });
}

/** One turn of the event loop: the server gets to read what was written before the next write. */
const yieldToServer = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Upload {
  path: string;
  contentType: string;
  chunked: boolean;
  /** Headers only, then wait for the server's answer before any of the body (only where the size is declared). */
  waitFirst: boolean;
}

async function upload(url: string, u: Upload): Promise<{ response: string; writeError: Error | undefined; closeError: Error | undefined; rest: string }> {
  const x = await open(url);
  const framing = u.chunked ? 'transfer-encoding: chunked' : `content-length: ${TWO_MB}`;
  const head = `POST ${u.path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${u.contentType}\r\n${framing}\r\n\r\n`;
  let writeError = await write(x.socket, head);
  if (u.waitFirst) await x.response;
  const piece = 'x'.repeat(DRIBBLE);
  for (let sent = 0; sent < TWO_MB && !writeError; sent += DRIBBLE) {
    writeError = await write(x.socket, u.chunked ? `${DRIBBLE.toString(16)}\r\n${piece}\r\n` : piece);
    await yieldToServer();
  }
  if (!writeError && u.chunked) writeError = await write(x.socket, '0\r\n\r\n');
  const response = await Promise.race([x.response, x.closed.then(() => x.received())]);
  // The server closes the connection once the refused body is in: awaited, not done by the test.
  const closeError = await x.closed;
  return { response, writeError, closeError, rest: x.received().slice(response.length) };
}

describe('a 2 MB body gets its 413, whatever the pace of its upload', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('body-limit', {
      env: { PLAYGROUND: 'on', SLACK_SIGNING_SECRET: 'body-limit-secret', SLACK_BOT_TOKEN: 'xoxb-body-limit', SLACK_API_URL: 'http://127.0.0.1:9/api/' },
    });
  });

  afterAll(async () => {
    await server.stop();
  });

  const routes = [
    { path: '/slack/events', contentType: 'application/json' },
    { path: '/api/messages', contentType: 'application/json' },
    { path: '/api/chat', contentType: 'application/json' },
  ];
  const paces: Array<{ name: string; chunked: boolean; waitFirst: boolean }> = [
    { name: 'Content-Length 2 MB, body dribbled right after the headers', chunked: false, waitFirst: false },
    { name: 'Content-Length 2 MB, the body only after the answer to the headers', chunked: false, waitFirst: true },
    { name: 'chunked, body dribbled', chunked: true, waitFirst: false },
  ];

  for (const route of routes) {
    for (const pace of paces) {
      it(`${route.path}: ${pace.name}`, async () => {
        const result = await upload(server.url, { ...route, ...pace });
        expect(result.response).toMatch(/^HTTP\/1\.1 413 /);
        expect(completeResponse(result.response)).toBe(result.response);
        // The sender could finish its upload, and then the server closed: nothing reset the connection under it.
        expect(result.writeError).toBeUndefined();
        expect(result.closeError).toBeUndefined();
        // Nothing else came after the 413 (no second answer to the body's bytes read as a request).
        expect(result.rest).toBe('');
      });
    }
  }

  it('the server keeps serving after the refused uploads', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
  });
});
