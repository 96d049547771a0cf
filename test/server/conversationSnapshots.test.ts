/**
 * SqlConversationSnapshots keeps each conversation's last commit in memory and reads the store only
 * when it must. Two instances on one database are two of them on one store: what one keeps must
 * never hide what the other wrote since (the commit's version check finds it, and the turn reruns
 * on the stored snapshot).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { renderPlainText } from '../../src/reply/plainText.js';
import type { Reply } from '../../src/reply/model.js';
import { SqlConversationSnapshots } from '../../src/server/conversationSnapshots.js';
import { TurnConversationService } from '../../src/server/turnConversationService.js';
import { ConversationStore } from '../../src/store/conversations.js';
import { notePostgresSkipped, testEngines, type TestStore } from '../store/engines.js';

const assistant = loadAssistant();
const HOUR = 60 * 60_000;
const text = (replies: Reply[]) => replies.map(renderPlainText).join('\n');

notePostgresSkipped();

describe.each(testEngines)('conversations kept in memory, on $name', (engine) => {
  let opened: TestStore;
  beforeAll(async () => {
    opened = await engine.open('conversation_snapshots');
  });
  afterAll(async () => {
    await opened.dispose();
  });

  /** One `pdta serve` instance: its own memory of conversations, the shared database. */
  const instance = (now: () => Date = () => new Date()) =>
    new TurnConversationService({
      assistant,
      snapshots: new SqlConversationSnapshots(new ConversationStore(opened.store.db, { serverDatabase: opened.store.engine === 'postgres' }), HOUR),
      now,
    });
  let n = 0;
  const conversation = () => {
    n += 1;
    const conversationId = `C0KEPT${n}-${Date.now()}`;
    return (t: string) => ({ channel: 'slack' as const, conversationId, threadId: '1700000000.000100', userRef: 'U012ABCDEF', input: { text: t } });
  };

  it('an instance that kept a conversation sees the step another instance took since', async () => {
    const [a, b] = [instance(), instance()];
    const say = conversation();
    await a.handle(say('percorso guidato'));
    expect(text(await a.handle(say('riepilogo')))).toContain('Step corrente: 1');
    // B has never seen it: it reads A's step from the store and takes the next one.
    await b.handle(say('avanti'));
    // A still holds step 1 in memory; its commit finds B's write, and the turn runs again on step 2.
    expect(text(await a.handle(say('riepilogo')))).toContain('Step corrente: 2');
    await a.handle(say('avanti'));
    expect(text(await b.handle(say('riepilogo')))).toContain('Step corrente: 3');
  });

  it('turns that alternate between two instances lose no step', async () => {
    const [a, b] = [instance(), instance()];
    const say = conversation();
    await a.handle(say('percorso guidato'));
    await b.handle(say('avanti'));
    await a.handle(say('avanti'));
    await b.handle(say('indietro'));
    expect(text(await a.handle(say('riepilogo')))).toContain('Step corrente: 2');
  });

  it('a conversation this instance never saw resumes where it was, not afresh', async () => {
    const say = conversation();
    const before = instance();
    await before.handle(say('percorso guidato'));
    await before.handle(say('fosforo alto'));
    // A restarted process: nothing in memory.
    const summary = text(await instance().handle(say('riepilogo')));
    expect(summary).toContain('Fosforo sierico: alto');
    expect(summary).toContain('Step corrente: 1');
  });

  it('a kept conversation still expires after CONVERSATION_TTL_MINUTES idle', async () => {
    let now = new Date('2026-11-25T10:00:00Z');
    const service = instance(() => now);
    const say = conversation();
    await service.handle(say('percorso guidato'));
    now = new Date('2026-11-25T10:59:00Z');
    expect(text(await service.handle(say('riepilogo')))).toContain('Step corrente: 1');
    now = new Date('2026-11-25T12:00:00Z');
    expect(text(await service.handle(say('avanti')))).toContain('inattiva da troppo tempo');
  });
});
