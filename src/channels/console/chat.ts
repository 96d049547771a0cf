/**
 * `pdta chat`: one conversation in the terminal. From a pipe, each line is one message of the same
 * conversation and each reply is printed in order (with --json, one JSON object per line per
 * reply); at a terminal, a welcome with the menu, a prompt, and replies wrapped to its width. Like every other channel, it goes through the router (src/core/router.ts),
 * so a conversation given an id is stored and survives a restart of the process.
 */
import { createInterface } from 'node:readline';
import type { Lang, Reply } from '../../reply/model.js';
import { renderPlainText } from '../../reply/plainText.js';
import type { ConversationService } from '../../core/turn.js';
import { wrapForTerminal } from './wrap.js';

export interface ChatOptions {
  service: ConversationService;
  conversationId: string;
  input: NodeJS.ReadableStream;
  write: (text: string) => void;
  /** At a terminal: a welcome with the menu first, then a prompt before each message. */
  interactive: boolean;
  json: boolean;
  lang?: Lang;
  /** The terminal's width, to wrap replies to; undefined when the output is not a terminal. */
  width?: number;
}

/** Under the welcome: how to talk to it, in both languages (nothing typed yet to tell which). */
const HINT =
  'Scrivi una domanda, oppure il numero o il nome di un pulsante; Ctrl-D per uscire.\n' +
  'Type a question, or a button’s number or label; Ctrl-D to quit.\n\n';

function render(reply: Reply, options: Pick<ChatOptions, 'json' | 'width'>): string {
  return options.json ? `${JSON.stringify(reply)}\n` : `${wrapForTerminal(renderPlainText(reply), options.width)}\n\n`;
}

export async function runChat(options: ChatOptions): Promise<void> {
  const { service, write } = options;
  const rl = createInterface({
    input: options.input,
    crlfDelay: Infinity,
    terminal: options.interactive,
    ...(options.interactive ? { output: process.stdout, prompt: '> ' } : {}),
  });
  const turn = async (input: { text: string } | { action: string }): Promise<void> => {
    const replies = await service.handle({
      channel: 'console',
      conversationId: options.conversationId,
      userRef: 'console',
      input,
      ...(options.lang ? { lang: options.lang } : {}),
    });
    for (const reply of replies) write(render(reply, options));
  };
  if (options.interactive) {
    // A bare prompt tells a newcomer nothing: the menu says what the assistant answers.
    await turn({ action: 'pdta:menu' });
    if (!options.json) write(wrapForTerminal(HINT, options.width));
    rl.prompt();
  }
  for await (const line of rl) {
    await turn({ text: line });
    if (options.interactive) rl.prompt();
  }
}
