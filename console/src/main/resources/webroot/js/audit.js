// The audit log: every entry Governor recorded, newest first, filtered by type, actor and subject,
// paged older and newer; each payload expands; "Verify chain" walks the hash chain and names the
// first entry that does not fit.
import {api, badge, el, errorLine, formatDateTime, hide, link, loadStyle, show, table} from './core.js';

const PAGE_SIZE = 50;

const ui = {};
const state = {
  entries: [], // shown, newest first
  hasOlder: false,
  hasNewer: false,
  firstBadSeq: null,
  loaded: false,
};
const expanded = new Set(); // seqs whose payload is open, kept across re-renders
let generation = 0;

export default {
  route: 'audit',
  title: 'Audit',
  role: 'VIEWER',

  mount(container) {
    loadStyle('css/audit.css');
    const head = el('div', {class: 'page-head'});
    head.append(el('h1', {}, 'Audit log'), el('p', {class: 'muted'},
      'Everything Governor recorded, newest first. Each entry commits to the one before it by its '
      + 'hash; verifying walks the whole chain and names the first entry that does not fit.'));

    const verify = el('div', {class: 'card verify'});
    ui.verify = el('button', {type: 'button', id: 'audit-verify', class: 'button primary'}, 'Verify chain');
    ui.verify.addEventListener('click', verifyChain);
    ui.verifyResult = el('div', {id: 'audit-verify-result', class: 'verify-result', role: 'status'});
    ui.verifyResult.hidden = true;
    verify.append(ui.verify, ui.verifyResult);

    ui.filters = el('form', {id: 'audit-filters', class: 'filters'});
    ui.type = field('audit-type', 'Type', 'decision.made');
    ui.actor = field('audit-actor', 'Actor', 'operator:admin');
    ui.subject = field('audit-subject', 'Subject', 'agent:<id>');
    const apply = el('button', {type: 'submit', id: 'audit-apply', class: 'button primary'}, 'Filter');
    const clear = el('button', {type: 'button', id: 'audit-clear', class: 'button plain'}, 'Clear');
    clear.addEventListener('click', () => {
      for (const input of [ui.type, ui.actor, ui.subject]) {
        input.value = '';
      }
      loadNewest();
    });
    ui.filters.append(ui.type.parentNode, ui.actor.parentNode, ui.subject.parentNode, apply, clear);
    ui.filters.addEventListener('submit', (event) => {
      event.preventDefault();
      loadNewest();
    });

    ui.error = el('div', {id: 'audit-error'});
    const grid = table('audit-entries', ['Seq', 'Time', 'Type', 'Actor', 'Subject', 'Hash', '']);
    grid.table.id = 'audit-table';
    ui.rows = grid.body;
    ui.empty = el('p', {id: 'audit-empty', class: 'empty'}, 'No entry matches.');
    ui.empty.hidden = true;

    const paging = el('div', {class: 'paging'});
    ui.newer = el('button', {type: 'button', id: 'audit-newer', class: 'button plain'}, '← Newer');
    ui.older = el('button', {type: 'button', id: 'audit-older', class: 'button plain'}, 'Older →');
    ui.range = el('span', {id: 'audit-range', class: 'muted'});
    ui.newer.addEventListener('click', loadNewer);
    ui.older.addEventListener('click', loadOlder);
    paging.append(ui.newer, ui.range, ui.older);

    container.append(head, verify, ui.filters, ui.error, grid.table, ui.empty, paging);
  },

  show() {
    if (!state.loaded) {
      loadNewest();
    }
  },

  signedIn() {
    state.loaded = false;
  },

  signedOut() {
    generation++;
    state.entries = [];
    state.loaded = false;
    state.firstBadSeq = null;
    expanded.clear();
    ui.rows.replaceChildren();
    ui.error.replaceChildren();
    hide(ui.verifyResult);
  },
};

function field(id, label, placeholder) {
  const wrap = el('div', {class: 'filter'});
  const input = el('input', {id, name: id, type: 'text', placeholder, autocomplete: 'off'});
  wrap.append(el('label', {for: id}, label), input);
  return input;
}

function filterQuery() {
  const parts = [];
  for (const [name, input] of [['type', ui.type], ['actor', ui.actor], ['subject', ui.subject]]) {
    const value = input.value.trim();
    if (value) {
      parts.push(name + '=' + encodeURIComponent(value));
    }
  }
  return parts.length ? '&' + parts.join('&') : '';
}

async function load(query, newestFirst, apply) {
  const mine = ++generation;
  try {
    const page = await api('/audit?limit=' + PAGE_SIZE + query + filterQuery());
    if (mine !== generation) {
      return;
    }
    ui.error.replaceChildren();
    const entries = page.entries || [];
    apply(newestFirst ? entries : entries.slice().reverse(), page.more);
    state.loaded = true;
    render();
  } catch (error) {
    if (mine === generation && error.status !== 401) {
      ui.error.replaceChildren(errorLine('Could not load the audit log: ' + error.message));
    }
  }
}

function loadNewest() {
  return load('&order=desc', true, (entries, more) => {
    state.entries = entries;
    state.hasOlder = more;
    state.hasNewer = false;
  });
}

function loadOlder() {
  const lowest = state.entries[state.entries.length - 1];
  return load('&order=desc&before=' + lowest.seq, true, (entries, more) => {
    state.entries = entries;
    state.hasOlder = more;
    state.hasNewer = true;
  });
}

function loadNewer() {
  const highest = state.entries[0];
  return load('&order=asc&after=' + highest.seq, false, (entries, more) => {
    if (entries.length < PAGE_SIZE) {
      // Fewer than a page is newer: show the newest full page instead.
      loadNewest();
      return;
    }
    state.entries = entries;
    state.hasNewer = more;
    state.hasOlder = true;
  });
}

function render() {
  ui.rows.replaceChildren();
  for (const entry of state.entries) {
    ui.rows.append(...rows(entry));
  }
  ui.empty.hidden = state.entries.length > 0;
  ui.older.disabled = !state.hasOlder || state.entries.length === 0;
  ui.newer.disabled = !state.hasNewer || state.entries.length === 0;
  const count = state.entries.length;
  ui.range.textContent = count
    ? count + (count === 1 ? ' entry' : ' entries') + ', seq ' + state.entries[count - 1].seq + '–'
      + state.entries[0].seq : '';
}

function rows(entry) {
  const row = el('tr', {class: 'entry'});
  row.dataset.seq = String(entry.seq);
  if (state.firstBadSeq !== null && entry.seq === state.firstBadSeq) {
    row.classList.add('bad');
  }
  const payload = el('tr', {class: 'payload-row'});
  payload.hidden = true;
  const cell = el('td', {colspan: '7'});
  payload.append(cell);
  const toggle = el('button', {type: 'button', class: 'button plain expand', 'aria-expanded': 'false'}, 'Payload');
  const expand = (open) => {
    if (open && !cell.firstChild) {
      cell.append(
        el('div', {class: 'muted mono chain'}, 'hash ' + entry.hash + ' · previous ' + entry.prevHash),
        el('pre', {class: 'payload mono'}, JSON.stringify(entry.payload, null, 2)));
    }
    payload.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) {
      expanded.add(entry.seq);
    } else {
      expanded.delete(entry.seq);
    }
  };
  toggle.addEventListener('click', () => expand(payload.hidden));
  if (expanded.has(entry.seq)) {
    expand(true);
  }
  row.append(
    el('td', {class: 'seq mono'}, String(entry.seq)),
    el('td', {class: 'nowrap'}, formatDateTime(entry.at)),
    el('td', {}, badge('type', entry.type)),
    el('td', {class: 'mono'}, entry.actor),
    subjectCell(entry.subject),
    el('td', {class: 'mono hash', title: entry.hash}, String(entry.hash || '').slice(0, 12)),
    el('td', {}, toggle));
  return [row, payload];
}

/** Agents and tasks link to their timelines. */
function subjectCell(subject) {
  const cell = el('td', {class: 'mono subject'});
  const match = /^(agent|task):(.+)$/.exec(subject || '');
  if (match) {
    cell.append(link('#/timeline/' + match[1] + '/' + encodeURIComponent(match[2]), subject));
  } else {
    cell.textContent = subject || '';
  }
  return cell;
}

/** Clears the filters and shows the page that starts at the entry, as it is stored now. */
function showEntry(seq) {
  for (const input of [ui.type, ui.actor, ui.subject]) {
    input.value = '';
  }
  return load('&order=desc&before=' + (seq + 1), true, (entries, more) => {
    state.entries = entries;
    state.hasOlder = more;
    state.hasNewer = true;
  });
}

async function verifyChain() {
  ui.verify.disabled = true;
  ui.verifyResult.className = 'verify-result';
  ui.verifyResult.textContent = 'Walking the chain…';
  show(ui.verifyResult);
  try {
    const result = await api('/audit/verify');
    ui.verifyResult.replaceChildren();
    if (result.ok) {
      state.firstBadSeq = null;
      ui.verifyResult.classList.add('ok');
      ui.verifyResult.append(el('strong', {}, 'Chain intact'),
        el('span', {}, ': all ' + result.entries + ' entries verified.'));
    } else {
      state.firstBadSeq = result.firstBadSeq;
      ui.verifyResult.classList.add('broken');
      const showBad = el('button', {type: 'button', id: 'audit-show-bad', class: 'button plain'},
        'Show entry #' + result.firstBadSeq);
      showBad.addEventListener('click', () => showEntry(result.firstBadSeq));
      ui.verifyResult.append(
        el('strong', {id: 'audit-first-bad'}, 'Chain broken at entry #' + result.firstBadSeq),
        el('span', {}, ': ' + (result.problem || 'it does not fit the entry before it') + '. '
          + result.entries + ' entries before it verified. '),
        showBad);
    }
    render();
  } catch (error) {
    ui.verifyResult.classList.add('broken');
    ui.verifyResult.textContent = 'Could not verify: ' + error.message;
  } finally {
    ui.verify.disabled = false;
  }
}
