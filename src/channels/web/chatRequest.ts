/**
 * POST /api/chat, the playground's one endpoint: what it accepts, checked by zod, and the message
 * a client gets when it sends something else (which field, what is wrong), always as a 400.
 */
import { z } from 'zod';
import type { Lang } from '../../reply/model.js';
import { HttpError } from '../../server/httpServer.js';

/** A chat message never needs more; the engine reads the first 1,000 characters of a message anyway. */
export const MAX_CHAT_BODY_BYTES = 16 * 1024;

export const ChatRequestSchema = z
  .strictObject(
    {
      conversationId: z
        .string({ error: 'required, a string of 1 to 128 letters, digits, ".", "_", ":" or "-"' })
        .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1 to 128 letters, digits, ".", "_", ":" or "-"'),
      text: z.string({ error: 'must be a string' }).max(4000, 'must be at most 4,000 characters').optional(),
      action: z
        .string({ error: 'must be a string (the value of a button)' })
        .min(1, 'must not be empty')
        .max(2000, 'must be at most 2,000 characters')
        .optional(),
      lang: z.enum(['it', 'en', 'auto'], { error: 'must be "it", "en" or "auto"' }).optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` : undefined) },
  )
  .refine((r) => (r.text === undefined) !== (r.action === undefined), { error: 'send exactly one of "text" (a message) or "action" (a button value)' });

export interface ChatRequest {
  conversationId: string;
  input: { text: string } | { action: string };
  lang?: Lang;
}

/** Parses a request body, or throws a 400 HttpError that says what to fix. */
export function parseChatRequest(body: string): ChatRequest {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new HttpError(400, 'the body must be JSON: {"conversationId": "...", "text": "..."} or {"conversationId": "...", "action": "..."}');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new HttpError(400, 'the body must be a JSON object: {"conversationId": "...", "text": "..."}');
  }
  const result = ChatRequestSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message));
    throw new HttpError(400, problems.join('; '));
  }
  const r = result.data;
  const input = r.action !== undefined ? { action: r.action } : { text: r.text ?? '' };
  return { conversationId: r.conversationId, input, ...(r.lang && r.lang !== 'auto' ? { lang: r.lang } : {}) };
}
