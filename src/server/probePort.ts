/**
 * The health probes on a port of their own (HEALTH_PORT), answered by a worker thread, so that they
 * answer in milliseconds however busy the main thread is.
 *
 * On the main port a probe cannot: libuv (1.45 and later, so node 20) accepts one connection per
 * turn of the event loop, and a loop kept busy by a flood turns a few times a second, so a probe's
 * new connection waits in the kernel's accept queue behind the flood's (seconds, measured with
 * `npm run bench -- flood`). The worker has a loop and a listening socket of its own, and reads
 * what it reports from memory the main thread writes: the phase (starting, ready, draining), a
 * heartbeat every HEARTBEAT_MS (a main thread whose heartbeat is older than STALLED_AFTER_MS is
 * stuck, and liveness says so), the outcome of the last database check, and the turns in flight.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logging.js';

export type Phase = 'starting' | 'ready' | 'draining';

/** How often the main thread writes its heartbeat. */
const HEARTBEAT_MS = 250;
/**
 * A main thread silent this long is stuck: liveness answers 503, and an orchestrator restarts the
 * process after its failure threshold. Far above any stretch of work a turn or a flood produces
 * (MAX_EVENT_LOOP_DELAY_MS refuses work long before), and above opening PGlite on a busy machine.
 */
export const STALLED_AFTER_MS = 10_000;
/** A database check older than this no longer says the database answers (the main thread checks every STORE_CHECK_MS). */
const STORE_CHECK_FRESH_MS = 5_000;
export const STORE_CHECK_MS = 1_000;

// Slots of the shared memory, each a 64-bit integer.
const PHASE = 0;
const HEARTBEAT_AT = 1;
const STORE_CHECKED_AT = 2;
const STORE_OK = 3;
const TURNS_IN_FLIGHT = 4;
const SLOTS = 5;
const PHASES: readonly Phase[] = ['starting', 'ready', 'draining'];

/**
 * The worker's source. A string evaluated as a script (CommonJS, node's own modules only) rather
 * than a file: it runs the same from dist/ and from src/ under tsx or vitest, with no loader.
 */
const WORKER_SOURCE = `
const { createServer } = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const state = new BigInt64Array(workerData.state);
const phases = ${JSON.stringify(PHASES)};
let details = { channels: [], store: null, contentVersion: workerData.contentVersion };

function reading() {
  const now = Date.now();
  const silentMs = now - Number(Atomics.load(state, ${HEARTBEAT_AT}));
  return {
    phase: phases[Number(Atomics.load(state, ${PHASE}))],
    stalled: silentMs > workerData.stalledAfterMs,
    silentMs,
    storeOk: Atomics.load(state, ${STORE_OK}) === 1n && now - Number(Atomics.load(state, ${STORE_CHECKED_AT})) <= ${STORE_CHECK_FRESH_MS},
    turnsInFlight: Number(Atomics.load(state, ${TURNS_IN_FLIGHT})),
  };
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

const server = createServer((req, res) => {
  const path = (req.url || '/').split('?')[0];
  if (path !== '/healthz' && path !== '/readyz') return send(res, 404, { error: 'this port answers GET /healthz and GET /readyz only' });
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, { error: 'use GET' });
  }
  const r = reading();
  if (path === '/healthz') {
    if (r.stalled) return send(res, 503, { status: 'stalled', silentMs: r.silentMs });
    return send(res, 200, { status: r.phase === 'ready' ? 'ok' : r.phase });
  }
  const status = r.stalled ? 'stalled' : r.phase !== 'ready' ? r.phase : r.storeOk ? 'ready' : 'store unavailable';
  send(res, status === 'ready' ? 200 : 503, { status, channels: details.channels, store: details.store, turnsInFlight: r.turnsInFlight, contentVersion: details.contentVersion });
});
server.headersTimeout = 5000;
server.requestTimeout = 10000;
server.on('error', (error) => parentPort.postMessage({ type: 'error', code: error.code, message: error.message }));
server.listen({ host: workerData.host, port: workerData.port }, () => parentPort.postMessage({ type: 'listening', port: server.address().port }));
parentPort.on('message', (message) => {
  if (message.type === 'details') details = { ...details, ...message.details };
  if (message.type === 'close') {
    server.close();
    server.closeAllConnections();
    parentPort.close();
  }
});
`;

export interface ProbeDetails {
  channels: string[];
  store: string | null;
}

export interface ProbePort {
  /** http://host:port of the probe port (the port chosen when HEALTH_PORT is 0). */
  url: string;
  phase(phase: Phase): void;
  /** What /readyz lists once the service graph is up. */
  describe(details: ProbeDetails): void;
  storeChecked(ok: boolean): void;
  turnsInFlight(count: number): void;
  close(): Promise<void>;
}

export class ProbePortError extends Error {
  constructor(
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Listens on host:port in a worker; rejects with ProbePortError when the port cannot be had.
 * `stalledAfterMs` (default STALLED_AFTER_MS) is there for tests, which cannot wait ten seconds.
 */
export function startProbePort(options: { host: string; port: number; contentVersion: string; logger: Logger; stalledAfterMs?: number }): Promise<ProbePort> {
  const state = new BigInt64Array(new SharedArrayBuffer(SLOTS * BigInt64Array.BYTES_PER_ELEMENT));
  const beat = (): void => void Atomics.store(state, HEARTBEAT_AT, BigInt(Date.now()));
  beat();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      state: state.buffer,
      host: options.host,
      port: options.port,
      contentVersion: options.contentVersion,
      stalledAfterMs: options.stalledAfterMs ?? STALLED_AFTER_MS,
    },
    // Its own small heap: it holds one HTTP server and a few objects.
    resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
  });
  const heartbeat = setInterval(beat, HEARTBEAT_MS);
  // The probes alone must not keep a process alive.
  heartbeat.unref();
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let closed = false;
  return new Promise((resolve, reject) => {
    const fail = (error: ProbePortError): void => {
      clearInterval(heartbeat);
      void worker.terminate();
      reject(error);
    };
    worker.on('message', (message: { type: string; port?: number; code?: string; message?: string }) => {
      if (message.type === 'listening') {
        const host = options.host.includes(':') ? `[${options.host}]` : options.host;
        resolve({
          url: `http://${host}:${message.port}`,
          phase: (phase) => void Atomics.store(state, PHASE, BigInt(PHASES.indexOf(phase))),
          describe: (details) => worker.postMessage({ type: 'details', details }),
          storeChecked: (ok) => {
            Atomics.store(state, STORE_OK, ok ? 1n : 0n);
            Atomics.store(state, STORE_CHECKED_AT, BigInt(Date.now()));
          },
          turnsInFlight: (count) => void Atomics.store(state, TURNS_IN_FLIGHT, BigInt(count)),
          close: async () => {
            if (closed) return exited;
            closed = true;
            clearInterval(heartbeat);
            worker.postMessage({ type: 'close' });
            // The worker ends once its server and port are closed; terminate() bounds a straggler.
            const late = setTimeout(() => void worker.terminate(), 1_000);
            await exited;
            clearTimeout(late);
          },
        });
      } else if (message.type === 'error') {
        const error = new ProbePortError(message.code, message.message ?? 'the probe port failed');
        if (!closed) options.logger.error({ err: error }, 'health probe port failed');
        fail(error);
      }
    });
    worker.once('error', (error) => {
      options.logger.error({ err: error }, 'health probe worker failed');
      fail(new ProbePortError(undefined, error.message));
    });
  });
}
