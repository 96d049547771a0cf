/**
 * The pathway picture says what content/algorithm.yaml says, all of it, in either language: a
 * clinician reading the boxes must never miss a test because a line was cut.
 */
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.js';
import { escapeXml, renderPathwaySvg, wrapText } from '../../src/pathway/pathwaySvg.js';

const content = loadContent();

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** The text of one step's box, lines joined as a reader would read them. */
function stepText(svg: string, n: number): string {
  const group = svg.match(new RegExp(`<g class="step" data-step="${n}">(.*?)</g>`))?.[1] ?? '';
  const lines = [...group.matchAll(/<text[^>]*>(.*?)<\/text>/g)].map((m) => unescapeXml(m[1] ?? '')).filter((l) => l !== '•');
  return lines.join(' ');
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('renderPathwaySvg', () => {
  for (const lang of ['it', 'en'] as const) {
    it(`draws the three steps with every title, visit and activity, in ${lang}`, () => {
      const svg = renderPathwaySvg(content, lang);
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg).toContain(`xml:lang="${lang}"`);
      for (const step of content.algorithm) {
        const text = stepText(svg, step.number);
        expect(text).toContain(squash(step.title[lang]));
        for (const who of step.who) expect(text).toContain(squash(who[lang]));
        for (const what of step.what) expect(text).toContain(squash(what[lang]));
        for (const note of step.notes) expect(text).toContain(squash(note[lang]));
      }
      // Two arrows join three boxes.
      expect(svg.match(/marker-end="url\(#arrowhead\)"/g)).toHaveLength(2);
      expect(svg).toContain(content.meta.contentVersion);
    });
  }

  it('is well-formed: every text element closed, nothing unescaped', () => {
    const svg = renderPathwaySvg(content, 'it');
    expect(svg.match(/<text/g)?.length).toBe(svg.match(/<\/text>/g)?.length);
    const texts = [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)].map((m) => m[1] ?? '');
    for (const t of texts) expect(t).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|#39);)/);
  });

  it('wraps without losing or cutting words, and escapes markup', () => {
    const text = 'Esami Biochimici* – A. Esame emocromocitometrico e morfologico completo; VES, Fibrinogeno';
    const lines = wrapText(text, 20);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
    expect(lines.join(' ')).toBe(text);
    expect(escapeXml('<a href="x">&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
  });
});
