// An agent's or a task's history as a trace, newest first (#/timeline/agent/<id>,
// #/timeline/task/<id>): plans, decisions with their findings, escalations and who settled them,
// step reports with their evidence and what the verifiers found, commands, circuits, leases and
// phase gates. Governor builds the events from its audit log; this page only renders them, pages
// back with "Load older" and adds what is new when the event stream says the agent did something.
import {api, badge, currentSession, el, errorLine, formatDateTime, formatTime, link, loadStyle,
  hide, verdictBadge} from './core.js';

const PAGE_SIZE = 100;
const KINDS = ['plan', 'decision', 'escalation', 'step', 'command', 'circuit', 'lease', 'task', 'gate',
  'alert', 'agent', 'resource'];

const ui = {};
const state = {
  kind: null, // 'agent' or 'task'
  id: null,
  agentId: null, // whose activity refreshes this trace
  newest: 0, // the highest position shown
  next: null, // the position to load older events before
  visible: false,
  generation: 0, // bumped on each new trace, so a late answer for an old one is dropped
};
let refreshing = null;
let refreshAgain = false;

export default {
  route: 'timeline',
  title: 'Timeline',
  nav: false,
  role: 'VIEWER',

  mount(container) {
    loadStyle('css/timeline.css');
    const head = el('div', {class: 'page-head'});
    ui.title = el('h1', {id: 'timeline-title'}, 'Timeline');
    ui.subtitle = el('p', {id: 'timeline-subtitle', class: 'muted'});
    head.append(ui.title, ui.subtitle);
    ui.error = el('div', {id: 'timeline-error'});
    ui.empty = el('p', {id: 'timeline-empty', class: 'empty'}, 'Nothing is recorded here yet.');
    ui.empty.hidden = true;
    ui.list = el('ol', {id: 'timeline-events', class: 'trace'});
    ui.older = el('button', {type: 'button', id: 'timeline-older', class: 'button primary'}, 'Load older');
    ui.older.hidden = true;
    ui.older.addEventListener('click', () => loadOlder());
    container.append(head, ui.error, ui.empty, ui.list, ui.older);
  },

  show(params) {
    state.visible = true;
    const kind = params[0] === 'task' ? 'task' : 'agent';
    const id = params[1];
    if (!id) {
      ui.title.textContent = 'Timeline';
      ui.error.replaceChildren(errorLine('Open a timeline from an agent or a task.'));
      return;
    }
    if (kind === state.kind && id === state.id) {
      refreshNewest();
      return;
    }
    open(kind, id);
  },

  hide() {
    state.visible = false;
  },

  signedOut() {
    state.kind = null;
    state.id = null;
    state.generation++;
    ui.list.replaceChildren();
    ui.error.replaceChildren();
  },

  connected() {
    if (state.visible && state.id) {
      refreshNewest();
    }
  },

  event(type, data) {
    if (!state.visible || !state.agentId || !data) {
      return;
    }
    const agentId = data.agentId;
    if ((type === 'activity' || type === 'escalation' || type === 'circuit') && agentId === state.agentId) {
      refreshNewest();
    }
  },
};

function path(before) {
  const base = (state.kind === 'task' ? '/tasks/' : '/agents/') + encodeURIComponent(state.id) + '/timeline';
  return base + '?limit=' + PAGE_SIZE + (before ? '&before=' + before : '');
}

async function open(kind, id) {
  state.kind = kind;
  state.id = id;
  state.agentId = kind === 'agent' ? id : null;
  state.newest = 0;
  state.next = null;
  const generation = ++state.generation;
  ui.list.replaceChildren();
  ui.error.replaceChildren();
  hide(ui.empty);
  hide(ui.older);
  ui.title.textContent = (kind === 'task' ? 'Task ' : 'Agent ') + id;
  ui.subtitle.textContent = kind === 'task'
    ? 'Everything recorded about this task, newest first: its plans, decisions, steps, leases and phase gates.'
    : 'Everything recorded about this agent, newest first. New events appear as they happen.';
  describe(kind, id, generation);
  try {
    const page = await api(path(null));
    if (generation !== state.generation) {
      return;
    }
    append(page.events || []);
    setNext(page.next);
    ui.empty.hidden = ui.list.childElementCount > 0;
  } catch (error) {
    if (generation === state.generation && error.status !== 401) {
      ui.error.replaceChildren(errorLine(error.status === 404
        ? 'Governor knows no ' + kind + ' ' + id + '.'
        : 'Could not load the timeline: ' + error.message));
    }
  }
}

/** The heading names the agent (or the task's goal and its agent) once Governor says who it is. */
async function describe(kind, id, generation) {
  try {
    if (kind === 'agent') {
      const agent = await api('/agents/' + encodeURIComponent(id));
      if (generation === state.generation) {
        ui.title.replaceChildren(el('span', {}, agent.name + ' '),
          badge('env env-' + agent.environment, agent.environment),
          badge('status status-' + agent.status, agent.status));
      }
    } else {
      const task = await api('/tasks/' + encodeURIComponent(id));
      if (generation === state.generation) {
        state.agentId = task.agentId;
        ui.title.replaceChildren(el('span', {}, 'Task "' + (task.goal || id) + '" '),
          badge('phase', 'phase ' + task.phase));
        ui.subtitle.replaceChildren(
          el('span', {}, 'Everything recorded about this task, newest first. Its agent: '),
          link('#/timeline/agent/' + encodeURIComponent(task.agentId), task.agentId, {id: 'timeline-agent-link'}),
          el('span', {}, '.'));
      }
    }
  } catch (error) {
    // The heading keeps the id; the trace itself says whether the subject exists.
  }
}

async function loadOlder() {
  const generation = state.generation;
  ui.older.disabled = true;
  try {
    const page = await api(path(state.next));
    if (generation === state.generation) {
      append(page.events || []);
      setNext(page.next);
    }
  } catch (error) {
    if (error.status !== 401) {
      ui.error.replaceChildren(errorLine('Could not load older events: ' + error.message));
    }
  } finally {
    ui.older.disabled = false;
  }
}

/** Fetches the newest page and puts what is newer than the top of the trace on top. */
function refreshNewest() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      const generation = state.generation;
      if (!currentSession() || !state.id) {
        return;
      }
      try {
        const page = await api(path(null));
        if (generation !== state.generation) {
          continue;
        }
        const events = page.events || [];
        const fresh = events.filter((e) => e.position > state.newest);
        if (state.newest > 0 && fresh.length === events.length && page.next !== null) {
          // More happened than one page holds: start the trace over rather than leave a gap.
          open(state.kind, state.id);
          return;
        }
        if (state.newest === 0) {
          setNext(page.next);
        }
        prepend(fresh);
        ui.empty.hidden = ui.list.childElementCount > 0;
      } catch (error) {
        // The next activity or reconnect tries again.
      }
    } while (refreshAgain);
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function setNext(next) {
  state.next = next === undefined ? null : next;
  ui.older.hidden = state.next === null;
}

function append(events) {
  for (const event of events) {
    ui.list.append(row(event));
    state.newest = Math.max(state.newest, event.position);
  }
}

function prepend(events) {
  const first = ui.list.firstElementChild;
  for (const event of events) {
    const item = row(event);
    item.classList.add('fresh');
    ui.list.insertBefore(item, first);
    state.newest = Math.max(state.newest, event.position);
  }
}

// ---------------------------------------------------------------- one event

function row(event) {
  const kind = KINDS.includes(event.kind) ? event.kind : 'other';
  const item = el('li', {class: 'event event-' + kind});
  item.dataset.kind = kind;
  item.dataset.type = event.type;
  item.dataset.position = String(event.position);
  const time = el('time', {class: 'event-time', datetime: event.at, title: formatDateTime(event.at)},
    formatTime(event.at));
  const marker = el('div', {class: 'event-marker'});
  marker.append(badge('kind kind-' + kind, kind));
  const body = el('div', {class: 'event-body'});
  const line = el('div', {class: 'event-line'});
  const verdict = event.details && typeof event.details.verdict === 'string' ? event.details.verdict : null;
  if (kind === 'decision' && verdict) {
    line.append(verdictBadge(verdict));
  }
  line.append(el('span', {class: 'event-summary'}, event.summary));
  if (event.taskId && state.kind === 'agent') {
    line.append(link('#/timeline/task/' + encodeURIComponent(event.taskId), 'task',
      {class: 'task-link', title: 'The timeline of task ' + event.taskId}));
  }
  line.append(el('span', {class: 'event-actor muted'}, event.actor || ''));
  body.append(line);
  const details = el('details', {class: 'event-details'});
  details.append(el('summary', {}, 'Details'));
  details.addEventListener('toggle', () => {
    if (details.open && details.childElementCount === 1) {
      details.append(...detailParts(event));
    }
  }, {once: false});
  body.append(details);
  item.append(time, marker, body);
  return item;
}

/** What a row shows when opened: what its kind needs, then the audited payload as recorded. */
function detailParts(event) {
  const details = event.details || {};
  const parts = [];
  const facts = el('dl', {class: 'facts'});
  const fact = (name, value) => {
    if (value !== undefined && value !== null && value !== '') {
      facts.append(el('dt', {}, name), el('dd', {}, String(value)));
    }
  };
  fact('Position', event.position);
  fact('When', formatDateTime(event.at));
  fact('Audit entry', event.type);
  fact('By', event.actor);
  fact('About', event.subject);
  fact('Plan', event.planId);
  parts.push(facts);
  if (event.kind === 'plan' && Array.isArray(details.steps)) {
    parts.push(part('Steps', stepList(details.steps)));
  }
  if (Array.isArray(details.findings)) {
    parts.push(part('Findings', findingList(details.findings)));
  }
  if (event.kind === 'lease' && details.finding) {
    parts.push(part('Finding', findingList([details.finding])));
  }
  if (event.kind === 'escalation' && (details.resolvedBy || details.reason)) {
    const settled = el('dl', {class: 'facts'});
    settled.append(el('dt', {}, 'Outcome'), el('dd', {}, String(details.status || '').toLowerCase()),
      el('dt', {}, 'By'), el('dd', {}, details.resolvedBy || ''),
      el('dt', {}, 'Reason'), el('dd', {}, details.reason || ''));
    parts.push(part('Settled', settled));
  }
  if (event.kind === 'lease' && details.resource) {
    const lease = el('dl', {class: 'facts'});
    lease.append(el('dt', {}, 'Resource'), el('dd', {class: 'mono'}, details.resource),
      el('dt', {}, 'Fencing token'), el('dd', {}, String(details.fencingToken)),
      el('dt', {}, 'Step'), el('dd', {}, details.stepId || ''),
      el('dt', {}, 'Expires'), el('dd', {}, formatDateTime(details.expiresAt)));
    parts.push(part('Lease ' + details.state, lease));
  }
  if (event.kind === 'gate' && Array.isArray(details.missing) && details.missing.length) {
    const missing = el('ul', {class: 'missing'});
    missing.append(...details.missing.map((m) => el('li', {}, m)));
    parts.push(part('Missing', missing));
  }
  if (Array.isArray(details.evidence) || Array.isArray(details.checks)) {
    parts.push(part('Evidence', evidenceList(details.evidence || [], details.checks || [])));
  }
  const raw = el('pre', {class: 'payload mono'}, JSON.stringify(event.payload ?? details, null, 2));
  parts.push(part('Recorded payload', raw));
  return parts;
}

function part(heading, content) {
  const node = el('div', {class: 'detail-part'});
  node.append(el('h3', {}, heading), content);
  return node;
}

function stepList(steps) {
  const list = el('ol', {class: 'steps'});
  for (const step of steps) {
    const item = el('li', {});
    item.append(el('span', {class: 'mono'}, step.id + ' ' + step.action + ' ' + (step.target || '')),
      el('span', {class: 'muted'}, step.intent ? ' — ' + step.intent : ''));
    list.append(item);
  }
  return list;
}

function findingList(findings) {
  if (findings.length === 0) {
    return el('p', {class: 'muted'}, 'No rule had anything to say.');
  }
  const list = el('ul', {class: 'findings'});
  for (const finding of findings) {
    const item = el('li', {class: 'finding'});
    item.append(
      verdictBadge(finding.verdict),
      badge('severity severity-' + String(finding.severity).toLowerCase(), String(finding.severity).toLowerCase()),
      el('span', {class: 'rule'}, finding.rule),
      el('span', {class: 'muted'}, finding.stepId ? ' on step ' + finding.stepId : ' on the plan'),
      el('div', {class: 'finding-message'}, finding.message));
    list.append(item);
  }
  return list;
}

function evidenceList(evidence, checks) {
  const node = el('div', {class: 'evidence'});
  if (evidence.length === 0) {
    node.append(el('p', {class: 'muted'}, 'No evidence was given.'));
  }
  for (const envelope of evidence) {
    const counts = Object.entries(envelope.counts || {})
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([name, value]) => name + ' ' + value).join(', ');
    const artifacts = (envelope.artifacts || [])
      .map((a) => a.path || (a.repository ? a.repository + '@' + a.commit : '')).filter(Boolean).join(', ');
    node.append(el('div', {class: 'envelope'},
      envelope.kind + (counts ? ' · ' + counts : '') + (artifacts ? ' · ' + artifacts : '')
        + (envelope.continue === false ? ' · the reporter said stop' : '')));
  }
  const list = el('ul', {class: 'checks'});
  for (const check of checks) {
    const item = el('li', {class: 'check ' + (check.ok ? 'pass' : 'fail')});
    item.append(badge(check.ok ? 'check-pass' : 'check-fail', check.ok ? 'pass' : 'fail'),
      el('span', {class: 'mono'}, check.kind), el('span', {}, ' ' + check.message));
    list.append(item);
  }
  if (checks.length > 0) {
    node.append(list);
  }
  return node;
}

