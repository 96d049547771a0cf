/** The two platforms' markup as they show it, for the previews beside the chat. */
import { el } from './dom.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Teams reads TextBlock text as a Markdown subset; the renderer (src/reply/adaptiveCard.ts) escapes
 * the PDTA's plain text for it. The HTML the Adaptive Cards renderer inserts: everything escaped,
 * then only bold, italic and line breaks made markup.
 */
export function markdown(text: string): string {
  let escaped = text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
  const held: string[] = [];
  escaped = escaped.replace(/\\([\\*_`[\]~])/g, (_m, c: string) => {
    held.push(c);
    return '\u0000' + (held.length - 1) + '\u0000';
  });
  escaped = escaped.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/(^|\W)_([^_]+)_(?=\W|$)/g, '$1<em>$2</em>');
  // eslint-disable-next-line no-control-regex -- NUL marks an escaped character held out of the patterns above; no text holds one
  escaped = escaped.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => held[Number(i)] ?? '');
  return escaped.replace(/\n/g, '<br>');
}

/**
 * Slack's mrkdwn as Slack shows it: *bold*, _italic_, ~strike~, code spans, <url|label> links, the
 * three escaped characters; built with DOM nodes, so nothing in it becomes markup.
 */
export function mrkdwn(text: string, parent: HTMLElement): HTMLElement {
  const unescape = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const pattern = /<([^>|]+)(?:\|([^>]+))?>|\*([^*\n]+)\*|_([^_\n]+)_|~([^~\n]+)~|`([^`\n]+)`/g;
  let last = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    if (match.index > last) parent.appendChild(document.createTextNode(unescape(text.slice(last, match.index))));
    const [, link, label, bold, italic, strike, code] = match;
    if (link !== undefined) {
      const href = unescape(link);
      parent.appendChild(
        /^https?:/.test(href) ? el('a', { href, target: '_blank', rel: 'noopener', text: unescape(label || href) }) : el('span', { text: unescape(label || href) }),
      );
    } else if (bold !== undefined) parent.appendChild(el('strong', { text: unescape(bold) }));
    else if (italic !== undefined) parent.appendChild(el('em', { text: unescape(italic) }));
    else if (strike !== undefined) parent.appendChild(el('s', { text: unescape(strike) }));
    else parent.appendChild(el('code', { text: unescape(code ?? '') }));
    last = pattern.lastIndex;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(unescape(text.slice(last))));
  return parent;
}
