import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessedEvents } from '../../src/store/events.js';
import { notePostgresSkipped, testEngines, type TestStore } from './engines.js';

const now = new Date('2030-03-04T08:00:00Z');

notePostgresSkipped();

describe.each(testEngines)('processed platform events on $name', (engine) => {
  let opened: TestStore;
  let events: ProcessedEvents;

  beforeAll(async () => {
    opened = await engine.open('events');
    events = new ProcessedEvents(opened.store.db);
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  it('answers an event once and recognises Slack re-sending it', async () => {
    const eventId = `Ev${randomUUID()}`;
    expect(await events.markProcessed('slack', eventId, now)).toBe(true);
    expect(await events.markProcessed('slack', eventId, new Date(now.getTime() + 3_000))).toBe(false);
  });

  it('lets exactly one of 20 simultaneous deliveries of the same event through', async () => {
    const eventId = `Ev${randomUUID()}`;
    const firsts = await Promise.all(Array.from({ length: 20 }, () => events.markProcessed('slack', eventId, now)));
    expect(firsts.filter(Boolean)).toHaveLength(1);
  });

  it('keeps the same id on two channels apart', async () => {
    const eventId = randomUUID();
    expect(await events.markProcessed('slack', eventId, now)).toBe(true);
    expect(await events.markProcessed('teams', eventId, now)).toBe(true);
  });

  it('forgets ids older than the cut-off and counts them', async () => {
    // Long before the other tests' events, so that only these are old enough.
    const longAgo = new Date('2001-05-01T08:00:00Z');
    const old = [randomUUID(), randomUUID()];
    const recent = randomUUID();
    for (const eventId of old) await events.markProcessed('teams', eventId, longAgo);
    await events.markProcessed('teams', recent, new Date(longAgo.getTime() + 3_600_000));

    expect(await events.purgeProcessed(new Date(longAgo.getTime() + 60_000))).toBe(2);
    expect(await events.markProcessed('teams', old[0] ?? '', now)).toBe(true);
    expect(await events.markProcessed('teams', recent, now)).toBe(false);
  });
});
