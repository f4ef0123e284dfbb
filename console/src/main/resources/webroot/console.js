// Governor console: sign-in, the live escalation inbox, approve / deny.
// Plain JavaScript, no build step. Every piece of data goes into the page through textContent.
'use strict';

(() => {
  const API = '/api/v1';
  const STREAM_IDLE_MILLIS = 45_000; // the server sends a keep-alive every 15 s
  const BACKOFF_FIRST_MILLIS = 500;
  const BACKOFF_MAX_MILLIS = 10_000;

  const $ = (id) => document.getElementById(id);
  const ui = {
    session: $('session'),
    whoami: $('whoami'),
    whoamiRoles: $('whoami-roles'),
    signOut: $('sign-out'),
    live: $('live-status'),
    signInView: $('sign-in-view'),
    signInForm: $('sign-in-form'),
    token: $('token'),
    name: $('name'),
    password: $('password'),
    signIn: $('sign-in'),
    signInError: $('sign-in-error'),
    inboxView: $('inbox-view'),
    count: $('pending-count'),
    notice: $('notice'),
    inboxError: $('inbox-error'),
    empty: $('inbox-empty'),
    list: $('escalations'),
  };

  /** Everything that belongs to one signed-in session. */
  let session = null; // {csrf, operator, stream: AbortController}; the credential is a cookie
  const cards = new Map(); // escalation id -> its <li>
  const resolving = new Set(); // escalation ids this page is answering right now
  let noticeTimer = 0;

  // ---------------------------------------------------------------- the API

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(path, {method = 'GET', body} = {}) {
    const headers = {Accept: 'application/json'};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    // The session cookie goes by itself; a change must also prove it comes from this page.
    if (method !== 'GET' && session) {
      headers['X-CSRF-Token'] = session.csrf;
    }
    let response;
    try {
      response = await fetch(API + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, 'network', 'Governor cannot be reached (' + e.message + ')');
    }
    let payload = null;
    const text = await response.text();
    if (text) {
      try {
        payload = JSON.parse(text);
      } catch (e) {
        payload = null;
      }
    }
    if (!response.ok) {
      const error = payload && payload.error ? payload.error : {};
      throw new ApiError(
        response.status,
        error.code || 'http_' + response.status,
        error.message || 'Governor answered ' + response.status);
    }
    return payload;
  }

  // ---------------------------------------------------------------- sign-in

  function signIn(credentials) {
    return api('/session', {method: 'POST', body: credentials});
  }

  function signInMessage(error, credentials) {
    if (error.code === 'not_operator') {
      return 'That is an agent\'s token. The console needs an operator token.';
    }
    if (error.status === 401) {
      return credentials && credentials.token
        ? 'That token is not known to Governor. Check it and try again.'
        : 'The name or the password is wrong.';
    }
    return error.message;
  }

  /** Enters the inbox with a session Governor opened: the operator and its CSRF token. */
  function enter(me) {
    session = {csrf: me.csrfToken, operator: me, stream: new AbortController()};
    const operator = me;
    ui.token.value = '';
    ui.password.value = '';
    hide(ui.signInError);
    ui.whoami.textContent = operator.name;
    ui.whoamiRoles.textContent = operator.roles && operator.roles.length
      ? '(' + operator.roles.join(', ').toLowerCase() + ')' : '';
    show(ui.session);
    hide(ui.signInView);
    show(ui.inboxView);
    document.body.dataset.signedIn = 'true';
    readStream(session);
    refresh();
  }

  function leave(message) {
    if (session) {
      session.stream.abort();
    }
    session = null;
    cards.clear();
    resolving.clear();
    ui.list.replaceChildren();
    hide(ui.notice);
    hide(ui.inboxError);
    hide(ui.session);
    hide(ui.inboxView);
    show(ui.signInView);
    setLive('offline');
    document.body.dataset.signedIn = 'false';
    if (message) {
      ui.signInError.textContent = message;
      show(ui.signInError);
    } else {
      hide(ui.signInError);
    }
    ui.name.focus();
  }

  ui.signInForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = ui.token.value.trim();
    const name = ui.name.value.trim();
    const credentials = token ? {token} : {name, password: ui.password.value};
    if (!token && (!name || !ui.password.value)) {
      ui.signInError.textContent = 'Enter your name and password, or an operator token.';
      show(ui.signInError);
      return;
    }
    ui.signIn.disabled = true;
    hide(ui.signInError);
    try {
      enter(await signIn(credentials));
    } catch (error) {
      ui.signInError.textContent = signInMessage(error, credentials);
      show(ui.signInError);
      (token ? ui.token : ui.password).select();
    } finally {
      ui.signIn.disabled = false;
    }
  });

  ui.signOut.addEventListener('click', async () => {
    try {
      await api('/session', {method: 'DELETE'});
    } catch (error) {
      // Signed out here either way; an ended session is already gone on the server.
    }
    leave();
  });

  // ---------------------------------------------------------------- the live stream

  function setLive(state) {
    ui.live.dataset.state = state;
    ui.live.textContent = {connected: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…',
      offline: 'offline'}[state] || state;
  }

  /**
   * Reads GET /api/v1/events with fetch (to see a 401 and to abort cleanly) and parses the
   * Server-Sent Events frames. Reconnects with a growing backoff while signed in.
   */
  async function readStream(owner) {
    const stopped = owner.stream.signal;
    let backoff = BACKOFF_FIRST_MILLIS;
    setLive('connecting');
    while (!stopped.aborted) {
      const connection = new AbortController();
      const abortConnection = () => connection.abort();
      stopped.addEventListener('abort', abortConnection);
      let idle = 0;
      const stillAlive = () => {
        clearTimeout(idle);
        idle = setTimeout(() => connection.abort(), STREAM_IDLE_MILLIS);
      };
      try {
        const response = await fetch(API + '/events', {
          headers: {Accept: 'text/event-stream'},
          cache: 'no-store',
          signal: connection.signal,
        });
        if (response.status === 401) {
          if (session === owner) {
            leave('Your session has ended. Sign in again.');
          }
          return;
        }
        if (!response.ok || !response.body) {
          throw new Error('the event stream answered ' + response.status);
        }
        setLive('connected');
        backoff = BACKOFF_FIRST_MILLIS;
        stillAlive();
        refresh(); // whatever happened while not connected
        const parser = new SseParser((type, data) => {
          if (type === 'escalation' && session === owner) {
            onEscalationEvent(data);
          }
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const {value, done} = await reader.read();
          if (done) {
            break;
          }
          stillAlive();
          parser.push(value);
        }
      } catch (error) {
        // dropped, refused or idle for too long: reconnect below
      } finally {
        clearTimeout(idle);
        stopped.removeEventListener('abort', abortConnection);
      }
      if (stopped.aborted) {
        return;
      }
      setLive('reconnecting');
      await pause(backoff, stopped);
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MILLIS);
    }
  }

  /** The text/event-stream format: fields per line, an empty line ends an event. */
  class SseParser {
    constructor(onEvent) {
      this.onEvent = onEvent;
      this.buffer = '';
      this.type = '';
      this.data = [];
    }

    push(text) {
      this.buffer += text;
      // A lone CR at the end may be the first half of a CRLF split across chunks.
      const keep = this.buffer.endsWith('\r') ? 1 : 0;
      const usable = this.buffer.slice(0, this.buffer.length - keep);
      const lines = usable.split(/\r\n|\r|\n/);
      this.buffer = lines.pop() + this.buffer.slice(this.buffer.length - keep);
      for (const line of lines) {
        this.line(line);
      }
    }

    line(line) {
      if (line === '') {
        if (this.data.length) {
          this.onEvent(this.type || 'message', this.data.join('\n'));
        }
        this.type = '';
        this.data = [];
        return;
      }
      if (line.startsWith(':')) {
        return; // a comment: ": connected", ": keep-alive"
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) {
        value = value.slice(1);
      }
      if (field === 'event') {
        this.type = value;
      } else if (field === 'data') {
        this.data.push(value);
      }
    }
  }

  function onEscalationEvent(data) {
    let escalation = null;
    try {
      escalation = JSON.parse(data);
    } catch (e) {
      escalation = null;
    }
    if (escalation && escalation.status && escalation.status !== 'PENDING'
        && cards.has(escalation.id) && !resolving.has(escalation.id)) {
      const card = cards.get(escalation.id);
      const by = escalation.resolvedBy || 'governor';
      notify(describeCard(card) + ' was ' + escalation.status.toLowerCase() + ' by ' + by
        + (escalation.status === 'EXPIRED' ? ' (its deadline passed; the plan is denied)' : '') + '.');
    }
    refresh();
  }

  function pause(millis, signal) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, millis);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, {once: true});
    });
  }

  // ---------------------------------------------------------------- the inbox

  let loading = null;
  let loadAgain = false;

  /** Fetches the pending list; calls that arrive while one is running coalesce into one more. */
  function refresh() {
    if (loading) {
      loadAgain = true;
      return loading;
    }
    loading = (async () => {
      do {
        loadAgain = false;
        const owner = session;
        if (!owner) {
          return;
        }
        try {
          const answer = await api('/escalations?status=pending');
          if (session === owner) {
            hide(ui.inboxError);
            render(answer.escalations || []);
          }
        } catch (error) {
          if (session !== owner) {
            return;
          }
          if (error.status === 401) {
            leave('Your session has ended. Sign in again.');
            return;
          }
          ui.inboxError.textContent = 'Could not load the escalations: ' + error.message;
          show(ui.inboxError);
        }
      } while (loadAgain);
    })().finally(() => {
      loading = null;
    });
    return loading;
  }

  /** Keeps the cards already shown (and what is typed in them), adds new ones, drops settled ones. */
  function render(escalations) {
    const wanted = new Set(escalations.map((e) => e.id));
    for (const [id, card] of cards) {
      if (!wanted.has(id) && !resolving.has(id)) {
        card.remove();
        cards.delete(id);
      }
    }
    let cursor = ui.list.firstElementChild;
    for (const escalation of escalations) {
      let card = cards.get(escalation.id);
      if (!card) {
        card = buildCard(escalation);
        cards.set(escalation.id, card);
      }
      if (card === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        ui.list.insertBefore(card, cursor);
      }
    }
    updateCount();
    tick();
  }

  function updateCount() {
    const pending = cards.size;
    ui.count.textContent = String(pending);
    ui.empty.hidden = pending > 0;
    document.title = pending > 0 ? '(' + pending + ') Governor console' : 'Governor console';
  }

  function buildCard(escalation) {
    const agent = escalation.agent || {};
    const plan = escalation.plan || {};
    const decision = escalation.decision || {};
    const findings = decision.findings || [];
    const stepVerdicts = new Map((decision.steps || []).map((s) => [s.id, s.verdict]));

    const card = el('li', {class: 'card escalation'});
    card.dataset.escalationId = escalation.id;
    card.dataset.planId = escalation.planId || '';
    card.dataset.agentName = agent.name || '';
    card.dataset.goal = plan.goal || '';

    // Head: who, where, how urgent, how long is left.
    const head = el('div', {class: 'escalation-head'});
    const title = el('div', {class: 'title'});
    title.append(
      el('span', {class: 'agent-name'}, agent.name || escalation.agentId || 'unknown agent'),
      badge('env env-' + (agent.environment || 'unknown'), agent.environment || 'unknown environment'),
      badge('severity severity-' + String(escalation.severity || '').toLowerCase(),
        String(escalation.severity || '').toLowerCase()));
    if (agent.owner) {
      title.append(el('span', {class: 'muted owner'}, 'owner ' + agent.owner));
    }
    const clock = el('div', {class: 'deadline'});
    const left = el('span', {class: 'time-left'});
    left.dataset.deadline = escalation.deadline || '';
    clock.append(left);
    clock.append(el('span', {class: 'muted deadline-note'},
      'then denied automatically · raised ' + formatTime(escalation.createdAt)));
    head.append(title, clock);

    const goal = el('p', {class: 'goal'});
    goal.append(el('span', {class: 'label'}, 'Goal'), el('span', {class: 'goal-text'}, plan.goal || '(no goal given)'));

    // The plan's steps.
    const steps = table('steps', ['Step', 'Action', 'Target', 'Intent', 'Provenance', 'Verdict']);
    for (const step of plan.steps || []) {
      const verdict = stepVerdicts.get(step.id) || '';
      const row = el('tr', {class: verdict === 'ESCALATED' ? 'asks-person' : ''});
      row.dataset.stepId = step.id;
      const provenance = el('td', {class: 'provenance'});
      for (const source of step.provenance || []) {
        const untrusted = source.startsWith('retrieved:') || source.startsWith('tool:web');
        provenance.append(badge('chip' + (untrusted ? ' untrusted' : ''), source));
      }
      row.append(
        el('td', {class: 'mono'}, step.id),
        el('td', {class: 'mono'}, step.action),
        el('td', {class: 'mono'}, step.target || ''),
        el('td', {}, step.intent || ''),
        provenance,
        verdictCell(verdict));
      steps.body.append(row);
    }

    // The findings, those that asked for a person first.
    const ordered = findings.slice().sort((a, b) => asksPerson(b) - asksPerson(a));
    const found = table('findings', ['Rule', 'Severity', 'Step', 'Message', 'Verdict']);
    for (const finding of ordered) {
      const row = el('tr', {class: 'finding' + (asksPerson(finding) ? ' asks-person' : '')});
      row.dataset.rule = finding.rule;
      row.dataset.verdict = finding.verdict;
      const rule = el('td', {class: 'rule'}, finding.rule);
      if (asksPerson(finding)) {
        rule.prepend(badge('asks', 'asks for a person'));
      }
      row.append(
        rule,
        el('td', {}, badge('severity severity-' + String(finding.severity).toLowerCase(),
          String(finding.severity).toLowerCase())),
        el('td', {class: 'mono'}, finding.stepId || '—'),
        el('td', {}, finding.message),
        verdictCell(finding.verdict));
      found.body.append(row);
    }

    // The answer.
    const form = el('form', {class: 'answer'});
    form.noValidate = true;
    const reasonId = 'reason-' + escalation.id;
    const label = el('label', {for: reasonId}, 'Reason (required; recorded in the audit log with your name)');
    const reason = el('textarea', {id: reasonId, class: 'reason', rows: '2', maxlength: '2000'});
    reason.placeholder = 'Why approve or deny this plan?';
    const buttons = el('div', {class: 'buttons'});
    const approve = el('button', {type: 'button', class: 'button approve'}, 'Approve');
    const deny = el('button', {type: 'button', class: 'button deny'}, 'Deny');
    buttons.append(approve, deny);
    const error = el('p', {class: 'error item-error', role: 'alert'});
    error.hidden = true;
    form.append(label, reason, buttons, error);
    form.addEventListener('submit', (event) => event.preventDefault());
    approve.addEventListener('click', () => resolve(card, 'approve'));
    deny.addEventListener('click', () => resolve(card, 'deny'));
    reason.addEventListener('input', () => {
      if (reason.value.trim()) {
        error.hidden = true;
      }
    });

    card.append(
      head, goal,
      section('Plan', steps.table),
      section('Findings', found.table),
      form);
    return card;
  }

  async function resolve(card, resolution) {
    const id = card.dataset.escalationId;
    const reason = card.querySelector('.reason');
    const error = card.querySelector('.item-error');
    const text = reason.value.trim();
    if (!text) {
      error.textContent = 'Write a reason before you ' + resolution
        + '; it goes into the audit log with your name.';
      error.hidden = false;
      reason.focus();
      return;
    }
    const owner = session;
    if (!owner || resolving.has(id)) {
      return;
    }
    resolving.add(id);
    setBusy(card, true);
    error.hidden = true;
    try {
      const decision = await api('/escalations/' + encodeURIComponent(id) + '/resolve', {
        method: 'POST',
        body: {resolution, reason: text},
      });
      if (session !== owner) {
        return;
      }
      const verdict = decision && decision.verdict ? decision.verdict.toLowerCase() : resolution + 'd';
      drop(id);
      notify(capitalise(resolution === 'approve' ? 'approved' : 'denied') + ': ' + describeCard(card)
        + '. The plan is now ' + verdict + '; the agent has been told.');
    } catch (failure) {
      if (session !== owner) {
        return;
      }
      if (failure.status === 401) {
        leave('Your session has ended. Sign in again.');
        return;
      }
      if (failure.status === 409 || failure.status === 404) {
        drop(id);
        notify(describeCard(card) + ' was already settled: ' + failure.message);
      } else {
        error.textContent = 'Could not ' + resolution + ': ' + failure.message;
        error.hidden = false;
        setBusy(card, false);
      }
    } finally {
      resolving.delete(id);
      refresh();
    }
  }

  function drop(id) {
    const card = cards.get(id);
    if (card) {
      card.remove();
      cards.delete(id);
    }
    updateCount();
  }

  function setBusy(card, busy) {
    card.classList.toggle('busy', busy);
    for (const control of card.querySelectorAll('button, textarea')) {
      control.disabled = busy;
    }
  }

  function describeCard(card) {
    const name = card.dataset.agentName || 'an agent';
    const goal = card.dataset.goal;
    return 'the plan of ' + name + (goal ? ' (“' + goal + '”)' : '');
  }

  function notify(message) {
    ui.notice.textContent = capitalise(message);
    show(ui.notice);
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => hide(ui.notice), 15_000);
  }

  // ---------------------------------------------------------------- the countdowns

  function tick() {
    const now = Date.now();
    for (const left of ui.list.querySelectorAll('.time-left')) {
      const deadline = Date.parse(left.dataset.deadline);
      if (Number.isNaN(deadline)) {
        left.textContent = 'no deadline';
        continue;
      }
      const seconds = Math.floor((deadline - now) / 1000);
      left.classList.toggle('urgent', seconds < 120);
      left.classList.toggle('overdue', seconds <= 0);
      left.textContent = seconds > 0 ? formatDuration(seconds) + ' left' : 'deadline passed';
      left.title = 'Deadline ' + new Date(deadline).toLocaleString();
    }
  }

  setInterval(tick, 1000);

  // ---------------------------------------------------------------- small helpers

  function el(tag, attributes = {}, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== '' && value !== undefined && value !== null) {
        node.setAttribute(name, value);
      }
    }
    if (text !== undefined && text !== null) {
      if (text instanceof Node) {
        node.append(text);
      } else {
        node.textContent = String(text);
      }
    }
    return node;
  }

  function badge(className, text) {
    return el('span', {class: 'badge ' + className}, text);
  }

  function verdictCell(verdict) {
    const cell = el('td', {});
    if (verdict) {
      cell.append(badge('verdict verdict-' + verdict.toLowerCase(), verdict.toLowerCase()));
    }
    return cell;
  }

  function table(className, headings) {
    const node = el('table', {class: 'grid ' + className});
    const head = el('thead');
    const row = el('tr');
    for (const heading of headings) {
      row.append(el('th', {scope: 'col'}, heading));
    }
    head.append(row);
    const body = el('tbody');
    node.append(head, body);
    return {table: node, body};
  }

  function section(heading, content) {
    const node = el('div', {class: 'part'});
    node.append(el('h3', {}, heading), content);
    return node;
  }

  function asksPerson(finding) {
    return finding.verdict === 'ESCALATED' ? 1 : 0;
  }

  function formatDuration(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const two = (n) => String(n).padStart(2, '0');
    return h > 0 ? h + ':' + two(m) + ':' + two(s) : m + ':' + two(s);
  }

  function formatTime(iso) {
    const at = Date.parse(iso);
    return Number.isNaN(at) ? '' : new Date(at).toLocaleTimeString();
  }

  function capitalise(text) {
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
  }

  function show(node) {
    node.hidden = false;
  }

  function hide(node) {
    node.hidden = true;
  }

  // ---------------------------------------------------------------- start

  (async () => {
    // A reload keeps the sign-in: the cookie is still there, and the session answers its CSRF token.
    try {
      enter(await api('/session'));
    } catch (error) {
      leave(error.status === 401 || error.status === 404 ? undefined : error.message);
    }
  })();
})();
