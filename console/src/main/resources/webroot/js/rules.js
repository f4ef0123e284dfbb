// The rule editor page: the rule-set versions (the active one marked), a version's files in a DRL
// editor, and for authors validation with errors on their lines, saving a new version, a backtest
// over recorded plans, activation and re-activation. #/rules/<version> opens a version.
import {api, badge, can, capitalise, currentSession, el, formatDateTime, loadStyle, navigate, notify,
  table, verdictBadge} from './core.js';
import {RuleEditor, firstLine, loadCodeMirror} from './rule-editor.js';

const TESTS = 'tests.json'; // the version's test cases, edited beside its .drl files
const DEFAULT_BACKTEST = 200;

const ui = {};
const state = {
  versions: [],
  opened: null, // the version on screen, as GET /rulesets/{version} answered
  dirty: false, // edited since it was opened or saved
  editor: null,
  busy: false,
};

export default {
  route: 'rules',
  title: 'Rules',
  role: 'VIEWER',

  mount(container) {
    loadStyle('css/rules.css');
    const head = el('div', {class: 'page-head'});
    head.append(el('h1', {}, 'Rules'), el('p', {class: 'muted'},
      'The DRL rule sets that review every plan. Each save is a new version; only the active one '
      + 'decides. Validate and backtest a version before you activate it; any earlier version can '
      + 'be re-activated.'));
    const layout = el('div', {class: 'rules-layout'});
    layout.append(versionsPanel(), editorPanel());
    container.append(head, layout);
  },

  show(params) {
    const wanted = Number.parseInt(params[0], 10);
    start(Number.isNaN(wanted) ? null : wanted);
  },

  signedOut() {
    state.versions = [];
    state.opened = null;
    state.dirty = false;
    ui.versions.replaceChildren();
    ui.title.textContent = 'No version open';
    ui.tabs.replaceChildren();
    clearResults();
    if (state.editor) {
      state.editor.load({});
    }
  },

  connected() {
    if (state.editor) {
      refreshVersions();
    }
  },
};

// ---------------------------------------------------------------- the page's fixed parts

function versionsPanel() {
  const panel = el('aside', {class: 'card versions-panel', 'aria-labelledby': 'versions-title'});
  panel.append(el('h2', {id: 'versions-title'}, 'Versions'));
  ui.versionsError = el('p', {class: 'error', role: 'alert'});
  ui.versionsError.hidden = true;
  ui.versions = el('ol', {id: 'rule-versions', class: 'versions'});
  panel.append(ui.versionsError, ui.versions);
  return panel;
}

function editorPanel() {
  const panel = el('section', {class: 'card editor-panel', 'aria-labelledby': 'editor-title'});
  const head = el('div', {class: 'editor-head'});
  ui.title = el('h2', {id: 'editor-title'}, 'No version open');
  ui.state = el('span', {id: 'editor-state', class: 'editor-state'});
  head.append(ui.title, ui.state);
  ui.meta = el('p', {id: 'editor-meta', class: 'muted editor-meta'});
  ui.readOnly = el('p', {id: 'rules-read-only', class: 'muted view-only'},
    'Read-only: writing, validating and activating rules needs the author role.');
  ui.readOnly.hidden = true;
  ui.tabs = el('div', {id: 'file-tabs', class: 'file-tabs', role: 'tablist'});
  ui.host = el('div', {id: 'editor-host', class: 'editor-host'});
  ui.loadError = el('p', {class: 'error', role: 'alert'});
  ui.loadError.hidden = true;
  // Actions and their results above the editor: what a click did is in sight, not below the fold.
  panel.append(head, ui.meta, ui.readOnly, authorControls(), confirmBar(), resultsPart(), ui.tabs,
    ui.host, ui.loadError);
  return panel;
}

function authorControls() {
  ui.controls = el('div', {id: 'author-controls', class: 'author-controls'});
  ui.controls.hidden = true;
  const commentRow = el('div', {class: 'comment-row'});
  ui.comment = el('input', {id: 'rule-comment', type: 'text', maxlength: '2000',
    placeholder: 'What this version changes and why (kept with the version)'});
  commentRow.append(el('label', {for: 'rule-comment'}, 'Comment'), ui.comment);

  const draft = el('div', {class: 'button-row'});
  ui.validate = button('validate-rules', 'Validate', 'primary');
  ui.save = button('save-version', 'Save as new version', 'approve');
  ui.addFile = button('add-file', 'Add file', 'plain');
  ui.removeFile = button('remove-file', 'Remove file', 'plain');
  draft.append(ui.validate, ui.save, el('span', {class: 'spacer'}), ui.addFile, ui.removeFile);

  const saved = el('div', {class: 'button-row saved-actions'});
  ui.backtestLimit = el('input', {id: 'backtest-limit', type: 'number', min: '1', max: '100000',
    value: String(DEFAULT_BACKTEST), 'aria-label': 'How many recent plans to replay'});
  ui.backtest = button('backtest', 'Backtest', 'plain');
  ui.activate = button('activate-version', 'Activate', 'approve');
  ui.savedNote = el('span', {class: 'muted saved-note'});
  const limit = el('label', {class: 'inline', for: 'backtest-limit'}, 'over the last');
  saved.append(ui.backtest, limit, ui.backtestLimit, el('span', {class: 'muted'}, 'plans'),
    el('span', {class: 'spacer'}), ui.savedNote, ui.activate);

  ui.controls.append(commentRow, draft, saved);
  ui.validate.addEventListener('click', validate);
  ui.save.addEventListener('click', save);
  ui.backtest.addEventListener('click', backtest);
  ui.activate.addEventListener('click', () => activate(state.opened && state.opened.version));
  ui.addFile.addEventListener('click', addFile);
  ui.removeFile.addEventListener('click', removeFile);
  return ui.controls;
}

function button(id, text, kind) {
  return el('button', {type: 'button', id, class: 'button ' + kind}, text);
}

/** An in-page confirmation: a person sees what will happen before an activation. */
function confirmBar() {
  ui.confirm = el('div', {id: 'rules-confirm', class: 'confirm', role: 'alertdialog',
    'aria-labelledby': 'rules-confirm-text'});
  ui.confirm.hidden = true;
  ui.confirmText = el('p', {id: 'rules-confirm-text'});
  ui.confirmYes = button('confirm-yes', 'Yes', 'approve');
  ui.confirmNo = button('confirm-no', 'Cancel', 'plain');
  const row = el('div', {class: 'button-row'});
  row.append(ui.confirmYes, ui.confirmNo);
  ui.confirm.append(ui.confirmText, row);
  return ui.confirm;
}

function confirm(message, yes) {
  ui.confirmText.textContent = message;
  ui.confirmYes.textContent = yes;
  ui.confirm.hidden = false;
  ui.confirm.scrollIntoView({block: 'nearest'});
  ui.confirmYes.focus();
  return new Promise((resolve) => {
    const answer = (value) => () => {
      ui.confirm.hidden = true;
      ui.confirmYes.onclick = null;
      ui.confirmNo.onclick = null;
      resolve(value);
    };
    ui.confirmYes.onclick = answer(true);
    ui.confirmNo.onclick = answer(false);
  });
}

function resultsPart() {
  const part = el('div', {class: 'results'});
  ui.summary = el('p', {id: 'validation-summary', class: 'summary', role: 'status'});
  ui.summary.hidden = true;
  ui.errors = el('ol', {id: 'rule-errors', class: 'rule-errors'});
  ui.testsPart = el('details', {class: 'tests-part'});
  ui.testsHead = el('summary', {id: 'tests-head', class: 'tests-head'});
  ui.tests = el('ul', {id: 'test-results', class: 'test-results'});
  ui.testsPart.append(ui.testsHead, ui.tests);
  ui.testsPart.hidden = true;
  ui.backtestResult = el('div', {id: 'backtest-result', class: 'backtest-result'});
  part.append(ui.summary, ui.errors, ui.testsPart, ui.backtestResult);
  return part;
}

// ---------------------------------------------------------------- loading

async function start(wanted) {
  if (!state.editor) {
    try {
      const CodeMirror = await loadCodeMirror();
      if (!state.editor) {
        state.editor = new RuleEditor(CodeMirror, ui.host, {onChange: edited});
      }
      ui.loadError.hidden = true;
    } catch (error) {
      ui.loadError.textContent = 'The editor could not load: ' + error.message;
      ui.loadError.hidden = false;
      return;
    }
  }
  await refreshVersions();
  const target = wanted || (state.opened ? null : activeVersion());
  if (target && (!state.opened || state.opened.version !== target)) {
    if (state.dirty && !window.confirm('Drop your unsaved changes and open version ' + target + '?')) {
      return;
    }
    await open(target);
  } else {
    state.editor.refresh();
  }
}

function activeVersion() {
  const active = state.versions.find((v) => v.active);
  return active ? active.version : null;
}

async function refreshVersions() {
  const owner = currentSession();
  try {
    const answer = await api('/rulesets');
    if (currentSession() !== owner) {
      return;
    }
    state.versions = answer.versions || [];
    ui.versionsError.hidden = true;
    renderVersions();
    renderHead();
  } catch (error) {
    if (error.status !== 401) {
      ui.versionsError.textContent = 'Could not load the versions: ' + error.message;
      ui.versionsError.hidden = false;
    }
  }
}

function renderVersions() {
  const author = can('AUTHOR');
  const items = state.versions.map((version) => {
    const item = el('li', {class: 'version' + (version.active ? ' active-version' : '')
      + (state.opened && state.opened.version === version.version ? ' opened' : '')});
    item.dataset.version = String(version.version);
    const top = el('div', {class: 'version-top'});
    const openLink = el('a', {href: '#/rules/' + version.version, class: 'version-name'},
      'Version ' + version.version);
    top.append(openLink);
    if (version.active) {
      top.append(badge('active-badge', 'active'));
    }
    item.append(top);
    item.append(el('p', {class: 'version-comment'}, version.comment || '(no comment)'));
    item.append(el('p', {class: 'muted version-by'},
      'by ' + (version.createdBy || 'unknown') + ' · ' + formatDateTime(version.createdAt)));
    if (author && !version.active) {
      const earlier = version.version < (activeVersion() || 0);
      const again = el('button', {type: 'button', class: 'button link reactivate'},
        earlier ? 'Re-activate' : 'Activate');
      again.addEventListener('click', () => activate(version.version));
      item.append(again);
    }
    return item;
  });
  ui.versions.replaceChildren(...items);
}

async function open(version) {
  const owner = currentSession();
  try {
    const found = await api('/rulesets/' + version);
    if (currentSession() !== owner) {
      return;
    }
    state.opened = found;
    const files = {};
    for (const name of Object.keys(found.files).sort()) {
      files[name] = found.files[name];
    }
    files[TESTS] = JSON.stringify(found.tests || [], null, 2) + '\n';
    const reading = state.editor.current;
    state.editor.load(files);
    if (reading && files[reading] !== undefined) {
      state.editor.show(reading); // the next version of the file one was reading
    }
    state.editor.setReadOnly(!can('AUTHOR'));
    state.dirty = false;
    ui.comment.value = '';
    clearResults();
    renderTabs();
    renderVersions();
    renderHead();
  } catch (error) {
    if (error.status !== 401) {
      notify('Could not open version ' + version + ': ' + error.message, 'error');
    }
  }
}

// ---------------------------------------------------------------- the editor's surroundings

function edited() {
  if (!state.dirty) {
    state.dirty = true;
    renderHead();
  }
}

function renderHead() {
  const opened = state.opened;
  const author = can('AUTHOR');
  ui.readOnly.hidden = author;
  ui.controls.hidden = !author || !opened;
  if (!opened) {
    return;
  }
  const listed = state.versions.find((v) => v.version === opened.version) || opened;
  ui.title.textContent = state.dirty ? 'Draft from version ' + opened.version : 'Version ' + opened.version;
  ui.state.replaceChildren();
  if (state.dirty) {
    ui.state.append(badge('draft-badge', 'unsaved changes'));
  } else if (listed.active) {
    ui.state.append(badge('active-badge', 'active'));
  }
  ui.meta.textContent = (opened.comment || '(no comment)') + ' · by ' + (listed.createdBy || 'unknown')
    + ' · ' + formatDateTime(opened.createdAt);
  ui.host.dataset.readOnly = String(!author);
  ui.host.dataset.version = String(opened.version);
  // Backtests and activation work on a saved version: unsaved edits would not be what runs.
  ui.backtest.disabled = state.dirty || state.busy;
  ui.activate.disabled = state.dirty || state.busy || listed.active;
  ui.backtestLimit.disabled = state.dirty;
  ui.validate.disabled = state.busy;
  ui.save.disabled = state.busy || !state.dirty;
  ui.removeFile.disabled = !state.editor || state.editor.current === TESTS
    || state.editor.names().filter((n) => n.endsWith('.drl')).length < 2;
  ui.savedNote.textContent = state.dirty ? 'Save first to backtest or activate.'
    : listed.active ? 'This version is the active one.' : '';
}

function renderTabs() {
  const tabs = state.editor.names().map((name) => {
    const tab = el('button', {type: 'button', role: 'tab', class: 'file-tab'
      + (name === TESTS ? ' tests-tab' : '') + (name === state.editor.current ? ' current' : ''),
    'aria-selected': String(name === state.editor.current)}, name);
    tab.dataset.file = name;
    tab.addEventListener('click', () => {
      state.editor.show(name);
      renderTabs();
      renderHead();
    });
    return tab;
  });
  ui.tabs.replaceChildren(...tabs);
  markTabsWithErrors();
}

function markTabsWithErrors() {
  const failing = new Set([...ui.errors.querySelectorAll('[data-file]')].map((e) => e.dataset.file));
  for (const tab of ui.tabs.children) {
    tab.classList.toggle('has-errors', failing.has(tab.dataset.file));
  }
}

function addFile() {
  const name = window.prompt('Name of the new file (letters, digits, "-", "_", ending in .drl)', 'new-rule.drl');
  if (!name) {
    return;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.drl$/.test(name) || state.editor.names().includes(name)) {
    notify('"' + name + '" is not a new .drl file name.', 'error');
    return;
  }
  state.editor.add(name, 'package governor.policy.' + name.replace(/\.drl$/, '').replace(/[^A-Za-z0-9]/g, '_')
    + '\n\nimport dev.governor.rules.model.Step\nimport dev.governor.rules.model.Finding\n\n');
  edited();
  renderTabs();
  renderHead();
}

function removeFile() {
  const name = state.editor.current;
  if (!name || name === TESTS || !window.confirm('Remove ' + name + ' from this draft?')) {
    return;
  }
  state.editor.remove(name);
  edited();
  renderTabs();
  renderHead();
}

// ---------------------------------------------------------------- validate, save, backtest, activate

/** The draft as the API takes it, or null (with the reason shown) when tests.json is not JSON. */
function draft() {
  const files = {};
  for (const name of state.editor.names()) {
    if (name !== TESTS) {
      files[name] = state.editor.text(name);
    }
  }
  let tests = [];
  const text = state.editor.names().includes(TESTS) ? state.editor.text(TESTS).trim() : '';
  if (text) {
    try {
      tests = JSON.parse(text);
    } catch (error) {
      showErrors([{file: TESTS, line: jsonErrorLine(text, error), column: 0,
        message: 'tests.json is not valid JSON: ' + error.message}], []);
      return null;
    }
    if (!Array.isArray(tests)) {
      showErrors([{file: TESTS, line: 1, column: 0, message: 'tests.json must be a JSON array of test cases'}], []);
      return null;
    }
  }
  const body = {files, tests};
  const comment = ui.comment.value.trim();
  if (comment) {
    body.comment = comment;
  }
  return body;
}

function jsonErrorLine(text, error) {
  const at = /position (\d+)/.exec(error.message);
  return at ? text.slice(0, Number(at[1])).split('\n').length : 1;
}

async function validate() {
  const body = draft();
  if (!body) {
    return;
  }
  await busy(async () => {
    try {
      const answer = await api('/rulesets/validate', {method: 'POST', body});
      showErrors(answer.errors || [], answer.testResults || []);
      if (!(answer.errors || []).length) {
        summary(answer.ok ? 'ok' : 'failed', answer.ok
          ? 'Valid: it compiles and its ' + count(answer.testResults, 'test') + ' pass.'
          : 'It compiles, but ' + failed(answer.testResults) + ' of its tests fail.');
      }
    } catch (error) {
      requestFailed('validate', error);
    }
  });
}

async function save() {
  const body = draft();
  if (!body) {
    return;
  }
  if (!body.comment) {
    body.comment = 'Edited from version ' + state.opened.version;
  }
  await busy(async () => {
    try {
      const created = await api('/rulesets', {method: 'POST', body});
      notify('Saved as version ' + created.version + '. It is not active until you activate it.');
      await refreshVersions();
      await open(created.version);
      navigate('#/rules/' + created.version);
      showErrors([], created.testResults || []);
      summary('ok', 'Saved as version ' + created.version + '. Backtest it, then activate it.');
    } catch (error) {
      if (error.status === 422) {
        const errors = error.payload && error.payload.errors ? error.payload.errors : [];
        showErrors(errors, []);
      } else {
        requestFailed('save', error);
      }
    }
  });
}

async function backtest() {
  const version = state.opened.version;
  const limit = Math.max(1, Math.min(100000, Number.parseInt(ui.backtestLimit.value, 10) || DEFAULT_BACKTEST));
  await busy(async () => {
    ui.backtestResult.replaceChildren(el('p', {class: 'muted'}, 'Replaying the last ' + limit + ' plans…'));
    try {
      const answer = await api('/rulesets/' + version + '/backtest?limit=' + limit, {method: 'POST'});
      renderBacktest(version, answer);
    } catch (error) {
      ui.backtestResult.replaceChildren();
      requestFailed('backtest', error);
    }
  });
}

function renderBacktest(version, answer) {
  const changed = answer.changed || [];
  const head = el('h3', {}, 'Backtest of version ' + version);
  const line = el('p', {id: 'backtest-summary', class: 'summary ' + (changed.length ? 'changed' : 'ok')},
    changed.length
      ? 'Version ' + version + ' would have decided ' + changed.length + ' of the last '
        + answer.plans + ' plans differently:'
      : 'Version ' + version + ' decides all of the last ' + answer.plans + ' plans as they were decided.');
  if (!changed.length) {
    ui.backtestResult.replaceChildren(head, line);
    return;
  }
  const grid = table('backtest', ['Plan', 'Agent', 'Goal', 'Verdict', 'Rules that made the difference']);
  for (const change of changed) {
    const row = el('tr', {class: 'changed-plan'});
    row.dataset.planId = change.planId;
    const verdicts = el('td', {class: 'nowrap verdict-change'});
    verdicts.append(verdictBadge(change.oldVerdict), el('span', {class: 'arrow', 'aria-label': 'becomes'}, ' → '),
      verdictBadge(change.newVerdict));
    const agent = el('td', {class: 'nowrap'});
    agent.append(change.agentId
      ? el('a', {href: '#/timeline/agent/' + encodeURIComponent(change.agentId)}, change.agentName || change.agentId)
      : '');
    row.append(el('td', {class: 'mono plan-id'}, change.planId), agent,
      el('td', {}, change.goal || ''), verdicts, el('td', {}, (change.rules || []).join('; ')));
    grid.body.append(row);
  }
  ui.backtestResult.replaceChildren(head, line, grid.table);
}

async function activate(version) {
  if (!version) {
    return;
  }
  const active = activeVersion();
  const yes = await confirm('Activate version ' + version + '? Every review from now on is decided by it'
    + (active ? ' instead of version ' + active : '') + '. The switch is atomic and audited with your name.',
  'Yes, activate version ' + version);
  if (!yes) {
    return;
  }
  await busy(async () => {
    try {
      await api('/rulesets/' + version + '/activate', {method: 'POST'});
      notify('Version ' + version + ' is now the active rule set.');
      ui.summary.hidden = true;
    } catch (error) {
      if (error.status === 409) {
        notify('Version ' + version + ' was not activated: ' + error.message, 'error');
      } else {
        requestFailed('activate', error);
      }
    }
    await refreshVersions();
  });
}

async function busy(work) {
  state.busy = true;
  renderHead();
  try {
    await work();
  } finally {
    state.busy = false;
    renderHead();
  }
}

function requestFailed(what, error) {
  if (error.status !== 401) {
    summary('failed', 'Could not ' + what + ': ' + error.message);
  }
}

// ---------------------------------------------------------------- results

function clearResults() {
  ui.summary.hidden = true;
  ui.errors.replaceChildren();
  ui.tests.replaceChildren();
  ui.testsPart.hidden = true;
  ui.backtestResult.replaceChildren();
  if (state.editor) {
    state.editor.clearErrors();
  }
}

function summary(kind, text) {
  ui.summary.className = 'summary ' + kind;
  ui.summary.textContent = capitalise(text);
  ui.summary.hidden = false;
}

/** Each error on its line in the editor and in the list; a click on the list jumps to it. */
function showErrors(errors, testResults) {
  state.editor.markErrors(errors);
  const items = errors.map((error) => {
    const item = el('li', {class: 'rule-error'});
    item.dataset.file = error.file || '';
    item.dataset.line = String(error.line || 0);
    const place = (error.file || 'rule set') + (error.line > 0 ? ':' + error.line : '')
      + (error.column > 0 ? ':' + error.column : '');
    const jump = el('button', {type: 'button', class: 'button link jump mono'}, place);
    jump.disabled = !state.editor.names().includes(error.file);
    jump.addEventListener('click', () => {
      state.editor.jumpTo(error.file, error.line, error.column);
      renderTabs();
      renderHead();
    });
    item.append(jump, el('span', {class: 'message'}, firstLine(error.message)));
    item.title = error.message;
    return item;
  });
  ui.errors.replaceChildren(...items);
  renderTestResults(testResults);
  if (errors.length) {
    summary('failed', count(errors, 'error') + ' — fix ' + (errors.length === 1 ? 'it' : 'them')
      + ' and validate again.');
    const first = errors.find((e) => state.editor.names().includes(e.file));
    if (first) {
      state.editor.show(first.file);
    }
  } else {
    ui.summary.hidden = true;
  }
  renderTabs();
}

function renderTestResults(results) {
  const items = results.map((result) => {
    const item = el('li', {class: 'test-result ' + (result.ok ? 'pass' : 'fail')});
    item.append(badge(result.ok ? 'pass-badge' : 'fail-badge', result.ok ? 'pass' : 'fail'), ' ',
      el('span', {class: 'test-name'}, result.name));
    if (!result.ok) {
      item.append(el('span', {class: 'muted'}, ' · ' + (result.message || ('expected '
        + String(result.expectedVerdict).toLowerCase() + ', got ' + String(result.verdict).toLowerCase()))));
    }
    return item;
  });
  ui.tests.replaceChildren(...items);
  ui.testsPart.hidden = results.length === 0;
  ui.testsPart.open = failedCount(results) > 0;
  ui.testsHead.textContent = 'Tests: ' + (results.length - failedCount(results)) + ' of ' + results.length
    + ' pass';
  ui.testsHead.classList.toggle('failing', failedCount(results) > 0);
}

function failedCount(results) {
  return (results || []).filter((r) => !r.ok).length;
}

function failed(results) {
  return String(failedCount(results));
}

function count(list, noun) {
  const n = (list || []).length;
  return n + ' ' + noun + (n === 1 ? '' : 's');
}
