// The escalation inbox: pending escalations, soonest deadline first, kept live by the event
// stream; approve or deny with a reason, one at a time or several alike at once. #/inbox/resolved
// searches the escalations already settled.
import {api, coalesced, badge, can, capitalise, currentSession, el, formatDateTime, formatDuration, formatTime, hide,
  link, loadStyle, notify, section, show, table, verdictBadge, verdictCell} from './core.js';

const cards = new Map(); // escalation id -> its <li>
const resolving = new Set(); // escalation ids this page is answering right now
const selected = new Set(); // escalation ids ticked for a batch answer
const ui = {};

export default {
  route: 'inbox',
  title: 'Inbox',
  role: 'VIEWER',

  mount(container) {
    loadStyle('css/inbox.css');
    const tabs = el('div', {class: 'tabs', role: 'tablist'});
    ui.pendingTab = link('#/inbox', 'Pending', {class: 'tab', id: 'tab-pending'});
    ui.resolvedTab = link('#/inbox/resolved', 'Resolved', {class: 'tab', id: 'tab-resolved'});
    tabs.append(ui.pendingTab, ui.resolvedTab);
    ui.pendingView = el('div', {id: 'pending-view'});
    ui.resolvedView = el('div', {id: 'resolved-view'});
    ui.resolvedView.hidden = true;
    container.append(tabs, ui.pendingView, ui.resolvedView);
    mountResolved(ui.resolvedView);
    container = ui.pendingView;
    const head = el('div', {class: 'page-head'});
    const title = el('h1', {id: 'inbox-title'}, 'Pending escalations ');
    ui.count = el('span', {id: 'pending-count', class: 'count'}, '0');
    title.append(ui.count);
    head.append(title, el('p', {class: 'muted'},
      'Plans that the rules would not decide alone. Approve or deny each with a reason; the waiting '
      + 'agent hears at once. Unanswered by its deadline, a plan is denied automatically.'));
    ui.error = el('p', {id: 'inbox-error', class: 'error', role: 'alert'});
    ui.error.hidden = true;
    ui.empty = el('p', {id: 'inbox-empty', class: 'empty'},
      'Nothing is waiting for a person. New escalations appear here as they arrive.');
    ui.empty.hidden = true;
    ui.list = el('ol', {id: 'escalations', class: 'escalations'});
    container.append(head, batchBar(), ui.error, ui.empty, ui.list);
    setInterval(tick, 1000);
  },

  show(params) {
    const resolved = params[0] === 'resolved';
    ui.pendingView.hidden = resolved;
    ui.resolvedView.hidden = !resolved;
    ui.pendingTab.classList.toggle('current', !resolved);
    ui.resolvedTab.classList.toggle('current', resolved);
    if (resolved) {
      search();
    }
  },

  signedIn() {
    refresh();
  },

  signedOut() {
    cards.clear();
    resolving.clear();
    selected.clear();
    updateBatch();
    ui.results.replaceChildren();
    ui.query.value = '';
    ui.list.replaceChildren();
    hide(ui.error);
    updateCount();
  },

  connected() {
    refresh();
  },

  event(type, escalation) {
    if (type !== 'escalation') {
      return;
    }
    if (escalation && escalation.status && escalation.status !== 'PENDING'
        && cards.has(escalation.id) && !resolving.has(escalation.id)) {
      const card = cards.get(escalation.id);
      const by = escalation.resolvedBy || 'governor';
      notify(describeCard(card) + ' was ' + escalation.status.toLowerCase() + ' by ' + by
        + (escalation.status === 'EXPIRED' ? ' (its deadline passed; the plan is denied)' : '') + '.');
    }
    refresh();
  },
};

/** Fetches the pending list. */
const refresh = coalesced(async (owner) => {
  try {
    const answer = await api('/escalations?status=pending');
    if (currentSession() === owner) {
      hide(ui.error);
      render(answer.escalations || []);
    }
  } catch (error) {
    if (currentSession() !== owner || error.status === 401) {
      return;
    }
    ui.error.textContent = 'Could not load the escalations: ' + error.message;
    show(ui.error);
  }
});

/** Keeps the cards already shown (and what is typed in them), adds new ones, drops settled ones. */
function render(escalations) {
  const wanted = new Set(escalations.map((e) => e.id));
  for (const [id, card] of cards) {
    if (!wanted.has(id) && !resolving.has(id)) {
      card.remove();
      cards.delete(id);
      selected.delete(id);
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
  updateAlike();
  updateBatch();
  tick();
}

function updateCount() {
  const pending = cards.size;
  ui.count.textContent = String(pending);
  ui.empty.hidden = pending > 0;
  document.title = pending > 0 ? '(' + pending + ') Governor console' : 'Governor console';
  const navLink = document.querySelector('#nav a[data-route="inbox"]');
  if (navLink) {
    navLink.dataset.count = pending > 0 ? String(pending) : '';
  }
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
  card.dataset.alike = alikeKey(findings);

  // Head: who, where, how urgent, how long is left.
  const head = el('div', {class: 'escalation-head'});
  const title = el('div', {class: 'title'});
  title.append(
    link('#/timeline/agent/' + encodeURIComponent(escalation.agentId || agent.id || ''),
      agent.name || escalation.agentId || 'unknown agent', {class: 'agent-name'}),
    badge('env env-' + (agent.environment || 'unknown'), agent.environment || 'unknown environment'),
    badge('severity severity-' + String(escalation.severity || '').toLowerCase(),
      String(escalation.severity || '').toLowerCase()));
  if (agent.owner) {
    title.append(el('span', {class: 'muted owner'}, 'owner ' + agent.owner));
  }
  if (can('APPROVER')) {
    const pick = el('label', {class: 'pick', title: 'Select for a batch answer'});
    const box = el('input', {type: 'checkbox', class: 'select'});
    box.addEventListener('change', () => {
      if (box.checked) {
        selected.add(escalation.id);
      } else {
        selected.delete(escalation.id);
      }
      updateBatch();
    });
    pick.append(box, el('span', {class: 'visually-hidden'}, 'Select'));
    title.prepend(pick);
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

  // The plan's steps, each target with who made it.
  const madeBy = new Map((escalation.createdByAgents || []).map((r) => [r.target, r]));
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
      targetCell(step.target, madeBy.get(step.target)),
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

  card.append(head, goal, section('Plan', steps.table), section('Findings', found.table),
    historySection(escalation));
  card.append(can('APPROVER') ? answerForm(card, escalation)
    : el('p', {class: 'muted view-only'}, 'You may view escalations; approving or denying needs the approver role.'));
  return card;
}

function answerForm(card, escalation) {
  const form = el('form', {class: 'answer'});
  form.noValidate = true;
  const reasonId = 'reason-' + escalation.id;
  const label = el('label', {for: reasonId}, 'Reason (required; recorded in the audit log with your name)');
  const reason = el('textarea', {id: reasonId, class: 'reason', rows: '2', maxlength: '2000'});
  reason.placeholder = 'Why approve or deny this plan?';
  const buttons = el('div', {class: 'buttons'});
  const approve = el('button', {type: 'button', class: 'button approve'}, 'Approve');
  const deny = el('button', {type: 'button', class: 'button deny'}, 'Deny');
  const alike = el('button', {type: 'button', class: 'button link select-alike'});
  alike.hidden = true;
  alike.addEventListener('click', () => selectAlike(card.dataset.alike));
  buttons.append(approve, deny, alike);
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
  return form;
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
  const owner = currentSession();
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
    if (currentSession() !== owner) {
      return;
    }
    const verdict = decision && decision.verdict ? decision.verdict.toLowerCase() : resolution + 'd';
    drop(id);
    notify(capitalise(resolution === 'approve' ? 'approved' : 'denied') + ': ' + describeCard(card)
      + '. The plan is now ' + verdict + '; the agent has been told.');
  } catch (failure) {
    if (currentSession() !== owner || failure.status === 401) {
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

function asksPerson(finding) {
  return finding.verdict === 'ESCALATED' ? 1 : 0;
}

// ---------------------------------------------------------------- what a card shows besides the plan

function targetCell(target, createdBy) {
  const cell = el('td', {class: 'target'});
  cell.append(el('span', {class: 'mono'}, target || ''));
  if (target) {
    const origin = el('div', {class: 'origin muted'});
    if (createdBy) {
      origin.append('created by agent ', link('#/timeline/agent/' + encodeURIComponent(createdBy.createdBy),
        shortId(createdBy.createdBy), {class: 'mono'}), ' in step ' + createdBy.stepId);
    } else {
      origin.textContent = 'not created by an agent';
    }
    cell.append(origin);
  }
  return cell;
}

function historySection(escalation) {
  const history = escalation.history || [];
  const list = history.length ? el('ol', {class: 'history'})
    : el('p', {class: 'muted history'}, 'No earlier plans from this agent.');
  for (const earlier of history) {
    const item = el('li');
    item.append(verdictBadge(earlier.verdict), ' ',
      el('span', {class: 'history-goal'}, earlier.goal || '(no goal)'));
    if (earlier.rules && earlier.rules.length) {
      item.append(el('span', {class: 'muted'}, ' · ' + earlier.rules.join('; ')));
    }
    item.append(el('span', {class: 'muted history-at'}, ' · ' + formatDateTime(earlier.decidedAt)));
    list.append(item);
  }
  const part = section('This agent\'s latest plans', list);
  part.append(link('#/timeline/agent/' + encodeURIComponent(escalation.agentId || ''),
    'Whole timeline →', {class: 'more'}));
  return part;
}

function shortId(id) {
  return String(id || '').slice(0, 8);
}

// ---------------------------------------------------------------- answering several at once

/** Escalations are alike when the same rules asked for a person. */
function alikeKey(findings) {
  return findings.filter((f) => f.verdict === 'ESCALATED').map((f) => f.rule).sort().join('\n');
}

function updateAlike() {
  const counts = new Map();
  for (const card of cards.values()) {
    counts.set(card.dataset.alike, (counts.get(card.dataset.alike) || 0) + 1);
  }
  for (const card of cards.values()) {
    const button = card.querySelector('.select-alike');
    if (button) {
      const count = counts.get(card.dataset.alike) || 0;
      button.hidden = count < 2 || !card.dataset.alike;
      button.textContent = 'Select all ' + count + ' alike';
    }
  }
}

function selectAlike(key) {
  for (const [id, card] of cards) {
    if (card.dataset.alike === key) {
      selected.add(id);
      const box = card.querySelector('.select');
      if (box) {
        box.checked = true;
      }
    }
  }
  updateBatch();
}

function batchBar() {
  ui.batch = el('form', {id: 'batch', class: 'card batch'});
  ui.batch.noValidate = true;
  ui.batch.hidden = true;
  ui.batchCount = el('strong', {id: 'batch-count'});
  ui.batchReason = el('input', {id: 'batch-reason', type: 'text', maxlength: '2000',
    placeholder: 'One reason for all of them (recorded with each)'});
  const approve = el('button', {type: 'button', id: 'batch-approve', class: 'button approve'}, 'Approve all');
  const deny = el('button', {type: 'button', id: 'batch-deny', class: 'button deny'}, 'Deny all');
  const clear = el('button', {type: 'button', class: 'button link'}, 'Clear');
  ui.batchError = el('p', {class: 'error', role: 'alert'});
  ui.batchError.hidden = true;
  const row = el('div', {class: 'batch-row'});
  row.append(ui.batchCount, ui.batchReason, approve, deny, clear);
  ui.batch.append(row, ui.batchError);
  ui.batch.addEventListener('submit', (event) => event.preventDefault());
  approve.addEventListener('click', () => resolveSelected('approve'));
  deny.addEventListener('click', () => resolveSelected('deny'));
  clear.addEventListener('click', () => {
    selected.clear();
    for (const box of ui.list.querySelectorAll('.select')) {
      box.checked = false;
    }
    updateBatch();
  });
  return ui.batch;
}

function updateBatch() {
  for (const id of [...selected]) {
    if (!cards.has(id)) {
      selected.delete(id);
    }
  }
  ui.batch.hidden = selected.size === 0;
  ui.batchCount.textContent = selected.size + ' selected';
  if (selected.size === 0) {
    ui.batchError.hidden = true;
  }
}

/** Answers each selected escalation in turn; each answer is its own audited decision. */
async function resolveSelected(resolution) {
  const reason = ui.batchReason.value.trim();
  if (!reason) {
    ui.batchError.textContent = 'Write a reason before you ' + resolution
      + ' them; it goes into the audit log with your name, once per escalation.';
    ui.batchError.hidden = false;
    ui.batchReason.focus();
    return;
  }
  const owner = currentSession();
  const ids = [...selected].filter((id) => !resolving.has(id));
  const failures = [];
  let done = 0;
  for (const control of ui.batch.querySelectorAll('button, input')) {
    control.disabled = true;
  }
  ui.batchError.hidden = true;
  for (const id of ids) {
    const card = cards.get(id);
    resolving.add(id);
    setBusy(card, true);
    try {
      await api('/escalations/' + encodeURIComponent(id) + '/resolve', {
        method: 'POST',
        body: {resolution, reason},
      });
      done++;
      selected.delete(id);
      drop(id);
    } catch (failure) {
      if (currentSession() !== owner || failure.status === 401) {
        return;
      }
      if (failure.status === 409 || failure.status === 404) {
        selected.delete(id);
        drop(id);
        failures.push(describeCard(card) + ' was already settled');
      } else {
        setBusy(card, false);
        failures.push(describeCard(card) + ': ' + failure.message);
      }
    } finally {
      resolving.delete(id);
    }
  }
  for (const control of ui.batch.querySelectorAll('button, input')) {
    control.disabled = false;
  }
  if (done > 0) {
    ui.batchReason.value = '';
    notify((resolution === 'approve' ? 'Approved ' : 'Denied ') + done + ' plan' + (done === 1 ? '' : 's')
      + '; each agent has been told.');
  }
  if (failures.length) {
    ui.batchError.textContent = 'Not answered: ' + failures.join('; ') + '.';
    ui.batchError.hidden = false;
  }
  updateBatch();
  refresh();
}

// ---------------------------------------------------------------- resolved escalations

function mountResolved(container) {
  const head = el('div', {class: 'page-head'});
  head.append(el('h1', {}, 'Resolved escalations'), el('p', {class: 'muted'},
    'Escalations already settled by a person or by their deadline, newest first. Search by agent, '
    + 'goal, action, target, reason or who answered.'));
  const form = el('form', {class: 'search', role: 'search'});
  ui.query = el('input', {id: 'resolved-query', type: 'search', maxlength: '200',
    placeholder: 'Search, e.g. env:staging or ana', 'aria-label': 'Search resolved escalations'});
  form.append(ui.query, el('button', {type: 'submit', class: 'button primary'}, 'Search'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });
  ui.resolvedError = el('p', {class: 'error', role: 'alert'});
  ui.resolvedError.hidden = true;
  ui.results = el('div', {id: 'resolved-results'});
  container.append(head, form, ui.resolvedError, ui.results);
}

let searchCounter = 0;

async function search() {
  const text = ui.query.value.trim();
  const asked = ++searchCounter;
  try {
    const answer = await api('/escalations?status=resolved&limit=200'
      + (text ? '&q=' + encodeURIComponent(text) : ''));
    if (asked !== searchCounter) {
      return; // a newer search is on its way
    }
    ui.resolvedError.hidden = true;
    renderResolved(answer.escalations || [], text);
  } catch (error) {
    if (asked === searchCounter && error.status !== 401) {
      ui.resolvedError.textContent = 'Could not search: ' + error.message;
      ui.resolvedError.hidden = false;
    }
  }
}

function renderResolved(escalations, text) {
  if (!escalations.length) {
    ui.results.replaceChildren(el('p', {class: 'empty'},
      text ? 'No resolved escalation matches “' + text + '”.' : 'No escalation has been resolved yet.'));
    return;
  }
  const grid = table('resolved', ['Outcome', 'Agent', 'Goal', 'Asked by', 'Answered by', 'Reason', 'When']);
  for (const escalation of escalations) {
    const agent = escalation.agent || {};
    const plan = escalation.plan || {};
    const findings = (escalation.decision && escalation.decision.findings) || [];
    const row = el('tr');
    row.dataset.escalationId = escalation.id;
    const status = String(escalation.status || '').toLowerCase();
    const outcome = el('td');
    outcome.append(badge('outcome outcome-' + status, status));
    const agentCell = el('td');
    agentCell.append(link('#/timeline/agent/' + encodeURIComponent(escalation.agentId || ''),
      agent.name || escalation.agentId || ''));
    row.append(
      outcome,
      agentCell,
      el('td', {}, plan.goal || ''),
      el('td', {}, findings.filter((f) => f.verdict === 'ESCALATED').map((f) => f.rule).join('; ')),
      el('td', {}, escalation.resolvedBy || (status === 'expired' ? 'deadline' : '')),
      el('td', {}, escalation.reason || ''),
      el('td', {class: 'nowrap'}, formatDateTime(escalation.resolvedAt)));
    grid.body.append(row);
  }
  ui.results.replaceChildren(grid.table);
}
