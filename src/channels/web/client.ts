/**
 * The playground's browser script, served inline in the page (no build step, no external network).
 * Plain ES2017 so any current browser runs it as is. It draws the reply model with DOM nodes and
 * textContent only (never innerHTML with content), so nothing the content or a user wrote can
 * become markup. The Teams preview uses the adaptivecards browser bundle from /vendor/.
 *
 * Kept as a string rather than a compiled module: the server serves it verbatim and the page's
 * Content-Security-Policy allows exactly this script by its hash. test/server/playgroundPage.test.ts parses it.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';

  var T = {
    it: {
      title: 'Assistente PDTA – Calcinosi tumorale (RCO230)',
      language: 'Lingua',
      auto: 'Automatica',
      newConversation: 'Nuova conversazione',
      placeholder: 'Scrivi una domanda…',
      newShort: 'Nuova',
      empty: 'Scrivi prima una domanda (o tocca un esempio).',
      tooLong: function (n, max) { return 'Il messaggio ha ' + n + ' caratteri: il massimo è ' + max + '.'; },
      slackJson: 'JSON (per il Block Kit Builder)',
      send: 'Invia',
      message: 'Messaggio',
      examples: 'Esempi',
      you: 'Tu',
      assistant: 'Assistente',
      source: 'Fonte',
      caution: 'Attenzione',
      thinking: 'Sto cercando nel PDTA…',
      failed: 'Il server non ha risposto. Riprova.',
      retry: 'Riprova',
      teamsTab: 'Scheda Teams',
      slackTab: 'Blocchi Slack',
      pathwayTab: 'Percorso',
      teamsHelp: 'L’ultima risposta come la disegna Microsoft Teams (Adaptive Card 1.5).',
      slackHelp: 'L’ultima risposta come la mostra Slack (Block Kit); il JSON sotto, per il Block Kit Builder.',
      pathwayHelp: 'I tre step dell’algoritmo del PDTA (capitolo 10).',
      openPathway: 'Apri l’immagine',
      copy: 'Copia',
      copied: 'Copiato',
      noPreview: 'Nessuna risposta ancora.',
      noAdaptiveCards: 'Anteprima Teams non disponibile: manca la libreria adaptivecards sul server.',
      footer: 'Risponde solo con il testo del PDTA, citandone la sezione. Non sostituisce il giudizio clinico.',
      kind: { dose: 'Dose', calculation: 'Calcolo', differential: 'Diagnosi differenziale', 'not-covered': 'Non coperto dal PDTA', clarify: 'Domanda', menu: 'Menu', walkthrough: 'Percorso guidato', fallback: 'Non capito', answer: 'PDTA' }
    },
    en: {
      title: 'PDTA assistant – Tumoral calcinosis (RCO230)',
      language: 'Language',
      auto: 'Automatic',
      newConversation: 'New conversation',
      placeholder: 'Ask a question…',
      newShort: 'New',
      empty: 'Type a question first (or tap an example).',
      tooLong: function (n, max) { return 'The message has ' + n + ' characters: the most is ' + max + '.'; },
      slackJson: 'JSON (for the Block Kit Builder)',
      send: 'Send',
      message: 'Message',
      examples: 'Examples',
      you: 'You',
      assistant: 'Assistant',
      source: 'Source',
      caution: 'Caution',
      thinking: 'Looking it up in the PDTA…',
      failed: 'The server did not answer. Try again.',
      retry: 'Retry',
      teamsTab: 'Teams card',
      slackTab: 'Slack blocks',
      pathwayTab: 'Pathway',
      teamsHelp: 'The last reply as Microsoft Teams draws it (Adaptive Card 1.5).',
      slackHelp: 'The last reply as Slack lays it out (Block Kit); the JSON below, for the Block Kit Builder.',
      pathwayHelp: 'The three steps of the PDTA’s algorithm (chapter 10).',
      openPathway: 'Open the picture',
      copy: 'Copy',
      copied: 'Copied',
      noPreview: 'No reply yet.',
      noAdaptiveCards: 'Teams preview unavailable: the adaptivecards library is missing on the server.',
      footer: 'Answers only with the PDTA’s text, citing its section. Not a substitute for clinical judgement.',
      kind: { dose: 'Dose', calculation: 'Calculation', differential: 'Differential diagnosis', 'not-covered': 'Not covered by the PDTA', clarify: 'Question', menu: 'Menu', walkthrough: 'Guided pathway', fallback: 'Not understood', answer: 'PDTA' }
    }
  };
  var EXAMPLES = {
    it: ['neridronato bambino 18 kg', 'differenza con la tendinite calcifica?', 'cosa prevede lo step 2?', 'ogni quanto i controlli?'],
    en: ['neridronate child 18 kg', 'difference from calcific tendinitis?', 'what does step 2 involve?', 'how often is follow-up?']
  };

  /** What POST /api/chat accepts (src/channels/web/chatRequest.ts): one limit, shown before it is reached. */
  var MAX_MESSAGE = 4000;
  var COUNTER_FROM = 3600;

  var $ = function (id) { return document.getElementById(id); };
  var state = {
    conversationId: newConversationId(),
    lang: 'auto',
    lastLang: null,
    initialLang: document.documentElement.getAttribute('data-ui-lang') === 'en' ? 'en' : 'it',
    busy: false,
    lastTurn: null
  };

  /** crypto.randomUUID needs a secure context; getRandomValues works over plain http on a LAN too. */
  function newConversationId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return 'web-' + Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function uiLang() { return state.lang !== 'auto' ? state.lang : (state.lastLang || state.initialLang); }
  function t(key) { return T[uiLang()][key]; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') node.textContent = attrs[k];
        else if (k === 'className') node.className = attrs[k];
        else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), attrs[k]);
        else node.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function applyUiLanguage() {
    var lang = uiLang();
    document.documentElement.lang = lang;
    document.title = T[lang].title;
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (node) {
      node.textContent = T[lang][node.getAttribute('data-i18n')];
    });
    updateCounter();
    $('message').setAttribute('placeholder', T[lang].placeholder);
    $('message').setAttribute('aria-label', T[lang].message);
    var examples = $('examples');
    examples.textContent = '';
    EXAMPLES[lang].forEach(function (text) {
      examples.appendChild(el('button', { type: 'button', className: 'chip', text: text, onclick: function () { sendText(text); } }));
    });
    var img = $('pathway-img');
    var src = '/pathway.svg?lang=' + lang;
    if (img.getAttribute('src') !== src) img.setAttribute('src', src);
    $('pathway-link').setAttribute('href', src);
    if (!state.lastTurn) showPreviews(null);
  }

  function scrollToEnd() {
    var transcript = $('transcript');
    transcript.scrollTop = transcript.scrollHeight;
  }

  /** Whether the reader is at the end of the transcript (not scrolled up to read something older). */
  function atEnd() {
    var transcript = $('transcript');
    return transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 48;
  }

  /**
   * A new reply is read from its first line (the dose, the answer), not from its end: scrolled so
   * that its top is in view, in the transcript and in the window. Left alone when the reader had
   * scrolled up to read something older.
   */
  function showFromTop(node, follow) {
    if (!follow || !node) return;
    node.scrollIntoView({ block: 'start', behavior: 'auto' });
  }

  function addBubble(who, content, extraClass, keepPosition) {
    var item = el('li', { className: 'turn ' + who + (extraClass ? ' ' + extraClass : '') }, [content]);
    $('transcript').appendChild(item);
    if (!keepPosition) scrollToEnd();
    return item;
  }

  function renderBlock(block) {
    var parts = [];
    if (block.title) parts.push(el('h3', { className: 'block-title', text: block.title }));
    if (block.type === 'text') {
      parts.push(el('p', { className: 'block-text', text: block.body }));
    } else if (block.type === 'facts') {
      var dl = el('dl', { className: 'facts' });
      block.facts.forEach(function (f) {
        dl.appendChild(el('dt', { text: f.label }));
        dl.appendChild(el('dd', { text: f.value }));
      });
      parts.push(dl);
    } else if (block.type === 'list') {
      parts.push(el('ul', { className: 'list' }, block.items.map(function (item) { return el('li', { text: item }); })));
    }
    return el('section', { className: 'block block-' + block.type }, parts);
  }

  function renderReply(reply) {
    var L = T[reply.lang] || T.it;
    var article = el('article', { className: 'reply kind-' + reply.kind, lang: reply.lang, 'data-kind': reply.kind });
    article.appendChild(el('span', { className: 'kind', text: L.kind[reply.kind] || reply.kind }));
    ((reply.lead || []).length ? [{ type: 'text', body: reply.lead.map(function (l) { return (l.critical ? '⚠ ' : '') + l.text; }).join('\n') }] : []).concat(reply.blocks.filter(function (b) { return !b.detail; })).forEach(function (b) { article.appendChild(renderBlock(b)); });
    if (reply.warnings.length > 0) {
      article.appendChild(el('div', { className: 'warnings', role: 'note' }, reply.warnings.map(function (w) {
        return el('p', { className: 'warning' }, [el('span', { className: 'warning-icon', 'aria-hidden': 'true', text: '⚠' }), el('span', { text: w })]);
      })));
    }
    if (reply.citations.length > 0) {
      article.appendChild(el('footer', { className: 'citations' }, reply.citations.map(function (c) {
        return el('p', { className: 'citation', text: L.source + ': PDTA § ' + c.section + ' › ' + c.heading + ' (' + c.contentVersion + ')' });
      })));
    }
    if (reply.actions.length > 0) {
      article.appendChild(el('div', { className: 'actions' }, reply.actions.map(function (a) {
        return el('button', {
          type: 'button',
          className: 'action',
          'data-value': a.value,
          text: a.label,
          onclick: function () { sendAction(a.value, a.label, reply.lang); }
        });
      })));
    }
    return article;
  }

  function setBusy(busy) {
    state.busy = busy;
    $('send').disabled = busy || $('message').value.length > MAX_MESSAGE;
    document.body.classList.toggle('busy', busy);
  }

  /** Turns of one conversation are answered in order; the playground sends one at a time. */
  function post(payload, onDone) {
    setBusy(true);
    var follow = atEnd();
    var pending = addBubble('bot', el('p', { className: 'thinking', text: t('thinking') }), 'pending', !follow);
    fetch('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body && body.error ? body.error : 'HTTP ' + res.status);
          return body;
        });
      })
      .then(function (body) {
        pending.remove();
        var first = null;
        body.replies.forEach(function (reply) {
          state.lastLang = reply.lang;
          var item = addBubble('bot', renderReply(reply), null, true);
          if (!first) first = item;
        });
        showFromTop(first, follow);
        state.lastTurn = body;
        applyUiLanguage();
        showPreviews(body);
      })
      .catch(function (error) {
        pending.remove();
        var retry = el('button', { type: 'button', className: 'retry', text: t('retry') });
        var item = addBubble('bot', el('div', { className: 'error', role: 'alert' }, [el('p', { text: t('failed') + ' (' + error.message + ')' }), retry]), 'failed');
        retry.addEventListener('click', function () { item.remove(); post(payload, onDone); });
      })
      .then(function () {
        setBusy(false);
        if (onDone) onDone();
      });
  }

  function langFor(replyLang) { return state.lang !== 'auto' ? state.lang : (replyLang || state.lastLang || state.initialLang); }

  function sendText(text) {
    if (state.busy || text.trim() === '' || text.length > MAX_MESSAGE) return;
    addBubble('user', el('p', { text: text }));
    var payload = { conversationId: state.conversationId, text: text };
    if (state.lang !== 'auto') payload.lang = state.lang;
    post(payload);
  }

  /** A button's value is a language-neutral command: it is answered in the language of the reply it came from. */
  function sendAction(value, label, replyLang) {
    if (state.busy) return;
    addBubble('user', el('p', { text: label }), 'clicked');
    post({ conversationId: state.conversationId, action: value, lang: langFor(replyLang) });
  }

  // ----- previews for whoever configures the Slack and Teams apps -----

  /** Teams reads TextBlock text as a Markdown subset; the renderer escapes the PDTA's plain text for it. */
  function markdown(text) {
    var escaped = text.replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
    var held = [];
    escaped = escaped.replace(/\\([\\*_` + '`' + String.raw`\[\]~])/g, function (_m, c) { held.push(c); return '\u0000' + (held.length - 1) + '\u0000'; });
    escaped = escaped.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/(^|\W)_([^_]+)_(?=\W|$)/g, '$1<em>$2</em>');
    escaped = escaped.replace(/\u0000(\d+)\u0000/g, function (_m, i) { return held[Number(i)]; });
    return escaped.replace(/\n/g, '<br>');
  }

  var hostConfig = null;
  function teamsHostConfig() {
    if (!hostConfig) {
      hostConfig = new window.AdaptiveCards.HostConfig({
        fontFamily: '"Segoe UI", system-ui, -apple-system, sans-serif',
        supportsInteractivity: true,
        actions: { maxActions: 6, buttonSpacing: 8, actionsOrientation: 'horizontal', actionAlignment: 'left', spacing: 'default' }
      });
      window.AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
        result.outputHtml = markdown(text);
        result.didProcess = true;
      };
    }
    return hostConfig;
  }

  function showTeams(turn) {
    var panel = $('teams-cards');
    panel.textContent = '';
    if (!turn) { panel.appendChild(el('p', { className: 'muted', text: t('noPreview') })); return; }
    if (!window.AdaptiveCards) { panel.appendChild(el('p', { className: 'muted', text: t('noAdaptiveCards') })); return; }
    turn.teams.forEach(function (json) {
      var card = new window.AdaptiveCards.AdaptiveCard();
      card.hostConfig = teamsHostConfig();
      card.onExecuteAction = function (action) {
        var data = action.data || {};
        if (typeof data.pdtaAction === 'string') sendAction(data.pdtaAction, action.title || data.pdtaAction, data.pdtaLang);
      };
      card.parse(json);
      var rendered = card.render();
      if (!rendered) return;
      // The renderer marks a heading TextBlock role=heading without a level; assistive technology needs one.
      Array.prototype.forEach.call(rendered.querySelectorAll('[role=heading]:not([aria-level])'), function (h) { h.setAttribute('aria-level', '3'); });
      panel.appendChild(el('div', { className: 'teams-card' }, [rendered]));
    });
  }

  /**
   * Slack's mrkdwn as Slack shows it: *bold*, _italic_, ~strike~, code spans, <url|label> links, the
   * three escaped characters; built with DOM nodes, so nothing in it becomes markup.
   */
  function mrkdwn(text, parent) {
    var unescape = function (s) { return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'); };
    var pattern = /<([^>|]+)(?:\|([^>]+))?>|\*([^*\n]+)\*|_([^_\n]+)_|~([^~\n]+)~|` + '`' + String.raw`([^` + '`' + String.raw`\n]+)` + '`' + String.raw`/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      if (match.index > last) parent.appendChild(document.createTextNode(unescape(text.slice(last, match.index))));
      if (match[1] !== undefined) {
        var href = unescape(match[1]);
        parent.appendChild(/^https?:/.test(href) ? el('a', { href: href, target: '_blank', rel: 'noopener', text: unescape(match[2] || href) }) : el('span', { text: unescape(match[2] || href) }));
      } else if (match[3] !== undefined) parent.appendChild(el('strong', { text: unescape(match[3]) }));
      else if (match[4] !== undefined) parent.appendChild(el('em', { text: unescape(match[4]) }));
      else if (match[5] !== undefined) parent.appendChild(el('s', { text: unescape(match[5]) }));
      else parent.appendChild(el('code', { text: unescape(match[6]) }));
      last = pattern.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(unescape(text.slice(last))));
    return parent;
  }

  function slackText(obj, className) {
    var node = el('div', { className: className || 'sk-text' });
    if (!obj) return node;
    return obj.type === 'mrkdwn' ? mrkdwn(obj.text, node) : (node.textContent = obj.text, node);
  }

  /** One Block Kit block as Slack lays it out (the kinds the renderer emits). */
  function slackBlock(block) {
    switch (block.type) {
      case 'header': return el('div', { className: 'sk-header', text: block.text.text });
      case 'divider': return el('hr', { className: 'sk-divider' });
      case 'section': {
        var parts = [slackText(block.text)];
        if (block.fields) parts.push(el('div', { className: 'sk-fields' }, block.fields.map(function (f) { return slackText(f, 'sk-field'); })));
        return el('div', { className: 'sk-section' }, parts);
      }
      case 'context': return el('div', { className: 'sk-context' }, (block.elements || []).map(function (e) { return slackText(e, 'sk-context-item'); }));
      case 'actions': return el('div', { className: 'sk-actions' }, (block.elements || []).map(function (b) {
        return el('button', { type: 'button', className: 'sk-button', text: b.text ? b.text.text : '', onclick: function () { if (b.value) sendAction(b.value, b.text ? b.text.text : b.value, state.lastLang); } });
      }));
      default: return el('div', { className: 'sk-unknown', text: block.type });
    }
  }

  function showSlack(turn) {
    var pre = $('slack-json');
    var view = $('slack-view');
    view.textContent = '';
    pre.textContent = turn ? JSON.stringify(turn.slack.length === 1 ? turn.slack[0] : turn.slack, null, 2) : t('noPreview');
    if (!turn) { view.appendChild(el('p', { className: 'muted', text: t('noPreview') })); return; }
    turn.slack.forEach(function (message) {
      view.appendChild(el('div', { className: 'sk-message' }, [el('div', { className: 'sk-app', text: 'PDTA' })].concat(message.blocks.map(slackBlock))));
    });
  }

  function showPreviews(turn) {
    showTeams(turn);
    showSlack(turn);
  }

  function selectTab(name, focus) {
    Array.prototype.forEach.call(document.querySelectorAll('[role=tab]'), function (tab) {
      var selected = tab.getAttribute('data-tab') === name;
      tab.setAttribute('aria-selected', selected ? 'true' : 'false');
      tab.tabIndex = selected ? 0 : -1;
      $('panel-' + tab.getAttribute('data-tab')).hidden = !selected;
      if (selected && focus) tab.focus();
    });
  }

  /** The WAI-ARIA tabs pattern: one tab stop; arrow keys, Home and End move between tabs and show them. */
  function onTabKey(event) {
    var tabs = Array.prototype.slice.call(document.querySelectorAll('[role=tab]'));
    var index = tabs.indexOf(event.currentTarget);
    var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    var tab = tabs[(next + tabs.length) % tabs.length];
    selectTab(tab.getAttribute('data-tab'), true);
  }

  /** The length, shown from COUNTER_FROM on; past MAX_MESSAGE the message says so and Send waits. */
  function updateCounter() {
    var n = $('message').value.length;
    var counter = $('counter');
    var over = n > MAX_MESSAGE;
    counter.hidden = n < COUNTER_FROM;
    counter.textContent = over ? t('tooLong')(n, MAX_MESSAGE) : n + ' / ' + MAX_MESSAGE;
    counter.classList.toggle('over', over);
    $('send').disabled = state.busy || over;
    if (n > 0) $('composer-note').textContent = '';
  }

  // ----- wiring -----

  $('composer').addEventListener('submit', function (event) {
    event.preventDefault();
    var input = $('message');
    var text = input.value;
    if (state.busy) return;
    if (text.trim() === '') {
      $('composer-note').textContent = t('empty');
      input.focus();
      return;
    }
    if (text.length > MAX_MESSAGE) { updateCounter(); input.focus(); return; }
    input.value = '';
    updateCounter();
    sendText(text);
  });
  $('message').addEventListener('input', updateCounter);
  $('message').addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $('composer').requestSubmit();
    }
  });
  $('lang').addEventListener('change', function () {
    state.lang = $('lang').value;
    applyUiLanguage();
  });
  $('new-conversation').addEventListener('click', function () {
    if (state.busy) return;
    state.conversationId = newConversationId();
    state.lastTurn = null;
    $('transcript').textContent = '';
    showPreviews(null);
    post({ conversationId: state.conversationId, action: 'pdta:menu', lang: langFor(null) });
  });
  Array.prototype.forEach.call(document.querySelectorAll('[role=tab]'), function (tab) {
    tab.addEventListener('click', function () { selectTab(tab.getAttribute('data-tab')); });
    tab.addEventListener('keydown', onTabKey);
  });
  $('copy-slack').addEventListener('click', function () {
    var text = $('slack-json').textContent;
    var done = function () { $('copy-slack').textContent = t('copied'); setTimeout(function () { $('copy-slack').textContent = t('copy'); }, 1500); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, function () {});
    else {
      var range = document.createRange();
      range.selectNodeContents($('slack-json'));
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand('copy');
      done();
    }
  });

  selectTab('teams');
  applyUiLanguage();
  // What the assistant covers, with buttons, before the first question.
  post({ conversationId: state.conversationId, action: 'pdta:menu', lang: langFor(null) }, function () { $('message').focus(); });
})();
`;
