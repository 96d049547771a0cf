/**
 * The delivery log both platforms deduplicate with (src/store/deliveryLog.ts): a re-delivered
 * activity or event is answered once. With PostgreSQL, once across every bot instance sharing the
 * database (batched inserts into processed_events); with PGlite, one process by construction, once
 * per process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryLogForEngine, MemoryDeliveryLog, SharedDeliveryLog } from '../../src/store/deliveryLog.js';
import { ProcessedEvents } from '../../src/store/events.js';
import { notePostgresSkipped, testEngines, type TestStore } from './engines.js';

notePostgresSkipped();

describe.each(testEngines)('shared delivery log on $name', (engine) => {
  let opened: TestStore;
  beforeAll(async () => {
    opened = await engine.open('teams_deliveries');
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  it('lets exactly one of 50 simultaneous deliveries of the same activity through, among other activities', async () => {
    const log = new SharedDeliveryLog(new ProcessedEvents(opened.store.db), 'teams');
    const same = Array.from({ length: 50 }, () => log.firstDelivery('a:1chat|1712345678901'));
    const others = Array.from({ length: 30 }, (_, i) => log.firstDelivery(`a:1chat|${i}`));
    const results = await Promise.all([...same, ...others]);
    expect(results.slice(0, 50).filter(Boolean)).toHaveLength(1);
    expect(results.slice(50).every(Boolean)).toBe(true);
  });

  it('recognises a retry that reaches another instance', async () => {
    const first = new SharedDeliveryLog(new ProcessedEvents(opened.store.db), 'teams');
    const second = new SharedDeliveryLog(new ProcessedEvents(opened.store.db), 'teams');
    expect(await first.firstDelivery('19:x@thread.tacv2;messageid=1|2')).toBe(true);
    expect(await second.firstDelivery('19:x@thread.tacv2;messageid=1|2')).toBe(false);
  });

  it('keeps Teams ids apart from another channel’s', async () => {
    expect(await new SharedDeliveryLog(new ProcessedEvents(opened.store.db), 'teams').firstDelivery('same-id')).toBe(true);
    expect(await new SharedDeliveryLog(new ProcessedEvents(opened.store.db), 'slack').firstDelivery('same-id')).toBe(true);
  });

  it('uses the database with PostgreSQL, the process memory with PGlite', () => {
    const log = deliveryLogForEngine(opened.store, new ProcessedEvents(opened.store.db), 'teams');
    expect(log).toBeInstanceOf(engine.name === 'postgres' ? SharedDeliveryLog : MemoryDeliveryLog);
  });
});

describe('memory delivery log', () => {
  it('answers a repeat within the retry window as a repeat, and forgets after it', async () => {
    let now = Date.parse('2030-03-04T08:00:00Z');
    const log = new MemoryDeliveryLog(() => new Date(now), 60_000);
    expect(await log.firstDelivery('k')).toBe(true);
    now += 30_000;
    expect(await log.firstDelivery('k')).toBe(false);
    now += 61_000;
    expect(await log.firstDelivery('k')).toBe(true);
  });

  it('holds a bounded number of ids, forgetting the oldest', async () => {
    const log = new MemoryDeliveryLog(() => new Date(0), 60_000, 3);
    for (const k of ['a', 'b', 'c', 'd']) expect(await log.firstDelivery(k)).toBe(true);
    expect(await log.firstDelivery('d')).toBe(false);
    expect(await log.firstDelivery('a')).toBe(true);
  });
});
