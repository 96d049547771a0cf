/** The real assistant's conversation service, with a record of the turns it was asked and optional scripted replies. */
import type { Reply } from '../../../../src/reply/model.js';
import type { ConversationService, TurnRequest } from '../../../../src/core/turn.js';
import { StatelessConversationService } from '../../../../src/server/statelessConversationService.js';
import { assistant } from './harness.js';

export class RecordingService implements ConversationService {
  readonly requests: TurnRequest[] = [];
  private readonly inner = new StatelessConversationService(assistant());
  /** Replies for a typed text, instead of the assistant's (synthetic long replies, failures). */
  readonly scripted = new Map<string, () => Reply[]>();

  async handle(request: TurnRequest): Promise<Reply[]> {
    this.requests.push(request);
    const script = 'text' in request.input ? this.scripted.get(request.input.text) : undefined;
    return script ? script() : this.inner.handle(request);
  }

  last(): TurnRequest {
    const r = this.requests[this.requests.length - 1];
    if (!r) throw new Error('no turn yet');
    return r;
  }
}
