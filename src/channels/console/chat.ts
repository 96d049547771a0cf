/**
 * `pdta chat`: one conversation in the terminal. From a pipe, each line is one message of the same
 * conversation and each reply is printed in order (with --json, one JSON object per line per
 * reply); at a terminal, a prompt. Like every other channel, it goes through a ConversationService,
 * so a conversation given an id is stored and survives a restart of the process.
 */
import { createInterface } from 'node:readline';
import type { Lang, Reply } from '../../reply/model.js';
import { renderPlainText } from '../../reply/plainText.js';
import type { ConversationService } from '../../server/conversationService.js';

export interface ChatOptions {
  service: ConversationService;
  conversationId: string;
  input: NodeJS.ReadableStream;
  write: (text: string) => void;
  /** A prompt is shown only at a terminal. */
  interactive: boolean;
  json: boolean;
  lang?: Lang;
}

function render(reply: Reply, json: boolean): string {
  return json ? `${JSON.stringify(reply)}\n` : `${renderPlainText(reply)}\n\n`;
}

export async function runChat(options: ChatOptions): Promise<void> {
  const { service, write } = options;
  const rl = createInterface({
    input: options.input,
    crlfDelay: Infinity,
    terminal: options.interactive,
    ...(options.interactive ? { output: process.stdout, prompt: '> ' } : {}),
  });
  if (options.interactive) rl.prompt();
  for await (const line of rl) {
    const replies = await service.handle({
      channel: 'console',
      conversationId: options.conversationId,
      userRef: 'console',
      input: { text: line },
      ...(options.lang ? { lang: options.lang } : {}),
    });
    for (const reply of replies) write(render(reply, options.json));
    if (options.interactive) rl.prompt();
  }
}
