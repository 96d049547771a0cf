/** Patient identifiers typed in a question are cut out; pseudonymous codes and clinical numbers stay. */
import { describe, expect, it } from 'vitest';
import { redactIdentifiers } from '../../src/nlu/identifiers.js';

describe('identifiers typed in a question', () => {
  it.each([
    ['neridronato per il pz Mario Rossi 18 kg', 'name', 'Rossi'],
    ['sig.ra Bianchi dose acetazolamide', 'name', 'Bianchi'],
    ['RSSMRA80A01H501U zoledronato adulto', 'codice-fiscale', 'RSSMRA80A01H501U'],
    ['mario.rossi@example.it neridronato', 'email', 'mario.rossi'],
    ['chiamami al 333 1234567 per la dose', 'phone', '1234567'],
    ['call +39 055 1234567 about the dose', 'phone', '1234567'],
  ])('%s', (message, kind, identifier) => {
    const r = redactIdentifiers(message);
    expect(r.found).toEqual([kind]);
    expect(r.text).not.toContain(identifier);
  });

  it.each([
    'pz TC-0042 neridronato 20 kg',
    'neridronato bambino 0,025 mg/kg 18 kg',
    'TmP/GFR P 1,9 mmol/L creatinina 70 µmol/L fosfato urinario 20 mmol/L creatinuria 8 mmol/L',
    'il bambino pesa 18 kg',
    'zoledronato 5 mg anno 2026',
  ])('leaves "%s" as it is', (message) => {
    expect(redactIdentifiers(message)).toEqual({ text: message, found: [] });
  });
});
