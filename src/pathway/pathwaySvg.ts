/**
 * A picture of the pathway: the three steps of the PDTA's diagram (chapter 10), each a box with its
 * title, who is involved and what is done, joined by arrows, in Italian or English. Drawn from
 * content/algorithm.yaml, so the picture can never say something the content does not.
 *
 * Plain SVG text with no fonts or scripts of its own: it is served at /pathway.svg, shown in the
 * playground, and the bots may link or attach it. The text is the content's wording, wrapped, never
 * shortened (a clinician must not read a truncated list of tests without knowing it).
 */
import type { AlgorithmStep, Content } from '../content/schema.js';
import type { Lang } from '../reply/model.js';

const WIDTH = 640;
const MARGIN = 20;
const PADDING = 14;
const FONT = 13;
const LINE = 18;
const TITLE_FONT = 15;
const TITLE_LINE = 20;
const ARROW_GAP = 34;
/**
 * Average advance of a character as a fraction of the font size. DejaVu Sans (what Debian and most
 * servers fall back to) is among the widest common sans fonts, so wrapping for it fits the others.
 */
const CHAR_EM = 0.6;
/** One colour per step, readable with white text (contrast ≥ 4.5:1). */
const STEP_COLOURS = ['#1f5f8b', '#2d6a4f', '#7b3f8c'] as const;

const LABELS = {
  who: { it: 'Chi', en: 'Who' },
  what: { it: 'Cosa', en: 'What' },
  algorithm: { it: 'Algoritmo del percorso diagnostico-terapeutico', en: 'Algorithm of the care pathway' },
  source: { it: 'Fonte', en: 'Source' },
} as const;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Greedy word wrap to `maxChars` per line; a word longer than a line is broken. */
export function wrapText(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split(/\s+/).filter(Boolean)) {
    let word = raw;
    while (word.length > maxChars) {
      if (current) {
        lines.push(current);
        current = '';
      }
      lines.push(word.slice(0, maxChars));
      word = word.slice(maxChars);
    }
    if (!current) current = word;
    else if (current.length + 1 + word.length <= maxChars) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  return lines;
}

function charsFor(width: number, fontSize: number): number {
  return Math.max(10, Math.floor(width / (fontSize * CHAR_EM)));
}

interface Drawn {
  svg: string;
  height: number;
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ''}>${escapeXml(content)}</text>`;
}

/** A bulleted list; continuation lines are indented under the text, not under the bullet. */
function bullets(items: string[], x: number, y: number, width: number, fontSize: number, attrs = ''): Drawn {
  const indent = 14;
  const max = charsFor(width - indent, fontSize);
  const parts: string[] = [];
  let cursor = y;
  for (const item of items) {
    wrapText(item, max).forEach((line, i) => {
      if (i === 0) parts.push(text(x, cursor, '•', attrs));
      parts.push(text(x + indent, cursor, line, attrs));
      cursor += fontSize === FONT ? LINE : Math.round(fontSize * 1.4);
    });
  }
  return { svg: parts.join(''), height: cursor - y };
}

function stepBox(step: AlgorithmStep, lang: Lang, top: number, colour: string): Drawn {
  const inner = WIDTH - 2 * MARGIN - 2 * PADDING;
  const x = MARGIN + PADDING;
  const parts: string[] = [];
  const titleLines = wrapText(step.title[lang], charsFor(inner, TITLE_FONT));
  const band = PADDING + titleLines.length * TITLE_LINE;
  titleLines.forEach((line, i) => parts.push(text(x, top + PADDING + TITLE_FONT + i * TITLE_LINE - 3, line, 'class="step-title"')));
  let y = top + band + PADDING + FONT;

  parts.push(text(x, y, LABELS.who[lang], 'class="label"'));
  y += LINE;
  const who = bullets(step.who.map((w) => w[lang]), x, y, inner, FONT);
  parts.push(who.svg);
  y += who.height + 8;

  parts.push(text(x, y, LABELS.what[lang], 'class="label"'));
  y += LINE;
  const what = bullets(step.what.map((w) => w[lang]), x, y, inner, FONT);
  parts.push(what.svg);
  y += what.height;

  if (step.notes.length > 0) {
    y += 4;
    for (const note of step.notes) {
      for (const line of wrapText(note[lang], charsFor(inner, 11))) {
        parts.push(text(x, y, line, 'class="note"'));
        y += 15;
      }
    }
  }
  const height = y - top + PADDING - FONT + 4;
  const box =
    `<g class="step" data-step="${step.number}">` +
    `<rect x="${MARGIN}" y="${top}" width="${WIDTH - 2 * MARGIN}" height="${height}" rx="10" fill="#ffffff" stroke="${colour}" stroke-width="2"/>` +
    `<path d="M${MARGIN} ${top + 10}a10 10 0 0 1 10 -10h${WIDTH - 2 * MARGIN - 20}a10 10 0 0 1 10 10v${band - 10}h-${WIDTH - 2 * MARGIN}z" fill="${colour}"/>` +
    parts.join('') +
    `</g>`;
  return { svg: box, height };
}

function arrow(top: number, colour: string): string {
  const cx = WIDTH / 2;
  return `<line x1="${cx}" y1="${top + 4}" x2="${cx}" y2="${top + ARROW_GAP - 6}" stroke="${colour}" stroke-width="3" marker-end="url(#arrowhead)"/>`;
}

/** The pathway's three steps as an SVG document, in the given language. */
export function renderPathwaySvg(content: Content, lang: Lang): string {
  const steps = [...content.algorithm].sort((a, b) => a.number - b.number);
  const parts: string[] = [];
  const heading = content.meta.title[lang];
  const subtitle = `${LABELS.algorithm[lang]} (PDTA § ${steps[0]?.source.section ?? '10'})`;
  let y = MARGIN + 18;
  parts.push(text(MARGIN, y, heading, 'class="heading"'));
  y += 22;
  parts.push(text(MARGIN, y, subtitle, 'class="subtitle"'));
  y += 16;
  steps.forEach((step, i) => {
    const colour = STEP_COLOURS[i % STEP_COLOURS.length] ?? '#333333';
    if (i > 0) {
      parts.push(arrow(y, '#555555'));
      y += ARROW_GAP;
    }
    const box = stepBox(step, lang, y, colour);
    parts.push(box.svg);
    y += box.height;
  });
  y += 24;
  const first = steps[0];
  const source = first
    ? `${LABELS.source[lang]}: PDTA § ${first.source.section}. ${first.source.chapter[lang]} › ${steps.map((s) => s.source.heading[lang]).join(', ')} (${content.meta.contentVersion})`
    : `${LABELS.source[lang]}: ${content.meta.contentVersion}`;
  for (const line of wrapText(source, charsFor(WIDTH - 2 * MARGIN, 11))) {
    parts.push(text(MARGIN, y, line, 'class="source"'));
    y += 15;
  }
  const height = y + MARGIN - 10;
  const description = steps.map((s) => `${s.title[lang]}: ${s.who.map((w) => w[lang]).join('; ')}.`).join(' ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="pathway-title pathway-desc" xml:lang="${lang}">` +
    `<title id="pathway-title">${escapeXml(`${heading} – ${subtitle}`)}</title>` +
    `<desc id="pathway-desc">${escapeXml(description)}</desc>` +
    `<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#555555"/></marker></defs>` +
    `<style>text{font-family:'DejaVu Sans','Segoe UI',Arial,sans-serif;font-size:${FONT}px;fill:#1b1b1b}` +
    `.heading{font-size:18px;font-weight:bold}.subtitle{font-size:13px;fill:#444444}` +
    `.step-title{font-size:${TITLE_FONT}px;font-weight:bold;fill:#ffffff}.label{font-weight:bold;fill:#333333}` +
    `.note{font-size:11px;font-style:italic;fill:#444444}.source{font-size:11px;fill:#444444}</style>` +
    `<rect width="100%" height="100%" fill="#f7f7f5"/>` +
    parts.join('') +
    `</svg>`
  );
}
