import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/nlu/normalize.js';
import { OUT_OF_SCOPE } from '../../src/nlu/outOfScope.js';

const words = (s: string) => ` ${fold(s).replace(/[^a-z0-9]+/g, ' ').trim()} `;

describe('the not-covered lexicon', () => {
  it('names nothing that the PDTA itself mentions', () => {
    const seed = words(readFileSync(new URL('../../content/source/pdta-calcinosi-tumorale-RCO230.txt', import.meta.url), 'utf8'));
    const inSeed = OUT_OF_SCOPE.filter((o) => seed.includes(words(o.name)));
    expect(inSeed).toEqual([]);
  });
});
