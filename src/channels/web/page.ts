/**
 * The playground page: one self-contained HTML document (styles and the bundled script inline, the
 * adaptivecards bundle from this server's /vendor/), so it needs no network beyond this server.
 * Phone first: one column at 360 px, chat and previews side by side when wide.
 */
import { createHash } from 'node:crypto';
import type { Lang } from '../../reply/model.js';
import { escapeXml } from '../../pathway/pathwaySvg.js';
import { readClientScript } from './clientScript.js';

export const ADAPTIVECARDS_PATH = '/vendor/adaptivecards.min.js';

const STYLES = String.raw`
:root { --fg: #1b1b1b; --muted: #5b5b5b; --bg: #f4f4f1; --panel: #ffffff; --line: #d9d9d4; --accent: #1f5f8b;
  --accent-fg: #ffffff; --warn-bg: #fff4d6; --warn-line: #b7791f; --warn-fg: #5c3d00; --user: #e3eef7; --error: #a4262c; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; }
body { min-height: 100vh; display: flex; flex-direction: column; }
button, select, textarea { font: inherit; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.top { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; justify-content: space-between;
  padding: 10px 16px; background: var(--accent); color: var(--accent-fg); }
header.top h1 { font-size: 1.05rem; margin: 0; font-weight: 600; }
.short { display: none; }
@media (max-width: 600px) {
  header.top { flex-wrap: nowrap; padding: 8px 12px; }
  header.top h1 { white-space: nowrap; }
  .long { display: none; }
  .short { display: inline; }
  .controls { flex-wrap: nowrap; }
  .controls .label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
}
.controls { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.controls label { font-size: 0.9rem; display: flex; gap: 6px; align-items: center; }
.controls select, .controls button { border: 1px solid rgba(255,255,255,0.6); background: rgba(255,255,255,0.12); color: inherit;
  border-radius: 6px; padding: 4px 8px; min-height: 36px; }
.controls select option { color: var(--fg); }
main.layout { flex: 1; display: grid; grid-template-columns: minmax(0, 1fr); gap: 12px; padding: 12px; width: 100%;
  max-width: 1400px; margin: 0 auto; }
@media (min-width: 960px) { main.layout { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); } }
.chat, .inspector { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; min-width: 0; }
.chat { display: flex; flex-direction: column; height: calc(100vh - 96px); min-height: 420px; }
@supports (height: 100dvh) { .chat { height: calc(100dvh - 96px); } }
.transcript { list-style: none; margin: 0; padding: 12px; overflow-y: auto; flex: 1; display: flex; flex-direction: column; gap: 10px; scroll-padding-top: 8px; }
.turn { max-width: 100%; overflow-wrap: anywhere; }
.turn.user { align-self: flex-end; background: var(--user); border-radius: 12px 12px 2px 12px; padding: 6px 12px; max-width: 85%; }
.turn.user p { margin: 0; white-space: pre-wrap; }
.turn.user.clicked p::before { content: "▸ "; color: var(--muted); }
.turn.bot { align-self: stretch; scroll-margin-top: 8px; }
.reply { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 8px; padding: 10px 12px; background: #fcfcfb; }
.reply.kind-not-covered { border-left-color: var(--error); }
.reply.kind-clarify { border-left-color: #6b4fbb; }
.reply.kind-dose, .reply.kind-calculation { border-left-color: #2d6a4f; }
.kind { display: inline-block; font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); margin-bottom: 2px; }
.block { margin: 6px 0; }
.block-title { font-size: 1rem; margin: 4px 0; }
.block-text { margin: 0; white-space: pre-line; }
dl.facts { display: grid; grid-template-columns: minmax(6em, max-content) minmax(0, 1fr); gap: 2px 12px; margin: 0; }
dl.facts dt { font-weight: 600; color: #333; }
dl.facts dd { margin: 0; }
@media (max-width: 480px) { dl.facts { grid-template-columns: minmax(0, 1fr); } dl.facts dd { margin-bottom: 6px; } }
ul.list { margin: 0; padding-left: 1.2em; }
.warnings { margin: 8px 0; }
.warning { display: flex; gap: 8px; margin: 4px 0; padding: 8px 10px; background: var(--warn-bg); border: 1px solid var(--warn-line);
  border-radius: 6px; color: var(--warn-fg); font-weight: 500; }
.warning-icon { flex: none; }
.citations { margin-top: 8px; font-size: 0.85rem; color: var(--muted); }
.citation { margin: 2px 0; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
button.action, button.chip, button.retry, #composer button, .tabs button, #copy-slack {
  border: 1px solid var(--accent); background: #fff; color: var(--accent); border-radius: 18px; padding: 6px 12px; min-height: 36px; cursor: pointer; }
button.action:hover, button.chip:hover { background: #eaf2f8; }
button:disabled { opacity: 0.5; cursor: default; }
body.busy button.action { cursor: progress; }
.thinking { margin: 0; color: var(--muted); font-style: italic; }
.error { border: 1px solid var(--error); color: var(--error); border-radius: 8px; padding: 8px 12px; }
.error p { margin: 0 0 6px; }
.examples { display: flex; gap: 6px; overflow-x: auto; padding: 6px 12px; border-top: 1px solid var(--line); }
.examples button.chip { flex: none; font-size: 0.9rem; }
#composer { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid var(--line); }
#composer textarea { flex: 1; min-width: 0; resize: none; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; min-height: 44px; }
#composer button { background: var(--accent); color: var(--accent-fg); border-radius: 8px; padding: 6px 16px; }
.composer-status { margin: 0; padding: 0 12px; min-height: 0; font-size: 0.85rem; color: var(--muted); display: flex; justify-content: space-between; gap: 8px; }
.composer-status:has(span:not(:empty):not([hidden])) { padding-bottom: 8px; }
#composer-note { color: var(--error); }
#counter.over { color: var(--error); font-weight: 600; }
.inspector { padding: 0 0 12px; display: flex; flex-direction: column; min-height: 320px; }
.tabs { display: flex; gap: 6px; padding: 10px 12px 0; flex-wrap: wrap; border-bottom: 1px solid var(--line); }
.tabs button { border-radius: 8px 8px 0 0; border-bottom: none; }
.tabs button[aria-selected="true"] { background: var(--accent); color: var(--accent-fg); }
.panel { padding: 10px 12px; overflow: auto; min-width: 0; }
.panel .help { margin: 0 0 8px; color: var(--muted); font-size: 0.9rem; }
.muted { color: var(--muted); }
.teams-card { border: 1px solid #e1dfdd; border-radius: 6px; margin-bottom: 10px; overflow: hidden; background: #fff; max-width: 100%; }
/* The renderer lays a card's buttons in one row with inline styles; in the preview they wrap instead of running off the card. */
.teams-card .ac-actionSet { flex-wrap: wrap !important; gap: 8px; }
.teams-card .ac-actionSet > * { margin-left: 0 !important; max-width: 100%; }
.teams-card .ac-pushButton { max-width: 100%; }
.sk-message { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin-bottom: 10px; background: #fff;
  font-family: Lato, "Segoe UI", system-ui, sans-serif; font-size: 15px; color: #1d1c1d; }
.sk-app { font-weight: 900; margin-bottom: 4px; }
.sk-header { font-weight: 900; font-size: 1.1rem; margin: 6px 0; }
.sk-section { margin: 6px 0; }
.sk-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.sk-fields { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px 16px; margin-top: 6px; }
.sk-field { white-space: pre-wrap; overflow-wrap: anywhere; }
.sk-context { display: flex; flex-wrap: wrap; gap: 8px; font-size: 0.8rem; color: #616061; margin: 6px 0; }
.sk-actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.sk-button { border: 1px solid #bbbabb; background: #fff; color: #1d1c1d; border-radius: 4px; padding: 4px 12px; min-height: 32px; font-weight: 700; cursor: pointer; }
.sk-divider { border: none; border-top: 1px solid #dddddd; margin: 8px 0; }
.sk-text code, .sk-field code { background: #f6f6f6; border: 1px solid #e0e0e0; border-radius: 3px; padding: 0 3px; color: #c01343; }
details.slack-json { margin-top: 8px; }
details.slack-json summary { cursor: pointer; color: var(--accent); }
#slack-json { margin: 8px 0 0; padding: 10px; background: #1d1c1d; color: #f8f8f8; border-radius: 6px; font-size: 0.8rem;
  overflow: auto; max-height: 70vh; white-space: pre; }
#pathway-img { display: block; width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
/* On a phone the whole picture would be too small to read: shown at a legible size, scrolled sideways. */
.pathway-scroll { overflow-x: auto; max-width: 100%; }
@media (max-width: 600px) { #pathway-img { width: 820px; max-width: none; } }
footer.note { padding: 4px 16px 12px; font-size: 0.8rem; color: var(--muted); text-align: center; }
`;

/** The script written by the build (./browser/ bundled), read once: the page and its hash come from the same text. */
export const CLIENT_SCRIPT = readClientScript();

const SCRIPT_HASH = createHash('sha256').update(CLIENT_SCRIPT).digest('base64');

/**
 * The page's Content-Security-Policy: only this server, only this page's own script (by hash).
 * Styles may be inline: the Adaptive Cards renderer sets style attributes on what it draws.
 */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${SCRIPT_HASH}'`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TEXT = {
  it: { heading: 'Assistente PDTA – Calcinosi tumorale (RCO230)' },
  en: { heading: 'PDTA assistant – Tumoral calcinosis (RCO230)' },
} as const;

/** The playground page; `lang` is the interface language before the first reply (from Accept-Language). */
export function renderPlaygroundPage(options: { lang: Lang; contentVersion: string; adaptiveCards: boolean }): string {
  const { lang } = options;
  const vendor = options.adaptiveCards ? `<script src="${ADAPTIVECARDS_PATH}"></script>` : '';
  return `<!doctype html>
<html lang="${lang}" data-ui-lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(TEXT[lang].heading)}</title>
<link rel="icon" href="data:,">
<style>${STYLES}</style>
${vendor}
</head>
<body>
<header class="top">
  <h1><span class="long" data-i18n="title">${escapeXml(TEXT[lang].heading)}</span><span class="short">PDTA · RCO230</span></h1>
  <div class="controls">
    <label><span class="label" data-i18n="language">Lingua</span>
      <select id="lang">
        <option value="auto" data-i18n="auto">Automatica</option>
        <option value="it">Italiano</option>
        <option value="en">English</option>
      </select>
    </label>
    <button type="button" id="new-conversation"><span class="long" data-i18n="newConversation">Nuova conversazione</span><span class="short" data-i18n="newShort">Nuova</span></button>
  </div>
</header>
<main class="layout">
  <section class="chat" aria-labelledby="chat-title">
    <h2 id="chat-title" class="sr-only" data-i18n="assistant">Assistente</h2>
    <ol id="transcript" class="transcript" aria-live="polite"></ol>
    <div id="examples" class="examples" aria-label="Esempi"></div>
    <form id="composer" autocomplete="off" novalidate>
      <textarea id="message" rows="1" enterkeyhint="send" aria-describedby="composer-note counter"></textarea>
      <button type="submit" id="send" data-i18n="send">Invia</button>
    </form>
    <p class="composer-status"><span id="composer-note" role="status"></span><span id="counter" role="status" hidden></span></p>
  </section>
  <aside class="inspector">
    <div class="tabs" role="tablist">
      <button type="button" role="tab" id="tab-teams" data-tab="teams" aria-controls="panel-teams" data-i18n="teamsTab">Scheda Teams</button>
      <button type="button" role="tab" id="tab-slack" data-tab="slack" aria-controls="panel-slack" data-i18n="slackTab">Blocchi Slack</button>
      <button type="button" role="tab" id="tab-pathway" data-tab="pathway" aria-controls="panel-pathway" data-i18n="pathwayTab">Percorso</button>
    </div>
    <div class="panel" role="tabpanel" id="panel-teams" aria-labelledby="tab-teams">
      <p class="help" data-i18n="teamsHelp"></p>
      <div id="teams-cards"></div>
    </div>
    <div class="panel" role="tabpanel" id="panel-slack" aria-labelledby="tab-slack" hidden>
      <p class="help" data-i18n="slackHelp"></p>
      <div id="slack-view"></div>
      <details class="slack-json">
        <summary data-i18n="slackJson">JSON</summary>
        <button type="button" id="copy-slack" data-i18n="copy">Copia</button>
        <pre id="slack-json"></pre>
      </details>
    </div>
    <div class="panel" role="tabpanel" id="panel-pathway" aria-labelledby="tab-pathway" hidden>
      <p class="help" data-i18n="pathwayHelp"></p>
      <div class="pathway-scroll" tabindex="0" aria-label="${lang === 'it' ? 'Algoritmo del PDTA, scorrevole' : 'The PDTA algorithm, scrollable'}"><a id="pathway-zoom" href="/pathway.svg?lang=${lang}" target="_blank" rel="noopener"><img id="pathway-img" src="/pathway.svg?lang=${lang}" alt="${lang === 'it' ? 'Algoritmo del PDTA in tre step' : 'The PDTA algorithm in three steps'}"></a></div>
      <p><a id="pathway-link" href="/pathway.svg?lang=${lang}" target="_blank" rel="noopener" data-i18n="openPathway">Apri l’immagine</a></p>
    </div>
  </aside>
</main>
<footer class="note"><span data-i18n="footer"></span> · ${escapeXml(options.contentVersion)}</footer>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

/** The interface language a browser prefers, Italian unless English comes first. */
export function preferredLang(acceptLanguage: string | undefined): Lang {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().toLowerCase();
    if (tag.startsWith('it')) return 'it';
    if (tag.startsWith('en')) return 'en';
  }
  return 'it';
}
