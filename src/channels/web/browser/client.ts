/**
 * The playground's browser script: bundled by scripts/bundleClient.ts into dist/playground/client.js
 * at build time and served inline in the page, allowed by the Content-Security-Policy by its hash
 * (src/channels/web/page.ts). It draws the reply model with DOM nodes and textContent only (./dom.ts),
 * so nothing the content or a user wrote can become markup. The Teams preview uses the adaptivecards
 * browser bundle from /vendor/.
 */
import type * as AdaptiveCardsModule from 'adaptivecards';
import type { Block, Lang, Reply } from '../../../reply/model.js';
import type { SlackBlock, SlackMessage } from '../../../reply/blockKit.js';
import { byId, el } from './dom.js';
import { markdown, mrkdwn } from './markup.js';
import { EXAMPLES, T, type TextKey, type UiStrings } from './strings.js';

declare global {
  interface Window {
    /** The adaptivecards browser bundle's global, when the server has it (/vendor/adaptivecards.min.js). */
    AdaptiveCards?: typeof AdaptiveCardsModule;
  }
}

/** What POST /api/chat answers (ChatResponse in src/channels/web/index.ts). */
interface ChatResponse {
  conversationId: string;
  replies: Reply[];
  slack: SlackMessage[];
  /** Adaptive Card JSON (src/reply/adaptiveCard.ts, which uses Node's Buffer), handed to Microsoft's renderer as is. */
  teams: object[];
}

/** What POST /api/chat accepts (src/channels/web/chatRequest.ts). */
type ChatPayload = { conversationId: string; lang?: Lang | 'auto' } & ({ text: string } | { action: string });

/** What POST /api/chat accepts (src/channels/web/chatRequest.ts): one limit, shown before it is reached. */
const MAX_MESSAGE = 4000;
const COUNTER_FROM = 3600;

const state: {
  conversationId: string;
  lang: Lang | 'auto';
  lastLang: Lang | null;
  initialLang: Lang;
  busy: boolean;
  lastTurn: ChatResponse | null;
} = {
  conversationId: newConversationId(),
  lang: 'auto',
  lastLang: null,
  initialLang: document.documentElement.getAttribute('data-ui-lang') === 'en' ? 'en' : 'it',
  busy: false,
  lastTurn: null,
};

/** crypto.randomUUID needs a secure context; getRandomValues works over plain http on a LAN too. */
function newConversationId(): string {
  const bytes = new Uint8Array(12);
  window.crypto.getRandomValues(bytes);
  return 'web-' + Array.from(bytes, (b) => ('0' + b.toString(16)).slice(-2)).join('');
}

function uiLang(): Lang {
  return state.lang !== 'auto' ? state.lang : state.lastLang || state.initialLang;
}
function t(key: TextKey): string {
  return T[uiLang()][key];
}

const messageInput = (): HTMLTextAreaElement => byId<HTMLTextAreaElement>('message');
const sendButton = (): HTMLButtonElement => byId<HTMLButtonElement>('send');

function applyUiLanguage(): void {
  const lang = uiLang();
  document.documentElement.lang = lang;
  document.title = T[lang].title;
  for (const node of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    node.textContent = T[lang][node.getAttribute('data-i18n') as TextKey];
  }
  updateCounter();
  messageInput().setAttribute('placeholder', T[lang].placeholder);
  messageInput().setAttribute('aria-label', T[lang].message);
  const examples = byId('examples');
  examples.textContent = '';
  for (const text of EXAMPLES[lang]) {
    examples.appendChild(el('button', { type: 'button', className: 'chip', text, onclick: () => sendText(text) }));
  }
  const img = byId('pathway-img');
  const src = '/pathway.svg?lang=' + lang;
  if (img.getAttribute('src') !== src) img.setAttribute('src', src);
  byId('pathway-link').setAttribute('href', src);
  if (!state.lastTurn) showPreviews(null);
}

function scrollToEnd(): void {
  const transcript = byId('transcript');
  transcript.scrollTop = transcript.scrollHeight;
}

/** Whether the reader is at the end of the transcript (not scrolled up to read something older). */
function atEnd(): boolean {
  const transcript = byId('transcript');
  return transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 48;
}

/**
 * A new reply is read from its first line (the dose, the answer), not from its end: scrolled so
 * that its top is in view, in the transcript and in the window. Left alone when the reader had
 * scrolled up to read something older.
 */
function showFromTop(node: HTMLElement | null, follow: boolean): void {
  if (!follow || !node) return;
  node.scrollIntoView({ block: 'start', behavior: 'auto' });
}

function addBubble(who: 'user' | 'bot', content: HTMLElement, extraClass?: string | null, keepPosition?: boolean): HTMLElement {
  const item = el('li', { className: 'turn ' + who + (extraClass ? ' ' + extraClass : '') }, [content]);
  byId('transcript').appendChild(item);
  if (!keepPosition) scrollToEnd();
  return item;
}

function renderBlock(block: Block): HTMLElement {
  const parts: HTMLElement[] = [];
  if (block.title) parts.push(el('h3', { className: 'block-title', text: block.title }));
  if (block.type === 'text') {
    parts.push(el('p', { className: 'block-text', text: block.body }));
  } else if (block.type === 'facts') {
    const dl = el('dl', { className: 'facts' });
    for (const f of block.facts) {
      dl.appendChild(el('dt', { text: f.label }));
      dl.appendChild(el('dd', { text: f.value }));
    }
    parts.push(dl);
  } else if (block.type === 'list') {
    parts.push(el('ul', { className: 'list' }, block.items.map((item) => el('li', { text: item }))));
  }
  return el('section', { className: 'block block-' + block.type }, parts);
}

function renderReply(reply: Reply): HTMLElement {
  const L: UiStrings = T[reply.lang] || T.it;
  const article = el('article', { className: 'reply kind-' + reply.kind, lang: reply.lang, 'data-kind': reply.kind });
  article.appendChild(el('span', { className: 'kind', text: L.kind[reply.kind] || reply.kind }));
  const lead = reply.lead ?? [];
  const leadBlocks: Block[] = lead.length ? [{ type: 'text', body: lead.map((l) => (l.critical ? '⚠ ' : '') + l.text).join('\n') }] : [];
  for (const b of leadBlocks.concat(reply.blocks.filter((b) => !b.detail))) article.appendChild(renderBlock(b));
  if (reply.warnings.length > 0) {
    article.appendChild(
      el(
        'div',
        { className: 'warnings', role: 'note' },
        reply.warnings.map((w) => el('p', { className: 'warning' }, [el('span', { className: 'warning-icon', 'aria-hidden': 'true', text: '⚠' }), el('span', { text: w })])),
      ),
    );
  }
  if (reply.citations.length > 0) {
    article.appendChild(
      el(
        'footer',
        { className: 'citations' },
        reply.citations.map((c) => el('p', { className: 'citation', text: L.source + ': PDTA § ' + c.section + ' › ' + c.heading + ' (' + c.contentVersion + ')' })),
      ),
    );
  }
  if (reply.actions.length > 0) {
    article.appendChild(
      el(
        'div',
        { className: 'actions' },
        reply.actions.map((a) =>
          el('button', {
            type: 'button',
            className: 'action',
            'data-value': a.value,
            text: a.label,
            onclick: () => sendAction(a.value, a.label, reply.lang),
          }),
        ),
      ),
    );
  }
  return article;
}

function setBusy(busy: boolean): void {
  state.busy = busy;
  sendButton().disabled = busy || messageInput().value.length > MAX_MESSAGE;
  document.body.classList.toggle('busy', busy);
}

/** Turns of one conversation are answered in order; the playground sends one at a time. */
function post(payload: ChatPayload, onDone?: () => void): void {
  setBusy(true);
  const follow = atEnd();
  const pending = addBubble('bot', el('p', { className: 'thinking', text: t('thinking') }), 'pending', !follow);
  fetch('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
    .then((res) =>
      res.json().then((body: ChatResponse & { error?: string }) => {
        if (!res.ok) throw new Error(body && body.error ? body.error : 'HTTP ' + res.status);
        return body;
      }),
    )
    .then((body) => {
      pending.remove();
      let first: HTMLElement | null = null;
      for (const reply of body.replies) {
        state.lastLang = reply.lang;
        const item = addBubble('bot', renderReply(reply), null, true);
        if (!first) first = item;
      }
      showFromTop(first, follow);
      state.lastTurn = body;
      applyUiLanguage();
      showPreviews(body);
    })
    .catch((error: Error) => {
      pending.remove();
      const retry = el('button', { type: 'button', className: 'retry', text: t('retry') });
      const item = addBubble('bot', el('div', { className: 'error', role: 'alert' }, [el('p', { text: t('failed') + ' (' + error.message + ')' }), retry]), 'failed');
      retry.addEventListener('click', () => {
        item.remove();
        post(payload, onDone);
      });
    })
    .then(() => {
      setBusy(false);
      if (onDone) onDone();
    });
}

function langFor(replyLang: Lang | null | undefined): Lang {
  return state.lang !== 'auto' ? state.lang : replyLang || state.lastLang || state.initialLang;
}

function sendText(text: string): void {
  if (state.busy || text.trim() === '' || text.length > MAX_MESSAGE) return;
  addBubble('user', el('p', { text }));
  const payload: ChatPayload = { conversationId: state.conversationId, text };
  if (state.lang !== 'auto') payload.lang = state.lang;
  post(payload);
}

/** A button's value is a language-neutral command: it is answered in the language of the reply it came from. */
function sendAction(value: string, label: string, replyLang: Lang | null | undefined): void {
  if (state.busy) return;
  addBubble('user', el('p', { text: label }), 'clicked');
  post({ conversationId: state.conversationId, action: value, lang: langFor(replyLang) });
}

// ----- previews for whoever configures the Slack and Teams apps -----

let hostConfig: AdaptiveCardsModule.HostConfig | null = null;
function teamsHostConfig(AdaptiveCards: typeof AdaptiveCardsModule): AdaptiveCardsModule.HostConfig {
  if (!hostConfig) {
    hostConfig = new AdaptiveCards.HostConfig({
      fontFamily: '"Segoe UI", system-ui, -apple-system, sans-serif',
      supportsInteractivity: true,
      actions: { maxActions: 6, buttonSpacing: 8, actionsOrientation: 'horizontal', actionAlignment: 'left', spacing: 'default' },
    });
    AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
      result.outputHtml = markdown(text);
      result.didProcess = true;
    };
  }
  return hostConfig;
}

function showTeams(turn: ChatResponse | null): void {
  const panel = byId('teams-cards');
  panel.textContent = '';
  if (!turn) {
    panel.appendChild(el('p', { className: 'muted', text: t('noPreview') }));
    return;
  }
  const AdaptiveCards = window.AdaptiveCards;
  if (!AdaptiveCards) {
    panel.appendChild(el('p', { className: 'muted', text: t('noAdaptiveCards') }));
    return;
  }
  for (const json of turn.teams) {
    const card = new AdaptiveCards.AdaptiveCard();
    card.hostConfig = teamsHostConfig(AdaptiveCards);
    card.onExecuteAction = (action) => {
      const data = ((action as { data?: unknown }).data || {}) as { pdtaAction?: unknown; pdtaLang?: Lang };
      if (typeof data.pdtaAction === 'string') sendAction(data.pdtaAction, action.title || data.pdtaAction, data.pdtaLang);
    };
    card.parse(json);
    const rendered = card.render();
    if (!rendered) continue;
    // The renderer marks a heading TextBlock role=heading without a level; assistive technology needs one.
    for (const h of rendered.querySelectorAll('[role=heading]:not([aria-level])')) h.setAttribute('aria-level', '3');
    panel.appendChild(el('div', { className: 'teams-card' }, [rendered]));
  }
}

function slackText(obj: { type: 'mrkdwn' | 'plain_text'; text: string } | undefined, className?: string): HTMLElement {
  const node = el('div', { className: className || 'sk-text' });
  if (!obj) return node;
  if (obj.type === 'mrkdwn') return mrkdwn(obj.text, node);
  node.textContent = obj.text;
  return node;
}

/** One Block Kit block as Slack lays it out (the kinds the renderer emits). */
function slackBlock(block: SlackBlock): HTMLElement {
  switch (block.type) {
    case 'header':
      return el('div', { className: 'sk-header', text: block.text.text });
    case 'divider':
      return el('hr', { className: 'sk-divider' });
    case 'section': {
      const parts = [slackText(block.text)];
      if (block.fields) parts.push(el('div', { className: 'sk-fields' }, block.fields.map((f) => slackText(f, 'sk-field'))));
      return el('div', { className: 'sk-section' }, parts);
    }
    case 'context':
      return el('div', { className: 'sk-context' }, (block.elements || []).map((e) => slackText(e, 'sk-context-item')));
    case 'actions':
      return el(
        'div',
        { className: 'sk-actions' },
        (block.elements || []).map((b) =>
          el('button', {
            type: 'button',
            className: 'sk-button',
            text: b.text ? b.text.text : '',
            onclick: () => {
              if (b.value) sendAction(b.value, b.text ? b.text.text : b.value, state.lastLang);
            },
          }),
        ),
      );
    default:
      // A kind the renderer does not emit today: named, so the preview shows it is missing.
      return el('div', { className: 'sk-unknown', text: (block as { type: string }).type });
  }
}

function showSlack(turn: ChatResponse | null): void {
  const pre = byId('slack-json');
  const view = byId('slack-view');
  view.textContent = '';
  pre.textContent = turn ? JSON.stringify(turn.slack.length === 1 ? turn.slack[0] : turn.slack, null, 2) : t('noPreview');
  if (!turn) {
    view.appendChild(el('p', { className: 'muted', text: t('noPreview') }));
    return;
  }
  for (const message of turn.slack) {
    view.appendChild(el('div', { className: 'sk-message' }, [el('div', { className: 'sk-app', text: 'PDTA' })].concat(message.blocks.map(slackBlock))));
  }
}

function showPreviews(turn: ChatResponse | null): void {
  showTeams(turn);
  showSlack(turn);
}

function tabs(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>('[role=tab]'));
}

function selectTab(name: string | null, focus?: boolean): void {
  for (const tab of tabs()) {
    const selected = tab.getAttribute('data-tab') === name;
    tab.setAttribute('aria-selected', selected ? 'true' : 'false');
    tab.tabIndex = selected ? 0 : -1;
    byId('panel-' + tab.getAttribute('data-tab')).hidden = !selected;
    if (selected && focus) tab.focus();
  }
}

/** The WAI-ARIA tabs pattern: one tab stop; arrow keys, Home and End move between tabs and show them. */
function onTabKey(event: KeyboardEvent): void {
  const all = tabs();
  const index = all.indexOf(event.currentTarget as HTMLElement);
  const next = ({ ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: all.length - 1 } as Record<string, number>)[event.key];
  if (next === undefined) return;
  event.preventDefault();
  const tab = all[(next + all.length) % all.length];
  if (tab) selectTab(tab.getAttribute('data-tab'), true);
}

/** The length, shown from COUNTER_FROM on; past MAX_MESSAGE the message says so and Send waits. */
function updateCounter(): void {
  const n = messageInput().value.length;
  const counter = byId('counter');
  const over = n > MAX_MESSAGE;
  counter.hidden = n < COUNTER_FROM;
  counter.textContent = over ? T[uiLang()].tooLong(n, MAX_MESSAGE) : n + ' / ' + MAX_MESSAGE;
  counter.classList.toggle('over', over);
  sendButton().disabled = state.busy || over;
  if (n > 0) byId('composer-note').textContent = '';
}

// ----- wiring -----

byId<HTMLFormElement>('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = messageInput();
  const text = input.value;
  if (state.busy) return;
  if (text.trim() === '') {
    byId('composer-note').textContent = t('empty');
    input.focus();
    return;
  }
  if (text.length > MAX_MESSAGE) {
    updateCounter();
    input.focus();
    return;
  }
  input.value = '';
  updateCounter();
  sendText(text);
});
messageInput().addEventListener('input', updateCounter);
messageInput().addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    byId<HTMLFormElement>('composer').requestSubmit();
  }
});
byId<HTMLSelectElement>('lang').addEventListener('change', () => {
  state.lang = byId<HTMLSelectElement>('lang').value as Lang | 'auto';
  applyUiLanguage();
});
byId('new-conversation').addEventListener('click', () => {
  if (state.busy) return;
  state.conversationId = newConversationId();
  state.lastTurn = null;
  byId('transcript').textContent = '';
  showPreviews(null);
  post({ conversationId: state.conversationId, action: 'pdta:menu', lang: langFor(null) });
});
for (const tab of tabs()) {
  tab.addEventListener('click', () => selectTab(tab.getAttribute('data-tab')));
  tab.addEventListener('keydown', onTabKey);
}
byId('copy-slack').addEventListener('click', () => {
  const text = byId('slack-json').textContent ?? '';
  const done = (): void => {
    byId('copy-slack').textContent = t('copied');
    setTimeout(() => {
      byId('copy-slack').textContent = t('copy');
    }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, () => {});
  else {
    const range = document.createRange();
    range.selectNodeContents(byId('slack-json'));
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    document.execCommand('copy');
    done();
  }
});

selectTab('teams');
applyUiLanguage();
// What the assistant covers, with buttons, before the first question.
post({ conversationId: state.conversationId, action: 'pdta:menu', lang: langFor(null) }, () => messageInput().focus());
