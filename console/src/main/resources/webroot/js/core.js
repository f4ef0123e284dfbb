// What every page of the console shares: the API, the signed-in session, the router's links,
// notices and small DOM helpers. Plain ES modules, no build step; every piece of data goes into
// the page through textContent, never through innerHTML.

export const API = '/api/v1';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The signed-in session: {csrf, operator}; the credential itself is an HttpOnly cookie. */
let current = null;
const signedOutListeners = [];

export function currentSession() {
  return current;
}

export function setSession(session) {
  current = session;
}

/** Runs when a request finds the session ended (401); app.js signs the page out. */
export function onSessionEnded(listener) {
  signedOutListeners.push(listener);
}

/** Whether the signed-in operator has a role; admin implies every role, any role may view. */
export function can(role) {
  const roles = current && current.operator && current.operator.roles
    ? current.operator.roles.map((r) => String(r).toLowerCase()) : [];
  const wanted = String(role).toLowerCase();
  return roles.includes('admin') || roles.includes(wanted) || (wanted === 'viewer' && roles.length > 0);
}

/**
 * Wraps a page's loader so that calls arriving while it runs coalesce into one more run: a burst
 * of events costs two requests, not one each. The loader gets the session it runs for, and drops
 * its answer if the session changed meanwhile.
 */
export function coalesced(load) {
  let running = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        const owner = currentSession();
        if (!owner) {
          return;
        }
        await load(owner);
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };
}

export async function api(path, {method = 'GET', body} = {}) {
  const headers = {Accept: 'application/json'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  // The session cookie goes by itself; a change must also prove it comes from this page.
  if (method !== 'GET' && current) {
    headers['X-CSRF-Token'] = current.csrf;
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
    const failure = new ApiError(
      response.status,
      error.code || 'http_' + response.status,
      error.message || 'Governor answered ' + response.status);
    failure.details = error;
    failure.payload = payload; // a 422 answers with more than an error, e.g. a rule set's errors
    if (response.status === 401 && current && path !== '/session') {
      for (const listener of signedOutListeners) {
        listener('Your session has ended. Sign in again.');
      }
    }
    throw failure;
  }
  return payload;
}

// ---------------------------------------------------------------- navigation and notices

/** A link to a route of the console, such as link('#/agents/' + id, name). */
export function link(hash, text, attributes = {}) {
  return el('a', {...attributes, href: hash}, text);
}

export function navigate(hash) {
  if (location.hash === hash) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = hash;
  }
}

let noticeTimer = 0;

/** A short message at the top of the page that fades after a while (also read by screen readers). */
export function notify(message, kind = 'ok') {
  const notice = document.getElementById('notice');
  notice.textContent = capitalise(message);
  notice.dataset.kind = kind;
  show(notice);
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => hide(notice), 15_000);
}

export function clearNotice() {
  clearTimeout(noticeTimer);
  hide(document.getElementById('notice'));
}

/** Adds a page's own stylesheet once. */
export function loadStyle(href) {
  if (!document.querySelector('link[data-page-style="' + href + '"]')) {
    const node = el('link', {rel: 'stylesheet', href});
    node.dataset.pageStyle = href;
    document.head.append(node);
  }
}

// ---------------------------------------------------------------- DOM helpers

export function el(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== '' && value !== undefined && value !== null && value !== false) {
      node.setAttribute(name, value === true ? '' : value);
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

export function badge(className, text) {
  return el('span', {class: 'badge ' + className}, text);
}

export function verdictBadge(verdict) {
  return badge('verdict verdict-' + String(verdict).toLowerCase(), String(verdict).toLowerCase());
}

export function verdictCell(verdict) {
  const cell = el('td', {});
  if (verdict) {
    cell.append(verdictBadge(verdict));
  }
  return cell;
}

export function table(className, headings) {
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

export function section(heading, content) {
  const node = el('div', {class: 'part'});
  node.append(el('h3', {}, heading), content);
  return node;
}

/** A message shown in place of content that could not load. */
export function errorLine(message) {
  return el('p', {class: 'error', role: 'alert'}, message);
}

export function formatDuration(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n) => String(n).padStart(2, '0');
  return h > 0 ? h + ':' + two(m) + ':' + two(s) : m + ':' + two(s);
}

export function formatTime(iso) {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '' : new Date(at).toLocaleTimeString();
}

export function formatDateTime(iso) {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '' : new Date(at).toLocaleString();
}

export function capitalise(text) {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

export function show(node) {
  node.hidden = false;
}

export function hide(node) {
  node.hidden = true;
}
