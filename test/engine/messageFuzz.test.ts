import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadAssistant } from '../../src/engine/loadAssistant.js';
import { renderPlainText } from '../../src/reply/plainText.js';

const assistant = loadAssistant();

// Strings that tend to break parsers: markup, SQL, control characters, bidi, emoji, huge numbers.
const nasty = fc.constantFrom(
  '', ' ', '\n\n\t', '<script>alert(1)</script>', '*bold* _x_ `code` <@U123> <!channel>', "'; DROP TABLE conversations; --",
  '\u0000\u0001\u001f', '\u202e\u200b\u200d', '👶💉 18 kg', '1e309 kg', '-0 kg', 'NaN kg', 'Infinity mg/kg', '9'.repeat(400) + ' kg',
  'pdta:', 'pdta:show:', 'pdta:dose:therapy.neridronate:paediatric:-5', 'pdta:step:99', 'pdta:show:__proto__', 'constructor', '__proto__',
  'TmP/GFR P sierico 0 mmol/L P urinario -1 creatinina 1e400 creatinuria', 'ｎｅｒｉｄｒｏｎａｔｏ　１８ｋｇ', 'ΝΕΡΙΔΡΟΝΑΤΟ',
);
const clinicalish = fc
  .array(
    fc.constantFrom('neridronato', 'zoledronato', 'bambino', 'adulto', 'kg', 'lb', 'g', 'mmol/L', 'mg/dL', 'µmol/L', 'fosfato', 'creatinina', 'step', 'tmp', 'dose', '18', '0,025', '-3', '300', 'e.v.', 'cp', 'sevelamer', 'gotta', 'child'),
    { maxLength: 12 },
  )
  .map((words) => words.join(' '));
const message = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ maxLength: 20_000, minLength: 19_000 }),
  nasty,
  clinicalish,
);

describe('any message gets a reply', () => {
  it('10,000 random messages: a well-formed reply, no exception', () => {
    fc.assert(
      fc.property(message, fc.constantFrom<'it' | 'en' | undefined>(undefined, 'it', 'en'), (text, lang) => {
        const reply = assistant.ask(text, lang ? { lang } : {});
        expect(['it', 'en']).toContain(reply.lang);
        expect(reply.blocks.length + reply.warnings.length).toBeGreaterThan(0);
        const rendered = renderPlainText(reply);
        expect(rendered.length).toBeGreaterThan(0);
        expect(rendered).not.toMatch(/NaN|Infinity|undefined|\[object Object\]/);
      }),
      { numRuns: 10_000 },
    );
  }, 180_000);
});
