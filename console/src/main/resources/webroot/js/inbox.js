// The escalation inbox: pending escalations, soonest deadline first, kept live by the event
// stream; approve or deny with a reason.
import {api, badge, can, capitalise, currentSession, el, formatDuration, formatTime, hide, link, notify,
  section, show, table, verdictCell} from './core.js';

const cards = new Map(); // escalation id -> its <li>
const resolving = new Set(); // escalation ids this page is answering right now
const ui = {};
let loading = null;
let loadAgain = false;

export default {
  route: 'inbox',
  title: 'Inbox',
  role: 'VIEWER',

  mount(container) {
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
    container.append(head, ui.error, ui.empty, ui.list);
    setInterval(tick, 1000);
  },

  signedIn() {
    refresh();
  },

  signedOut() {
    cards.clear();
    resolving.clear();
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

/** Fetches the pending list; calls that arrive while one is running coalesce into one more. */
function refresh() {
  if (loading) {
    loadAgain = true;
    return loading;
  }
  loading = (async () => {
    do {
      loadAgain = false;
      const owner = currentSession();
      if (!owner) {
        return;
      }
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

  card.append(head, goal, section('Plan', steps.table), section('Findings', found.table));
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
