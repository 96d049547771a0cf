/**
 * Normalisation shared by indexing and understanding, so that what a clinician types at night on a
 * phone ("neridronato bb 18kg e.v.", "zoledronàto", "NERIDRONATO!!") meets the content's words.
 */
import { ABBREVIATIONS } from './abbreviations.js';

/** Longest message we read; anything beyond is ignored (the reply says so). A clinical question
 * fits in far less; the limit keeps a pasted document from costing more than a few milliseconds. */
export const MAX_MESSAGE_CHARS = 1_000;
/** Most words we read, for the same reason. */
export const MAX_TOKENS = 150;

const COMBINING_MARKS = /\p{M}+/gu;

/** Lower case, no accents, Greek mu and micro sign kept apart from letters as "u" (µmol → umol). */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .replace(/[µμ]/g, 'u')
    .toLowerCase();
}

/**
 * Splits folded text into word tokens and numbers. A decimal comma is kept inside a number
 * ("18,5" is one token) because Italian clinicians write decimals that way.
 */
export function tokenize(folded: string): string[] {
  const tokens = folded.match(/\d+(?:[.,]\d+)?|[a-z0-9]+(?:[-'][a-z0-9]+)*/g) ?? [];
  const out: string[] = [];
  for (const token of tokens) {
    // "e.v." and "i.v." arrive as single letters; the abbreviation map joins them back.
    for (const part of token.split("'")) if (part) out.push(part);
  }
  return out;
}

/** Replaces chat abbreviations by their full words (cp → compresse, bb → bambino, ev → endovena). */
export function expandAbbreviations(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const pair = i + 1 < tokens.length ? `${token}.${tokens[i + 1]}` : '';
    const joined = ABBREVIATIONS.get(pair);
    if (joined) {
      out.push(...joined);
      i += 1;
      continue;
    }
    const expansion = ABBREVIATIONS.get(token);
    if (expansion) out.push(...expansion);
    else out.push(token);
  }
  return out;
}

export interface Normalized {
  /** The message as typed, cut to MAX_MESSAGE_CHARS. */
  raw: string;
  truncated: boolean;
  /** Folded text (lower case, no accents): used for numbers with units. */
  folded: string;
  /** Folded, tokenised, abbreviations expanded. */
  tokens: string[];
}

export function normalize(message: string): Normalized {
  const truncated = message.length > MAX_MESSAGE_CHARS;
  const raw = truncated ? message.slice(0, MAX_MESSAGE_CHARS) : message;
  const folded = fold(raw);
  const tokens = expandAbbreviations(tokenize(folded));
  return { raw, truncated: truncated || tokens.length > MAX_TOKENS, folded, tokens: tokens.slice(0, MAX_TOKENS) };
}
