/** Slack's message markup read as the plain text a clinician typed. */
import { describe, expect, it } from 'vitest';
import { toPlainText } from '../../../src/channels/slack/slackText.js';

describe('toPlainText', () => {
  it('drops the bot mention and any other mention, wherever it is', () => {
    expect(toPlainText('<@U0BOT> neridronato bambino 18 kg')).toBe('neridronato bambino 18 kg');
    expect(toPlainText('neridronato <@U0BOT|pdta> per <@W0COLLEAGUE|Mario Rossi> 18 kg')).toBe('neridronato per 18 kg');
    expect(toPlainText('<!here> <!channel> <!subteam^S123|@endocrinologi> step 2')).toBe('step 2');
  });

  it('unescapes what Slack escaped, after the markup is gone', () => {
    expect(toPlainText('fosfato &lt; 1,5 &amp; PTH &gt; 65')).toBe('fosfato < 1,5 & PTH > 65');
    expect(toPlainText('&lt;@U123&gt; resta testo')).toBe('<@U123> resta testo');
  });

  it('keeps link labels and channel names, and a date’s fallback text', () => {
    expect(toPlainText('vedi <https://example.org/pdta|il PDTA> e <https://example.org>')).toBe('vedi il PDTA e https://example.org');
    expect(toPlainText('in <#C123|mdt-calcinosi>')).toBe('in #mdt-calcinosi');
    expect(toPlainText('controllo <!date^1700000000^{date}|1 marzo 2027>')).toBe('controllo 1 marzo 2027');
  });

  it('handles nothing at all', () => {
    expect(toPlainText(undefined)).toBe('');
    expect(toPlainText('<@U0BOT>')).toBe('');
  });
});
