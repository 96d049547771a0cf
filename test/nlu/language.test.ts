import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../src/nlu/language.js';
import { normalize } from '../../src/nlu/normalize.js';

const lang = (s: string) => detectLanguage(normalize(s).tokens);

describe('language of the question', () => {
  it.each([
    ['neridronato bambino 18 kg', 'it'],
    ['qual è la dose di zoledronato per un bambino?', 'it'],
    ['cosa prevede lo step 2?', 'it'],
    ['what is the dose of neridronate for a child?', 'en'],
    ['zoledronate child 20 kg', 'en'],
    ['how often should phosphate be checked', 'en'],
    ['acetazolamide', 'it'],
  ])('%s → %s', (message, expected) => {
    expect(lang(message)).toBe(expected);
  });
});
