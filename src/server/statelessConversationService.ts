/**
 * One message, one reply, no memory: the assistant behind the turn contract without a store.
 * Tests and benchmarks use it where a conversation's history does not matter.
 */
import type { ConversationService, TurnRequest } from '../core/turn.js';
import type { Assistant } from '../engine/assistant.js';
import type { Reply } from '../reply/model.js';

export class StatelessConversationService implements ConversationService {
  constructor(private readonly assistant: Assistant) {}

  async handle(request: TurnRequest): Promise<Reply[]> {
    const text = 'text' in request.input ? request.input.text : request.input.action;
    return [this.assistant.ask(text, request.lang ? { lang: request.lang } : {})];
  }
}
