/**
 * Text for a terminal of a given width: each line broken between words, never inside one (a terminal
 * breaks "fosfor|o" and "DGR 96|2/2017" at the margin otherwise), continuation lines indented under
 * the text of an indented line or a list item. A word longer than the width
 * (a URL) stays whole on a line of its own. Output that is not a terminal is never wrapped: a pipe
 * or a file keeps one line per line.
 */

/** Narrower than this, wrapping helps nobody; the terminal's own breaking is left alone. */
const MIN_WIDTH = 20;

/** Code points, not UTF-16 units: "µ", "⚠" and accented letters take one column each. */
function columns(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** Where continuation lines start: under the text after indentation, or after a "-", "•" or "⚠" marker. */
function hangingIndent(line: string, width: number): string {
  const marker = /^(\s*(?:[-•*⚠]\s+)?)/.exec(line)?.[1] ?? '';
  return marker.length > 0 && marker.length <= width / 2 ? ' '.repeat(columns(marker)) : '';
}

/**
 * The units a line may break between, each with the spacing before it: words, except on a row of
 * buttons ("[1] Percorso guidato  [2] Terapie"), where a button's number and label stay together.
 */
function units(text: string): Array<{ gap: string; word: string }> {
  const parts = /^\[\d+\] /.test(text) ? text.split(/( {2,})(?=\[\d+\] )/) : text.split(/( +)/);
  const out: Array<{ gap: string; word: string }> = [];
  for (let i = 0; i < parts.length; i += 2) {
    const word = parts[i] ?? '';
    if (word !== '') out.push({ gap: parts[i - 1] ?? ' ', word });
  }
  return out;
}

function wrapLine(line: string, width: number): string[] {
  if (columns(line) <= width) return [line];
  const indent = hangingIndent(line, width);
  const out: string[] = [];
  let current = line.slice(0, indent.length);
  let used = columns(current);
  let empty = true;
  for (const { gap, word } of units(line.slice(indent.length))) {
    const size = columns(word);
    if (empty || used + columns(gap) + size <= width) {
      current += empty ? word : gap + word;
      used += empty ? size : columns(gap) + size;
      empty = false;
    } else {
      out.push(current);
      current = indent + word;
      used = indent.length + size;
    }
  }
  out.push(current);
  return out;
}

/** `text` with every line fitted to `width` columns; unchanged when `width` is undefined or too narrow. */
export function wrapForTerminal(text: string, width: number | undefined): string {
  if (width === undefined || !Number.isFinite(width) || width < MIN_WIDTH) return text;
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width))
    .join('\n');
}

/** The width to wrap to: the terminal's, when the stream is one; otherwise none. */
export function terminalWidth(stream: NodeJS.WriteStream): number | undefined {
  return stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : undefined;
}
