/**
 * The playground's browser script, served inline in the page (no build step, no external network).
 * Plain ES2017 so any current browser runs it as is. It draws the reply model with DOM nodes and
 * textContent only (never innerHTML with content), so nothing the content or a user wrote can
 * become markup. The Teams preview uses the adaptivecards browser bundle from /vendor/.
 *
 * Kept as a string rather than a compiled module: the server serves it verbatim and the page's
 * Content-Security-Policy allows exactly this script by its hash. test/server/web.test.ts parses it.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';

  var T = {
    it: {
      title: 'Assistente PDTA – Calcinosi tumorale (RCO230)',
      language: 'Lingua',
      auto: 'Automatica',
      newConversation: 'Nuova conversazione',
      placeholder: 'Scrivi una domanda, es. «neridronato bambino 18 kg»',
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
      slackHelp: 'L’ultima risposta in Block Kit, da incollare nel Block Kit Builder di Slack.',
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
      placeholder: 'Ask a question, e.g. “neridronate child 18 kg”',
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
      slackHelp: 'The last reply in Block Kit, ready to paste into Slack’s Block Kit Builder.',
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

  function addBubble(who, content, extraClass) {
    var item = el('li', { className: 'turn ' + who + (extraClass ? ' ' + extraClass : '') }, [content]);
    $('transcript').appendChild(item);
    scrollToEnd();
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
    $('send').disabled = busy;
    document.body.classList.toggle('busy', busy);
  }

  /** Turns of one conversation are answered in order; the playground sends one at a time. */
  function post(payload, onDone) {
    setBusy(true);
    var pending = addBubble('bot', el('p', { className: 'thinking', text: t('thinking') }), 'pending');
    fetch('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body && body.error ? body.error : 'HTTP ' + res.status);
          return body;
        });
      })
      .then(function (body) {
        pending.remove();
        body.replies.forEach(function (reply) {
          state.lastLang = reply.lang;
          addBubble('bot', renderReply(reply));
        });
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
    if (state.busy || text.trim() === '') return;
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
      if (rendered) panel.appendChild(el('div', { className: 'teams-card' }, [rendered]));
    });
  }

  function showSlack(turn) {
    var pre = $('slack-json');
    pre.textContent = turn ? JSON.stringify(turn.slack.length === 1 ? turn.slack[0] : turn.slack, null, 2) : t('noPreview');
  }

  function showPreviews(turn) {
    showTeams(turn);
    showSlack(turn);
  }

  function selectTab(name) {
    Array.prototype.forEach.call(document.querySelectorAll('[role=tab]'), function (tab) {
      var selected = tab.getAttribute('data-tab') === name;
      tab.setAttribute('aria-selected', selected ? 'true' : 'false');
      tab.tabIndex = selected ? 0 : -1;
      $('panel-' + tab.getAttribute('data-tab')).hidden = !selected;
    });
  }

  // ----- wiring -----

  $('composer').addEventListener('submit', function (event) {
    event.preventDefault();
    var input = $('message');
    var text = input.value;
    if (state.busy || text.trim() === '') return;
    input.value = '';
    sendText(text);
  });
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
