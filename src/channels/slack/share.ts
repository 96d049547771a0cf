/**
 * "Share in channel" on an ephemeral /pdta answer. An app cannot read back an ephemeral message,
 * so the button carries what produced the answer (the question or the button value, and its
 * language) and the answer is computed again, as a fresh conversation, when it is shared.
 */
import { z } from 'zod';
import type { TurnRequest } from '../../core/turn.js';
import { SLACK_LIMITS } from '../../reply/blockKit.js';

export const SHARE_ACTION_ID = 'pdta:share';

const ShareValue = z.object({
  t: z.string().optional(),
  a: z.string().optional(),
  l: z.enum(['it', 'en']).optional(),
});
type ShareInput = z.infer<typeof ShareValue>;

/** The button value for a turn's input, or null when it does not fit in a button (2,000 chars). */
export function encodeShare(input: TurnRequest['input'], lang: 'it' | 'en' | undefined): string | null {
  const value: ShareInput = 'text' in input ? { t: input.text } : { a: input.action };
  if (lang) value.l = lang;
  const encoded = JSON.stringify(value);
  return encoded.length <= SLACK_LIMITS.buttonValue ? encoded : null;
}

export function decodeShare(value: string | undefined): { input: TurnRequest['input']; lang?: 'it' | 'en' } | null {
  if (!value) return null;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = ShareValue.safeParse(json);
  if (!parsed.success) return null;
  const { t, a, l } = parsed.data;
  const input = t !== undefined ? { text: t } : a !== undefined ? { action: a } : null;
  if (!input) return null;
  return l ? { input, lang: l } : { input };
}
