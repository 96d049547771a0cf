/**
 * The persisted snapshot: small (≤ 2 KB as JSON over a long conversation), ids and enums only, a
 * plain XState persisted snapshot the SQL store accepts, and safe to restore or to refuse.
 */
import { describe, expect, it } from 'vitest';
import { CONVERSATION_MACHINE_VERSION } from '../../machines/conversation.js';
import { MemoryConversationSnapshots } from '../../src/server/conversationSnapshots.js';
import { runTurn } from '../../src/engine/turn.js';
import { assistant, converse, last } from './converse.js';

/** A long shift's worth of conversation: every dialogue, detours, buttons, both languages. */
const LONG = [
  'percorso guidato', 'fosforo alto', 'insufficienza renale? no', 'masse presenti', 'riepilogo', 'avanti', 'GALNT3',
  'neridronato', 'bambino', '18 kg', '25 kg', 'percorso guidato', 'step 3', 'indietro', 'riepilogo',
  'diagnosi differenziale guidata', 'no', 'no', 'dentro un tendine', 'no', '2',
  'guided pathway', 'summary', 'zoledronate child 20 kg', 'what is due when?', 'guided differential', 'yes', 'don’t know',
  'periarticular', 'yes', 'no', 'dose bambino 18 kg', 'alendronato', 'asdfgh', 'pediatrico', 'cosa prevede lo step 2?',
  'percorso guidato', 'ricomincia', 'avanti', 'non so', 'sì', 'no', 'avanti', 'SAMD9', 'avanti', 'menu', '4',
] as const;

describe('persisted snapshot', () => {
  const turns = converse(LONG);
  const sizes = turns.map((t) => JSON.stringify(t.snapshot).length);

  it(`stays under 2 KB as JSON over a ${LONG.length}-message conversation`, () => {
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2048);
    // Reported in the issue note: the largest snapshot of this conversation.
    console.info(`largest snapshot: ${Math.max(...sizes)} bytes over ${LONG.length} turns (median ${[...sizes].sort((a, b) => a - b)[Math.floor(sizes.length / 2)]})`);
  });

  it('holds ids and enums, never reply text', () => {
    for (const t of turns) {
      const json = JSON.stringify(t.snapshot);
      expect(json).not.toMatch(/Neridronato|Registrato|Presenza di masse|Criteri|mg\/kg|\s{2}/);
      expect(Object.keys((t.snapshot as unknown as { context: object }).context).sort()).toEqual(['diff', 'dose', 'findings', 'suspended', 'tmp', 'ui', 'undo', 'walkStep']);
    }
  });

  it('is a persisted XState snapshot (status and value), as the SQL store requires', () => {
    for (const t of turns) {
      expect(t.snapshot).toMatchObject({ status: 'active' });
      expect('value' in t.snapshot).toBe(true);
    }
    expect(CONVERSATION_MACHINE_VERSION).toBe(2);
  });

  it('survives a JSON round trip mid-walkthrough, as a restart does', async () => {
    const store = new MemoryConversationSnapshots();
    const key = { channel: 'console', conversationId: 'c1' };
    const now = new Date('2026-11-25T10:00:00Z');
    let snapshot = null;
    for (const text of ['percorso guidato', 'fosforo alto']) {
      const r = runTurn(assistant, snapshot, { text });
      const before = await store.load(key, now);
      await store.commit(key, { snapshot: r.snapshot, lang: 'it', now, expectedVersion: before.status === 'found' ? before.version : null, audit: [] });
      const loaded = await store.load(key, now);
      snapshot = loaded.status === 'found' ? loaded.snapshot : null;
    }
    const next = runTurn(assistant, snapshot, { text: 'no' });
    expect(next.replies[0]!.blocks.some((b) => b.type === 'facts' && b.facts.some((f) => f.value === 'no'))).toBe(true);
    expect((next.snapshot as unknown as { value: unknown }).value).toEqual({ walkthrough: { step1: 'masses' } });
  });

  it('a snapshot that cannot be trusted is dropped: a fresh conversation, and the user is told', () => {
    const walk = last(converse(['percorso guidato']));
    const corrupt = { ...walk.snapshot, value: { walkthrough: { step9: 'nowhere' } } };
    const r = runTurn(assistant, corrupt, { text: 'neridronato bambino 18 kg' });
    expect(r.replies[0]!.blocks[0]).toEqual({ type: 'text', body: 'Non ho potuto riprendere la conversazione precedente: si riparte da capo.' });
    expect(r.replies[0]!.blocks.some((b) => b.type === 'facts' && b.facts.some((f) => f.value === '36 mg'))).toBe(true);
    const badContext = { ...walk.snapshot, context: { findings: 'everything' } };
    expect(runTurn(assistant, badContext, { text: 'avanti' }).snapshot).toMatchObject({ value: 'idle' });
  });
});
