import { afterEach, describe, expect, it } from 'vitest';
import { watchEventLoop, type EventLoopWatch } from '../../src/server/eventLoopLoad.js';

function hold(ms: number): void {
  const started = performance.now();
  while (performance.now() - started < ms) {
    // The loop is held here, as by a burst of requests read in one pass.
  }
}

// Only what a busy machine cannot break is asserted: a loop held is at least that far behind, and was busy.
describe('watchEventLoop', () => {
  let watch: EventLoopWatch | undefined;
  afterEach(() => watch?.stop());

  it('sees a loop held by synchronous work while it is held, and afterwards within its window', async () => {
    watch = watchEventLoop({ intervalMs: 10, windowMs: 60_000 });
    hold(300);
    expect(watch.delayMs()).toBeGreaterThanOrEqual(250);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(watch.delayMs()).toBeGreaterThanOrEqual(250);
  });

  it('reads a loop that never idles as fully utilised', async () => {
    watch = watchEventLoop({ intervalMs: 10, windowMs: 50 });
    // Work in slices, so that the watch's timer runs between them and closes a window.
    for (let i = 0; i < 20; i += 1) {
      hold(20);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(watch.utilization()).toBeGreaterThan(0.8);
  });
});
