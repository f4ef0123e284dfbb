// The agents: every registered agent with its status, circuit, budgets and usage, kept live by the
// event stream (and re-read now and then for usage, which changes without events). Admins register
// agents here and change their budgets; approvers pause, resume, abort or reset them.
import {api, coalesced, badge, can, currentSession, el, formatDateTime, formatDuration, hide, link,
  loadStyle, notify, show, table} from './core.js';
import {secretBox} from './secret.js';

const ENVIRONMENTS = ['sandbox', 'staging', 'production'];
const STATUSES = ['active', 'silent', 'paused'];
const BUDGETS = [
  {key: 'maxTokens', label: 'Tokens', step: '1'},
  {key: 'maxCostUsd', label: 'Cost (USD)', step: '0.01'},
  {key: 'maxRuntimeSeconds', label: 'Runtime per task (s)', step: '1'},
  {key: 'maxStepsPerPlan', label: 'Steps per plan', step: '1', min: '1'},
  {key: 'maxActionDepth', label: 'Steps per task', step: '1', min: '1'},
];
const USAGE_REFRESH_MILLIS = 10_000;

const ui = {};
const busy = new Set(); // agent ids with a command on its way
const failures = new Map(); // agent id -> why its last command failed, until the next one
let visible = false;
let timer = 0;

export default {
  route: 'agents',
  title: 'Agents',
  role: 'VIEWER',

  mount(container) {
    loadStyle('css/agents.css');
    const head = el('div', {class: 'page-head'});
    const title = el('h1', {}, 'Agents ');
    ui.count = el('span', {id: 'agents-count', class: 'count'}, '0');
    title.append(ui.count);
    head.append(title, el('p', {class: 'muted'},
      'Every agent Governor watches: whether it is active, silent or paused, its circuit breaker and '
      + 'why it tripped, and what it has used of its budgets. A name opens the agent\'s timeline.'));
    ui.registration = registrationCard();
    ui.secret = secretBox('agent-token',
      'This token will not be shown again. Governor keeps only its hash. Copy it now and give it to '
      + 'the agent; it acts as the agent and nothing else.');
    const filters = el('form', {class: 'filters', id: 'agent-filters'});
    ui.environment = select('filter-environment', 'All environments', ENVIRONMENTS);
    ui.status = select('filter-status', 'Any status', STATUSES);
    filters.append(
      el('label', {for: 'filter-environment'}, 'Environment'), ui.environment,
      el('label', {for: 'filter-status'}, 'Status'), ui.status);
    filters.addEventListener('submit', (event) => event.preventDefault());
    filters.addEventListener('change', () => refresh());
    ui.error = el('p', {id: 'agents-error', class: 'error', role: 'alert'});
    ui.error.hidden = true;
    ui.list = el('div', {id: 'agents-list'});
    container.append(head, ui.secret.element, ui.registration, filters, ui.error, ui.list);
  },

  show() {
    visible = true;
    refresh();
    clearInterval(timer);
    timer = setInterval(refresh, USAGE_REFRESH_MILLIS);
  },

  hide() {
    visible = false;
    clearInterval(timer);
  },

  signedIn() {
    ui.registration.hidden = !can('ADMIN');
  },

  signedOut() {
    visible = false;
    clearInterval(timer);
    busy.clear();
    failures.clear();
    ui.secret.forget();
    ui.form.reset();
    clearFieldErrors();
    ui.list.replaceChildren();
    hide(ui.error);
  },

  connected() {
    if (visible) {
      refresh();
    }
  },

  event(type) {
    if (type === 'agent' && visible) {
      refresh();
    }
  },
};

// ---------------------------------------------------------------- the list

/** Reads the agents. */
const refresh = coalesced(async (owner) => {
  const query = new URLSearchParams();
  if (ui.environment.value) {
    query.set('environment', ui.environment.value);
  }
  if (ui.status.value) {
    query.set('status', ui.status.value);
  }
  try {
    const answer = await api('/agents' + (query.toString() ? '?' + query : ''));
    if (currentSession() === owner) {
      hide(ui.error);
      render(answer.agents || []);
    }
  } catch (error) {
    if (currentSession() !== owner || error.status === 401) {
      return;
    }
    ui.error.textContent = 'Could not load the agents: ' + error.message;
    show(ui.error);
  }
});

function render(agents) {
  ui.count.textContent = String(agents.length);
  // A row with a command on its way or an open confirmation stays; everything else is redrawn.
  const kept = new Map();
  for (const row of ui.list.querySelectorAll('tr[data-agent-id]')) {
    if (busy.has(row.dataset.agentId) || row.querySelector('.confirm:not([hidden])')) {
      kept.set(row.dataset.agentId, row);
    }
  }
  if (!agents.length) {
    const filtered = ui.environment.value || ui.status.value;
    ui.list.replaceChildren(el('p', {class: 'empty', id: 'agents-empty'}, filtered
      ? 'No agent matches these filters.'
      : 'No agent is registered yet.' + (can('ADMIN') ? ' Register one above.' : '')));
    return;
  }
  const headings = ['Agent', 'Owner', 'Environment', 'Status', 'Circuit', 'Budgets and usage', 'Last seen'];
  if (can('APPROVER')) {
    headings.push('Actions');
  }
  const grid = table('agents', headings);
  grid.table.id = 'agents-table';
  for (const agent of agents) {
    grid.body.append(kept.get(agent.id) || row(agent));
  }
  ui.list.replaceChildren(grid.table);
}

function row(agent) {
  const circuit = agent.circuit || {state: 'CLOSED'};
  const state = String(circuit.state || 'CLOSED').toLowerCase();
  const tr = el('tr', {class: 'agent-row state-' + state});
  tr.dataset.agentId = agent.id;
  tr.dataset.agentName = agent.name;
  tr.dataset.status = agent.status;
  tr.dataset.circuit = circuit.state;

  const name = el('td', {class: 'name'});
  name.append(link('#/timeline/agent/' + encodeURIComponent(agent.id), agent.name, {class: 'agent-link'}),
    el('div', {class: 'muted mono id'}, agent.id.slice(0, 8)));
  const environment = el('td');
  environment.append(badge('env env-' + agent.environment, agent.environment));
  const status = el('td');
  status.append(badge('status status-' + agent.status, agent.status));

  const circuitCell = el('td', {class: 'circuit'});
  circuitCell.append(badge('circuit-state circuit-' + state, state.replace('_', '-')));
  if (circuit.state !== 'CLOSED') {
    if (circuit.trip) {
      circuitCell.append(el('span', {class: 'muted trip'}, ' ' + circuit.trip.replace('_', ' ')));
    }
    if (circuit.reason) {
      circuitCell.append(el('div', {class: 'circuit-reason'}, circuit.reason));
    }
    if (circuit.dueAt) {
      circuitCell.append(el('div', {class: 'muted due'},
        (circuit.state === 'OPEN' ? 'half-open at ' : 'probe ends ') + formatDateTime(circuit.dueAt)));
    }
  }

  const seen = el('td', {class: 'seen'}, agent.lastSeen ? formatDateTime(agent.lastSeen) : 'never');
  tr.append(name, el('td', {}, agent.owner), environment, status, circuitCell, usageCell(agent), seen);
  if (can('APPROVER')) {
    tr.append(actionsCell(agent, tr));
  }
  return tr;
}

/** Each budget the agent has, with its use against it; figures without a budget after them. */
function usageCell(agent) {
  const budgets = agent.budgets || {};
  const usage = agent.usage || {};
  const cell = el('td', {class: 'usage'});
  const meters = [
    ['tokens', usage.tokens || 0, budgets.maxTokens, (n) => number(n), 'tokens'],
    ['cost', usage.costUsd || 0, budgets.maxCostUsd, (n) => '$' + money(n), ''],
    ['runtime', usage.longestTaskSeconds || 0, budgets.maxRuntimeSeconds, (n) => formatDuration(n),
      'longest task'],
    ['depth', usage.deepestTaskSteps || 0, budgets.maxActionDepth, (n) => number(n), 'steps in a task'],
  ];
  let shown = 0;
  for (const [kind, used, limit, format, unit] of meters) {
    if (limit === undefined || limit === null) {
      continue;
    }
    shown++;
    const share = limit > 0 ? used / limit : 1;
    const meter = el('div', {class: 'meter meter-' + kind + (share >= 1 ? ' over' : share >= .8 ? ' near' : '')});
    meter.append(el('span', {class: 'meter-text'},
      format(used) + ' / ' + format(limit) + (unit ? ' ' + unit : '')));
    const bar = el('div', {class: 'bar', role: 'presentation'});
    const fill = el('span');
    fill.style.width = Math.min(100, Math.round(share * 100)) + '%'; // CSSOM: allowed by the CSP
    bar.append(fill);
    meter.append(bar);
    cell.append(meter);
  }
  if (budgets.maxStepsPerPlan) {
    cell.append(el('div', {class: 'muted'}, 'at most ' + number(budgets.maxStepsPerPlan) + ' steps per plan'));
  }
  if (!shown) {
    cell.append(el('div', {class: 'muted no-budget'}, 'no budgets'));
  }
  const figures = [];
  if (!budgets.maxTokens && usage.tokens) {
    figures.push(number(usage.tokens) + ' tokens');
  }
  if (!budgets.maxCostUsd && usage.costUsd) {
    figures.push('$' + money(usage.costUsd));
  }
  figures.push(number(usage.plans || 0) + ' plan' + (usage.plans === 1 ? '' : 's'));
  if (usage.toolCalls) {
    figures.push(number(usage.toolCalls) + ' tool calls, ' + number(usage.toolErrors || 0) + ' failed');
  }
  cell.append(el('div', {class: 'muted figures'}, figures.join(' · ')));
  return cell;
}

// ---------------------------------------------------------------- commands

function actionsCell(agent, tr) {
  const cell = el('td', {class: 'actions'});
  const buttons = el('div', {class: 'action-buttons'});
  const closed = !agent.circuit || agent.circuit.state === 'CLOSED';
  if (closed) {
    buttons.append(action('pause', 'Pause', 'Open the circuit: plans are denied and the agent is told to pause',
      () => command(tr, 'pause')));
  } else {
    buttons.append(
      action('reset-circuit', 'Reset circuit', 'Close the circuit and tell the agent to resume',
        () => command(tr, 'reset')),
      action('resume', 'Resume', 'Tell the agent to resume; its circuit closes',
        () => command(tr, 'resume')));
  }
  const abort = action('abort', 'Abort', 'Tell the agent to abort its current work', () => {
    confirm.hidden = false;
    buttons.hidden = true;
    confirm.querySelector('.confirm-abort').focus();
  });
  buttons.append(abort);
  const confirm = el('div', {class: 'confirm', role: 'group'});
  confirm.hidden = true;
  const yes = el('button', {type: 'button', class: 'button deny small confirm-abort'}, 'Yes, abort');
  const no = el('button', {type: 'button', class: 'button link small cancel-abort'}, 'Cancel');
  yes.addEventListener('click', () => {
    confirm.hidden = true;
    buttons.hidden = false;
    command(tr, 'abort');
  });
  no.addEventListener('click', () => {
    confirm.hidden = true;
    buttons.hidden = false;
  });
  confirm.append(el('span', {class: 'confirm-text'}, 'Abort ' + agent.name + '\'s current work?'), yes, no);
  const error = el('p', {class: 'error row-error', role: 'alert'}, failures.get(agent.id));
  error.hidden = !failures.has(agent.id);
  cell.append(buttons, confirm);
  if (can('ADMIN')) {
    const editor = budgetEditor(agent, tr, buttons, error);
    buttons.append(action('edit-budgets', 'Budgets', 'Change the agent\'s budgets', () => {
      editor.hidden = false;
      buttons.hidden = true;
      editor.querySelector('input').focus();
    }));
    cell.append(editor);
  }
  cell.append(error);
  return cell;
}

/**
 * The agent's budgets as a small form in its row (admin). Saving replaces them, as the API does:
 * an empty field is no limit, and a budget the form does not show (the error rate) is kept.
 */
function budgetEditor(agent, tr, buttons, error) {
  const current = agent.budgets || {};
  // The class "confirm" keeps the row while the form is open, as for an abort's confirmation.
  const form = el('form', {class: 'confirm budget-editor'});
  form.noValidate = true;
  form.hidden = true;
  const inputs = {};
  for (const budget of BUDGETS) {
    const id = 'edit-' + budget.key + '-' + agent.id;
    const input = el('input', {id, name: budget.key, type: 'number', min: budget.min || '0',
      step: budget.step, inputmode: 'decimal', class: 'budget-' + budget.key});
    if (current[budget.key] !== undefined && current[budget.key] !== null) {
      input.value = String(current[budget.key]);
    }
    inputs[budget.key] = input;
    const field = el('div', {class: 'budget-edit-field'});
    field.append(el('label', {for: id}, budget.label), input);
    form.append(field);
  }
  const save = el('button', {type: 'submit', class: 'button primary small save-budgets'}, 'Save');
  const cancel = el('button', {type: 'button', class: 'button link small cancel-budgets'}, 'Cancel');
  cancel.addEventListener('click', () => {
    form.hidden = true;
    buttons.hidden = false;
    error.hidden = true;
  });
  const formButtons = el('div', {class: 'budget-edit-buttons'});
  formButtons.append(save, cancel);
  form.append(formButtons);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const budgets = {...current};
    for (const budget of BUDGETS) {
      const raw = inputs[budget.key].value.trim();
      delete budgets[budget.key];
      if (!raw) {
        continue;
      }
      const value = Number(raw);
      if (!Number.isFinite(value) || value < Number(budget.min || 0)
          || (budget.step === '1' && !Number.isInteger(value))) {
        error.textContent = budget.label + ': ' + (budget.step === '1'
          ? 'a whole number of at least ' + (budget.min || 0) + '.' : 'a number of at least 0.');
        error.hidden = false;
        inputs[budget.key].focus();
        return;
      }
      budgets[budget.key] = value;
    }
    await saveBudgets(tr, budgets, save, error);
  });
  return form;
}

async function saveBudgets(tr, budgets, save, error) {
  const id = tr.dataset.agentId;
  const name = tr.dataset.agentName;
  const owner = currentSession();
  if (!owner || busy.has(id)) {
    return;
  }
  busy.add(id);
  save.disabled = true;
  error.hidden = true;
  try {
    await api('/agents/' + encodeURIComponent(id) + '/budgets', {method: 'PUT', body: budgets});
    if (currentSession() !== owner) {
      return;
    }
    notify('The budgets of ' + name + ' were changed.');
    tr.remove(); // redrawn from what Governor now says
  } catch (failure) {
    if (currentSession() !== owner || failure.status === 401) {
      return;
    }
    error.textContent = 'Could not change the budgets of ' + name + ': ' + failure.message;
    error.hidden = false;
    save.disabled = false;
  } finally {
    busy.delete(id);
  }
  refresh();
}

function action(className, text, title, onClick) {
  const button = el('button', {type: 'button', class: 'button small ' + className, title}, text);
  button.addEventListener('click', onClick);
  return button;
}

const DONE = {pause: 'paused', resume: 'resumed', reset: 'reset', abort: 'told to abort'};

async function command(tr, verb) {
  const id = tr.dataset.agentId;
  const name = tr.dataset.agentName;
  const error = tr.querySelector('.row-error');
  const owner = currentSession();
  if (!owner || busy.has(id)) {
    return;
  }
  busy.add(id);
  tr.classList.add('busy');
  for (const button of tr.querySelectorAll('button')) {
    button.disabled = true;
  }
  error.hidden = true;
  failures.delete(id);
  let failed = false;
  try {
    const path = '/agents/' + encodeURIComponent(id)
      + (verb === 'reset' ? '/circuit/reset' : '/commands');
    await api(path, {method: 'POST', body: verb === 'reset' ? {} : {command: verb}});
    if (currentSession() === owner) {
      notify(name + ' was ' + DONE[verb] + '.');
    }
  } catch (failure) {
    if (currentSession() !== owner || failure.status === 401) {
      return;
    }
    failed = true;
    failures.set(id, 'Could not ' + verb + ' ' + name + ': ' + failure.message);
    error.textContent = failures.get(id);
    error.hidden = false;
    tr.classList.remove('busy');
    for (const button of tr.querySelectorAll('button')) {
      button.disabled = false;
    }
  } finally {
    busy.delete(id);
  }
  if (!failed) {
    tr.remove(); // redrawn from what Governor now says
  }
  refresh();
}

// ---------------------------------------------------------------- registration

function registrationCard() {
  const card = el('details', {class: 'card register', id: 'register'});
  card.hidden = true;
  card.append(el('summary', {id: 'register-toggle'}, 'Register an agent'));
  const form = el('form', {id: 'register-form', class: 'register-form'});
  form.noValidate = true;
  ui.form = form;
  ui.fields = {};
  const grid = el('div', {class: 'fields'});
  grid.append(
    field('name', 'Name', el('input', {id: 'agent-name', name: 'name', type: 'text', maxlength: '200',
      autocomplete: 'off', spellcheck: 'false', required: true})),
    field('owner', 'Owner', el('input', {id: 'agent-owner', name: 'owner', type: 'text', maxlength: '200',
      autocomplete: 'off', placeholder: 'the team or person answerable for it', required: true})),
    field('environment', 'Environment', select('agent-environment', null, ENVIRONMENTS)));
  const grants = el('textarea', {id: 'agent-grants', name: 'grants', rows: '4', spellcheck: 'false',
    placeholder: 'fs.write:/repo/docs/**\ngit.push:repo:docs'});
  const grantsField = field('grants', 'Grants, one per line', grants,
    'An agent may only read without one. A grant is "<action pattern>:<resource pattern>".');
  grantsField.classList.add('wide');
  grid.append(grantsField);
  const budgets = el('fieldset', {class: 'budgets wide'});
  budgets.append(el('legend', {}, 'Budgets (empty: no limit)'));
  const budgetGrid = el('div', {class: 'budget-fields'});
  for (const budget of BUDGETS) {
    budgetGrid.append(field(budget.key, budget.label, el('input', {id: 'budget-' + budget.key, name: budget.key,
      type: 'number', min: budget.min || '0', step: budget.step, inputmode: 'decimal'})));
  }
  budgets.append(budgetGrid);
  grid.append(budgets);
  ui.registerError = el('p', {id: 'register-error', class: 'error', role: 'alert'});
  ui.registerError.hidden = true;
  const submit = el('button', {type: 'submit', id: 'register-agent', class: 'button primary'}, 'Register');
  form.append(grid, ui.registerError, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    register(submit);
  });
  card.append(form);
  return card;
}

function field(key, label, input, hint) {
  const wrapper = el('div', {class: 'field field-' + key});
  wrapper.append(el('label', {for: input.id}, label), input);
  if (hint) {
    wrapper.append(el('p', {class: 'muted hint'}, hint));
  }
  const error = el('p', {class: 'field-error', id: input.id + '-error', role: 'alert'});
  error.hidden = true;
  wrapper.append(error);
  ui.fields[key] = {input, error};
  return wrapper;
}

function select(id, anyLabel, values) {
  const node = el('select', {id, name: id});
  if (anyLabel) {
    const any = el('option', {}, anyLabel);
    any.value = ''; // el() leaves empty attributes out, and an option without one is worth its text
    node.append(any);
  }
  for (const value of values) {
    node.append(el('option', {value}, value));
  }
  return node;
}

function clearFieldErrors() {
  for (const {input, error} of Object.values(ui.fields)) {
    error.hidden = true;
    input.removeAttribute('aria-invalid');
  }
  ui.registerError.hidden = true;
}

function fieldError(key, message) {
  const target = ui.fields[key];
  if (!target) {
    ui.registerError.textContent = message;
    ui.registerError.hidden = false;
    return;
  }
  target.error.textContent = message;
  target.error.hidden = false;
  target.input.setAttribute('aria-invalid', 'true');
}

/** The registration from the form, or null after marking what is missing. */
function registration() {
  const value = (key) => ui.fields[key].input.value.trim();
  let complete = true;
  for (const key of ['name', 'owner']) {
    if (!value(key)) {
      fieldError(key, 'Required.');
      complete = false;
    }
  }
  const body = {
    name: value('name'),
    owner: value('owner'),
    environment: ui.fields.environment.input.value,
    grants: ui.fields.grants.input.value.split('\n').map((g) => g.trim()).filter(Boolean),
  };
  const budgets = {};
  for (const budget of BUDGETS) {
    const raw = value(budget.key);
    if (!raw) {
      continue;
    }
    const number = Number(raw);
    if (!Number.isFinite(number) || number < Number(budget.min || 0)
        || (budget.step === '1' && !Number.isInteger(number))) {
      fieldError(budget.key, budget.step === '1'
        ? 'A whole number of at least ' + (budget.min || 0) + '.' : 'A number of at least 0.');
      complete = false;
    } else {
      budgets[budget.key] = number;
    }
  }
  if (Object.keys(budgets).length) {
    body.budgets = budgets;
  }
  return complete ? body : null;
}

/**
 * Which field an API error is about: the schema names it ("body.budgets.maxTokens: ..."), Monitor's
 * checks say it in words ("an agent needs an owner ...", "grant ...").
 */
function fieldOf(message) {
  const path = /body\.(\w+)(?:\.(\w+))?/.exec(message || '');
  if (path) {
    return path[1] === 'budgets' && path[2] ? path[2] : path[1];
  }
  const text = String(message || '').toLowerCase();
  for (const key of ['grant', 'owner', 'environment', 'name']) {
    if (text.includes(key)) {
      return key === 'grant' ? 'grants' : key;
    }
  }
  return null;
}

async function register(submit) {
  clearFieldErrors();
  const body = registration();
  if (!body) {
    return;
  }
  const owner = currentSession();
  submit.disabled = true;
  try {
    const agent = await api('/agents', {method: 'POST', body});
    if (currentSession() !== owner) {
      return;
    }
    ui.secret.reveal('Token of ' + agent.name, agent.token);
    ui.form.reset();
    ui.registration.open = false;
    notify('Registered ' + agent.name + ' in ' + agent.environment + '.');
    refresh();
  } catch (failure) {
    if (currentSession() !== owner || failure.status === 401) {
      return;
    }
    const key = fieldOf(failure.message);
    fieldError(key && ui.fields[key] ? key : null, failure.message);
  } finally {
    submit.disabled = false;
  }
}

// ---------------------------------------------------------------- formatting

function number(n) {
  return Number(n).toLocaleString('en-US');
}

function money(n) {
  return Number(n).toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2});
}

