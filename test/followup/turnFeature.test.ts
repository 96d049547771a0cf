/**
 * The follow-up registry as the router's feature, the one place its commands and buttons are
 * answered for every channel: a coordinator Slack or Teams vouched for enrols; the same words from
 * an activity nobody authenticated (Teams' local mode) are refused; in the playground or the
 * terminal, where nobody is a coordinator, they stay a question for the assistant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routerFor } from '../../src/app/conversations.js';
import type { TurnOutcome } from '../../src/core/router.js';
import type { ConversationService, TurnRequest } from '../../src/core/turn.js';
import { FollowupChat } from '../../src/followup/chat.js';
import { FollowupService } from '../../src/followup/service.js';
import type { Reply } from '../../src/reply/model.js';
import { openStore, type Store } from '../../src/store/database.js';
import { content, TestClock } from './fixtures.js';

let store: Store;
let router: ReturnType<typeof routerFor>;
const asked: TurnRequest[] = [];
const conversation: ConversationService = {
  handle: async (request) => {
    asked.push(request);
    return [{ lang: 'it', kind: 'answer', blocks: [{ type: 'text', body: 'assistant' }], warnings: [], citations: [], actions: [], itemIds: [] } satisfies Reply];
  },
};

beforeAll(async () => {
  store = await openStore({ memory: true });
  const clock = new TestClock('2026-12-05');
  const service = new FollowupService({ db: store.db, content: content(), clock: clock.now, isCoordinator: (user) => user === 'slack:U0COORD01' || user === 'teams:aad-coord' });
  router = routerFor(conversation, new FollowupChat(service));
});

afterAll(async () => {
  await store.close();
});

const outcome = (request: TurnRequest): Promise<TurnOutcome> => router.route(request, async (o) => o);
const text = (o: TurnOutcome): string => JSON.stringify(o.kind === 'form' ? o.fallback : o.replies);

describe('the follow-up feature in the router', () => {
  it('enrols for a coordinator Slack vouched for', async () => {
    const o = await outcome({ channel: 'slack', conversationId: 'D1', userRef: 'U0COORD01', authenticated: true, input: { text: 'iscrivi TC-0042 esami 2026-11-01' } });
    expect(o).toMatchObject({ kind: 'feature', feature: 'followup', ok: true });
    expect(text(o)).toContain('TC-0042 iscritto al follow-up');
  });

  it('refuses the same Teams user id when no token vouched for it', async () => {
    const o = await outcome({ channel: 'teams', conversationId: 'a:1', userRef: 'aad-coord', authenticated: false, input: { text: 'iscrivi TC-0043 esami 2026-11-01' } });
    expect(o).toMatchObject({ kind: 'feature', ok: false });
    expect(text(o)).not.toContain('iscritto');
  });

  it('asks a channel for the enrolment form, with the typed syntax as the fallback', async () => {
    const o = await outcome({ channel: 'teams', conversationId: 'a:1', userRef: 'aad-coord', authenticated: true, input: { text: 'enrol' } });
    expect(o).toMatchObject({ kind: 'form', form: 'enrolment', lang: 'en' });
  });

  it('runs a reminder button for the person who pressed it', async () => {
    const o = await outcome({ channel: 'slack', conversationId: 'C1', userRef: 'U0DOCTOR9', authenticated: true, input: { action: 'pdta:followup:done:999' } });
    expect(o).toMatchObject({ kind: 'feature', ok: false });
  });

  it('leaves the playground’s and the terminal’s messages to the assistant', async () => {
    asked.length = 0;
    for (const channel of ['web', 'console'] as const) {
      expect(await outcome({ channel, conversationId: 'p1', userRef: 'web', authenticated: true, input: { text: 'iscrivi TC-0044 esami 2026-11-01' } })).toMatchObject({ kind: 'turn' });
    }
    expect(asked).toHaveLength(2);
  });
});
