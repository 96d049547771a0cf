/**
 * How loaded the event loop is: the signal that a process is overloaded when what queues is not its
 * turns but the loop itself. Counting turns in flight cannot see that queue: a CPU-bound process
 * finishes each turn quickly, and meanwhile connections wait unaccepted in the kernel's queue (a
 * loop that never idles serves the connections it has and accepts new ones only by the dozen a
 * second, measured with `npm run bench -- flood`), so every new client, health probes included,
 * waits until the flood stops.
 *
 * Two readings. Utilisation: the share of the last `windowMs` the loop spent working rather than
 * waiting for events (node's performance.eventLoopUtilization); near 1 the loop never idles.
 * Delay: how late a timer that should fire every `intervalMs` fires, the worst within the last
 * `windowMs` or, if larger, how overdue it is right now, so that a loop held by one long stretch
 * of work is seen while it is held.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface EventLoopLoad {
  /** Milliseconds the loop is, or recently was, behind. */
  delayMs(): number;
  /** Share of the last window the loop was busy, from 0 to 1. */
  utilization(): number;
}

export interface EventLoopWatch extends EventLoopLoad {
  stop(): void;
}

export function watchEventLoop(options: { intervalMs?: number; windowMs?: number } = {}): EventLoopWatch {
  const intervalMs = options.intervalMs ?? 20;
  const windowMs = options.windowMs ?? 200;
  let due = performance.now() + intervalMs;
  let worst = 0;
  let worstAt = 0;
  let windowStart: EventLoopUtilization = performance.eventLoopUtilization();
  let windowStartAt = performance.now();
  let busy = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const late = Math.max(0, now - due);
    if (late >= worst || now - worstAt > windowMs) {
      worst = late;
      worstAt = now;
    }
    due = now + intervalMs;
    if (now - windowStartAt >= windowMs) {
      const current = performance.eventLoopUtilization();
      busy = performance.eventLoopUtilization(current, windowStart).utilization;
      windowStart = current;
      windowStartAt = now;
    }
  }, intervalMs);
  // The watch alone must not keep a process alive.
  timer.unref();
  return {
    delayMs: () => {
      const now = performance.now();
      return Math.max(now - worstAt <= windowMs ? worst : 0, now - due);
    },
    utilization: () => busy,
    stop: () => clearInterval(timer),
  };
}
