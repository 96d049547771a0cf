/**
 * A loopback stand-in for Slack's Socket Mode endpoint: just enough WebSocket (RFC 6455: the
 * handshake, text, close, ping/pong frames; client frames are masked, ours are not) to say hello,
 * push envelopes and collect the app's acknowledgements.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ConditionWaiters } from './conditionWaiters.js';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, length]) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (length >= 126 && length < 65536) {
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else if (length >= 65536) {
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

export class FakeSocketMode {
  /** Messages the app sent (acknowledgements), parsed. */
  readonly received: Array<Record<string, unknown>> = [];
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new ConditionWaiters();
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((_req, res) => res.writeHead(426).end());
    this.server.on('upgrade', (req, socket: Socket) => {
      const key = req.headers['sec-websocket-key'];
      const accept = createHash('sha1').update(`${String(key)}${WS_GUID}`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => this.sockets.delete(socket));
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        for (;;) {
          const parsed = this.parse(pending);
          if (!parsed) break;
          pending = pending.subarray(parsed.consumed);
          this.onFrame(socket, parsed.opcode, parsed.payload);
        }
      });
      this.send(socket, { type: 'hello', num_connections: 1, debug_info: { host: 'fake', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0APP0001' } });
      this.notify();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link`;
    return this;
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Pushes an envelope to every connected app. */
  push(envelope: Record<string, unknown>): void {
    for (const s of this.sockets) this.send(s, envelope);
  }

  waitFor(ready: () => boolean, timeoutMs = 5_000): Promise<void> {
    return this.waiters.waitFor(ready, timeoutMs, () => 'fake Socket Mode');
  }


  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private notify(): void {
    this.waiters.notify();
  }

  private send(socket: Socket, message: Record<string, unknown>): void {
    socket.write(frame(0x1, Buffer.from(JSON.stringify(message))));
  }

  private parse(buf: Buffer): { opcode: number; payload: Buffer; consumed: number } | null {
    if (buf.length < 2) return null;
    const opcode = buf[0]! & 0x0f;
    const masked = (buf[1]! & 0x80) !== 0;
    let length = buf[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buf.length < 4) return null;
      length = buf.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buf.length < 10) return null;
      length = Number(buf.readBigUInt64BE(2));
      offset = 10;
    }
    const maskLength = masked ? 4 : 0;
    if (buf.length < offset + maskLength + length) return null;
    const mask = buf.subarray(offset, offset + maskLength);
    const payload = Buffer.from(buf.subarray(offset + maskLength, offset + maskLength + length));
    if (masked) for (let i = 0; i < payload.length; i += 1) payload[i] = payload[i]! ^ mask[i % 4]!;
    return { opcode, payload, consumed: offset + maskLength + length };
  }

  private onFrame(socket: Socket, opcode: number, payload: Buffer): void {
    if (opcode === 0x9) socket.write(frame(0xa, payload));
    else if (opcode === 0x8) socket.end(frame(0x8, payload.subarray(0, 2)));
    else if (opcode === 0x1) {
      this.received.push(JSON.parse(payload.toString('utf8')) as Record<string, unknown>);
      this.notify();
    }
  }
}
