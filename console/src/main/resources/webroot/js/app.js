// The console's shell: sign-in and sign-out, the live event stream, and a hash router that shows
// one page at a time (#/inbox, #/agents/<id>, ...). Each page is a module with this shape:
//
//   export default {
//     route: 'agents',        // #/agents[/param...]
//     title: 'Agents',        // the navigation link; nav: false keeps it out of the bar
//     role: 'VIEWER',         // who sees the link (admin sees every link)
//     mount(container) {},    // once, when the page loads: build the page's fixed parts
//     show(params) {},        // each time the route is entered: params are the path after it
//     hide() {},              // when another route is entered
//     signedIn() {},          // a session began (also after a reload)
//     signedOut() {},         // forget everything the session showed
//     connected() {},         // the event stream (re)connected: reload what may have changed
//     event(type, data) {},   // each event from GET /api/v1/events, whether shown or not
//   };
import {api, capitalise, clearNotice, currentSession, el, hide, onSessionEnded, setSession, show, can}
  from './core.js';
import inbox from './inbox.js';
import agents from './agents.js';
import rules from './rules.js';
import timeline from './timeline.js';
import audit from './audit.js';
import operators from './operators.js';

const pages = [inbox, agents, rules, audit, operators, timeline];

const STREAM_IDLE_MILLIS = 45_000; // the server sends a keep-alive every 15 s
const BACKOFF_FIRST_MILLIS = 500;
const BACKOFF_MAX_MILLIS = 10_000;

const $ = (id) => document.getElementById(id);
const ui = {
  session: $('session'),
  nav: $('nav'),
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
  views: $('views'),
};

const containers = new Map(); // route -> <section>
const links = new Map(); // route -> <a>
let shown = null; // the page on screen
let stream = null; // AbortController of the event stream

for (const page of pages) {
  const container = el('section', {id: 'view-' + page.route, class: 'view', 'aria-live': 'off'});
  container.hidden = true;
  ui.views.append(container);
  containers.set(page.route, container);
  if (page.nav !== false) {
    const item = el('a', {href: '#/' + page.route, 'data-route': page.route}, page.title);
    links.set(page.route, item);
    ui.nav.append(item);
  }
  page.mount(container);
}

function call(page, hook, ...args) {
  if (typeof page[hook] !== 'function') {
    return;
  }
  try {
    page[hook](...args);
  } catch (error) {
    console.error('page ' + page.route + ' failed in ' + hook, error);
  }
}

// ---------------------------------------------------------------- routing

function route() {
  if (!currentSession()) {
    return;
  }
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const page = pages.find((p) => p.route === parts[0]) || pages[0];
  const params = page.route === parts[0] ? parts.slice(1) : [];
  if (shown && shown !== page) {
    call(shown, 'hide');
    hide(containers.get(shown.route));
  }
  if (shown !== page) {
    clearNotice();
  }
  shown = page;
  show(containers.get(page.route));
  for (const [name, item] of links) {
    item.classList.toggle('current', name === page.route);
    if (name === page.route) {
      item.setAttribute('aria-current', 'page');
    } else {
      item.removeAttribute('aria-current');
    }
  }
  document.body.dataset.route = page.route;
  call(page, 'show', params);
}

window.addEventListener('hashchange', route);

// ---------------------------------------------------------------- sign-in

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

/** Enters the console with a session Governor opened: the operator and its CSRF token. */
function enter(me) {
  setSession({csrf: me.csrfToken, operator: me});
  ui.token.value = '';
  ui.password.value = '';
  hide(ui.signInError);
  ui.whoami.textContent = me.name;
  ui.whoamiRoles.textContent = me.roles && me.roles.length
    ? '(' + me.roles.join(', ').toLowerCase() + ')' : '';
  for (const page of pages) {
    const item = links.get(page.route);
    if (item) {
      item.hidden = !can(page.role || 'VIEWER');
    }
  }
  show(ui.session);
  show(ui.nav);
  hide(ui.signInView);
  show(ui.views);
  document.body.dataset.signedIn = 'true';
  for (const page of pages) {
    call(page, 'signedIn');
  }
  stream = new AbortController();
  readStream(stream);
  route();
}

function leave(message) {
  if (stream) {
    stream.abort();
    stream = null;
  }
  const wasSignedIn = currentSession() !== null;
  setSession(null);
  if (shown) {
    call(shown, 'hide');
    hide(containers.get(shown.route));
    shown = null;
  }
  if (wasSignedIn) {
    for (const page of pages) {
      call(page, 'signedOut');
    }
  }
  clearNotice();
  hide(ui.session);
  hide(ui.nav);
  hide(ui.views);
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

onSessionEnded((message) => leave(message));

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
    enter(await api('/session', {method: 'POST', body: credentials}));
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
  const stopped = owner.signal;
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
      const response = await fetch('/api/v1/events', {
        headers: {Accept: 'text/event-stream'},
        cache: 'no-store',
        signal: connection.signal,
      });
      if (response.status === 401) {
        if (stream === owner) {
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
      for (const page of pages) {
        call(page, 'connected'); // whatever happened while not connected
      }
      const parser = new SseParser((type, data) => {
        if (stream !== owner) {
          return;
        }
        let payload = null;
        try {
          payload = JSON.parse(data);
        } catch (e) {
          payload = null;
        }
        for (const page of pages) {
          call(page, 'event', type, payload);
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

function pause(millis, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, millis);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, {once: true});
  });
}

// ---------------------------------------------------------------- start

(async () => {
  // A reload keeps the sign-in: the cookie is still there, and the session answers its CSRF token.
  try {
    enter(await api('/session'));
  } catch (error) {
    leave(error.status === 401 || error.status === 404 ? undefined : capitalise(error.message));
  }
})();
