/**
 * The one router: a feature plugged in once answers what is its own, on every channel, before the
 * conversation; everything else reaches the conversation unchanged; and a conversation's requests
 * are shown in the order they were sent, however long each takes.
 */
import { describe, expect, it } from 'vitest';
import { TurnRouter, type TurnFeature } from '../../src/core/router.js';
import type { ConversationService, TurnRequest } from '../../src/core/turn.js';
import type { Reply } from '../../src/reply/model.js';

function reply(body: string): Reply {
  return { lang: 'it', kind: 'answer', blocks: [{ type: 'text', body }], warnings: [], citations: [], actions: [], itemIds: [] };
}

/** The conversation: answers with what it was asked, after `delayMs` for texts that ask for it. */
class EchoConversation implements ConversationService {
  readonly seen: TurnRequest[] = [];
  async handle(request: TurnRequest): Promise<Reply[]> {
    this.seen.push(request);
    const text = 'text' in request.input ? request.input.text : request.input.action;
    const delay = /^slow/.test(text) ? 50 : 0;
    await new Promise((resolve) => setTimeout(resolve, delay));
    return [reply(text)];
  }
}

const registryCommands: TurnFeature = {
  name: 'registry',
  handle: async (request) =>
    'text' in request.input && request.input.text.startsWith('iscrivi')
      ? { kind: 'feature', feature: 'registry', replies: [reply(`registry: ${request.input.text}`)], ok: request.authenticated === true }
      : null,
};

const request = (text: string, extra: Partial<TurnRequest> = {}): TurnRequest => ({ channel: 'slack', conversationId: 'C1', userRef: 'U1', input: { text }, ...extra });

const bodies = (replies: Reply[]): string[] => replies.map((r) => (r.blocks[0]?.type === 'text' ? r.blocks[0].body : ''));

describe('the router', () => {
  it('lets a feature plugged in once answer its own messages, and the conversation the rest', async () => {
    const conversation = new EchoConversation();
    const router = new TurnRouter(conversation).use(registryCommands);
    expect(bodies(await router.handle(request('iscrivi TC-0042 esami 2026-03-01')))).toEqual(['registry: iscrivi TC-0042 esami 2026-03-01']);
    expect(bodies(await router.handle(request('neridronato bambino 18 kg', { channel: 'teams' })))).toEqual(['neridronato bambino 18 kg']);
    expect(conversation.seen.map((r) => r.input)).toEqual([{ text: 'neridronato bambino 18 kg' }]);
  });

  it('tells the channel who answered, and whether a feature refused', async () => {
    const router = new TurnRouter(new EchoConversation()).use(registryCommands);
    const refused = await router.route(request('iscrivi TC-0042'), async (outcome) => outcome);
    expect(refused).toMatchObject({ kind: 'feature', feature: 'registry', ok: false });
    const accepted = await router.route(request('iscrivi TC-0042', { authenticated: true }), async (outcome) => outcome);
    expect(accepted).toMatchObject({ kind: 'feature', ok: true });
    expect(await router.route(request('ciao'), async (outcome) => outcome.kind)).toBe('turn');
  });

  it('hands the conversation the request as the turn contract has it, without who vouched for the user', async () => {
    const conversation = new EchoConversation();
    await new TurnRouter(conversation).handle(request('ciao', { authenticated: true, threadId: 'T1', lang: 'en' }));
    expect(conversation.seen).toEqual([{ channel: 'slack', conversationId: 'C1', threadId: 'T1', userRef: 'U1', input: { text: 'ciao' }, lang: 'en' }]);
  });

  it('shows a conversation’s answers in the order its messages came, while other conversations go on', async () => {
    const router = new TurnRouter(new EchoConversation()).use(registryCommands);
    const shown: string[] = [];
    const show = (conversationId: string, text: string) =>
      router.route(request(text, { conversationId }), async (outcome) => {
        if (outcome.kind !== 'form') shown.push(...bodies(outcome.replies).map((b) => `${conversationId}:${b}`));
      });
    await Promise.all([show('C1', 'slow first'), show('C1', 'iscrivi second'), show('C2', 'other'), show('C1', 'third')]);
    expect(shown.filter((s) => s.startsWith('C1:'))).toEqual(['C1:slow first', 'C1:registry: iscrivi second', 'C1:third']);
    expect(shown.indexOf('C2:other')).toBeLessThan(shown.indexOf('C1:slow first'));
  });

  it('rejects when deciding fails, and the conversation’s next message is still answered', async () => {
    const failing: TurnFeature = { name: 'failing', handle: async (r) => ('text' in r.input && r.input.text === 'boom' ? Promise.reject(new Error('store down')) : null) };
    const router = new TurnRouter(new EchoConversation()).use(failing);
    await expect(router.handle(request('boom'))).rejects.toThrow('store down');
    expect(bodies(await router.handle(request('after')))).toEqual(['after']);
  });

  it('gives a channel without forms the feature’s fallback', async () => {
    const forms: TurnFeature = { name: 'forms', handle: async () => ({ kind: 'form', feature: 'forms', form: 'enrolment', lang: 'it', fallback: reply('scrivi: iscrivi <codice> …') }) };
    expect(bodies(await new TurnRouter(new EchoConversation()).use(forms).handle(request('iscrivi')))).toEqual(['scrivi: iscrivi <codice> …']);
  });
});
