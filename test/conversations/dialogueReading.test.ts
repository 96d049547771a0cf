/**
 * The short replies of a dialogue as clinicians type them, Italian and English, typos included.
 */
import { describe, expect, it } from 'vitest';
import { buttonNumber, commandOf, pairFindings, readDialogue, startOf } from '../../src/nlu/dialogue.js';
import { converse, last } from './converse.js';

const pairs = (text: string) => {
  const p = pairFindings(readDialogue(text));
  return p.ok ? p.pairs : p.reason;
};

describe('reading dialogue replies', () => {
  it('commands, in both languages and with a slip of the finger', () => {
    const cases: Array<[string, ReturnType<typeof commandOf>]> = [
      ['avanti', 'next'], ['Avnti', 'next'], ['next', 'next'], ['torna indietro', 'back'], ['go back', 'back'],
      ['riepilgo', 'summary'], ['Summary', 'summary'], ['ripeti', 'repeat'], ['ricomincia', 'restart'], ['start over', 'restart'],
      ['esci', 'exit'], ['EXIT', 'exit'], ['menu', 'menu'], ['aiuto', 'help'],
      ['avanti con il fosforo alto', null], ['esci dal paese', null],
    ];
    for (const [text, command] of cases) expect(commandOf(readDialogue(text)), text).toBe(command);
  });

  it('starts of the dialogues', () => {
    expect(startOf(readDialogue('percorso guidato'))).toBe('walkthrough');
    expect(startOf(readDialogue('Guided pathway please'))).toBe('walkthrough');
    expect(startOf(readDialogue('diagnosi differenziale guidata'))).toBe('differential');
    expect(startOf(readDialogue('chi coordina il percorso guidato della regione?'))).toBeNull();
  });

  it('findings and answers with their topics, whichever side the value is on', () => {
    expect(pairs('fosforo alto')).toEqual([{ topic: 'phosphate', value: { kind: 'level', level: 'high' } }]);
    expect(pairs('insufficienza renale? no')).toEqual([{ topic: 'ckd', value: { kind: 'no' } }]);
    expect(pairs('niente insufficienza renale')).toEqual([{ topic: 'ckd', value: { kind: 'no' } }]);
    expect(pairs('IRC sì')).toEqual([{ topic: 'ckd', value: { kind: 'yes' } }]);
    expect(pairs('CKD: no')).toEqual([{ topic: 'ckd', value: { kind: 'no' } }]);
    expect(pairs('iperfosforemia')).toEqual([{ topic: 'phosphate', value: { kind: 'level', level: 'high' } }]);
    expect(pairs('fosforo normale, IRC no, masse sì')).toHaveLength(3);
    expect(pairs('mutazione GANS1')).toEqual([{ topic: 'genetics', value: { kind: 'gene', gene: 'galnt3' } }]);
    expect(pairs('dentro un tendinne')).toEqual([{ topic: 'location', value: { kind: 'location', location: 'tendon' } }]);
    expect(pairs('non so')).toEqual([{ topic: null, value: { kind: 'unknown' } }]);
    expect(pairs('don’t know')).toEqual([{ topic: null, value: { kind: 'unknown' } }]);
    expect(pairs('sì no')).toBe('conflict');
    expect(pairs('insufficienza renale?')).toBe('incomplete');
  });

  it('button numbers as typed', () => {
    expect(['2', ' [2] ', '2.', '2)'].map(buttonNumber)).toEqual([2, 2, 2, 2]);
    expect(['2 kg', '18,5', 'due', ''].map(buttonNumber)).toEqual([null, null, null, null]);
  });

  it('a reply is read in the language the conversation is in when it carries none', () => {
    const turns = converse(['guided differential', 'no', 'no']);
    expect(turns.map((t) => t.reply.lang)).toEqual(['en', 'en', 'en']);
    expect(last(converse(['diagnosi differenziale guidata', 'no'])).reply.lang).toBe('it');
  });
});
