// The operators (admin): who may sign in and with which roles. Create one with a password and
// roles (its API token is shown once), change its roles or password, disable it. Every change is
// audited.
import {api, badge, currentSession, el, formatDateTime, hide, loadStyle, notify, show, table} from './core.js';
import {secretBox} from './secret.js';

const ROLES = [
  {name: 'viewer', hint: 'sees everything'},
  {name: 'approver', hint: 'answers escalations, commands agents'},
  {name: 'author', hint: 'writes and activates rules'},
  {name: 'admin', hint: 'every role, and administers'},
];

const ui = {};
let visible = false;

export default {
  route: 'operators',
  title: 'Operators',
  role: 'ADMIN',

  mount(container) {
    loadStyle('css/operators.css');
    const head = el('div', {class: 'page-head'});
    head.append(el('h1', {}, 'Operators'), el('p', {class: 'muted'},
      'The people and scripts who use Governor. A viewer sees everything; an approver also answers '
      + 'escalations and commands agents; an author writes rules; an admin does all of it and '
      + 'administers. Every change here goes into the audit log with your name.'));
    ui.secret = secretBox('operator-token',
      'This API token will not be shown again. It acts with the operator\'s roles, for scripts and '
      + 'for signing in without a password.');
    ui.form = creationForm();
    ui.error = el('p', {id: 'operators-error', class: 'error', role: 'alert'});
    ui.error.hidden = true;
    ui.list = el('div', {id: 'operators-list'});
    container.append(head, ui.secret.element, ui.error, ui.list, ui.form);
  },

  show() {
    visible = true;
    refresh();
  },

  hide() {
    visible = false;
  },

  signedOut() {
    visible = false;
    ui.secret.forget();
    ui.form.reset();
    hide(ui.formError);
    ui.list.replaceChildren();
    hide(ui.error);
  },
};

async function refresh() {
  const owner = currentSession();
  if (!owner) {
    return;
  }
  try {
    const answer = await api('/operators');
    if (currentSession() === owner && visible) {
      hide(ui.error);
      render(answer.operators || []);
    }
  } catch (error) {
    if (currentSession() !== owner || error.status === 401) {
      return;
    }
    ui.error.textContent = error.status === 403
      ? 'Only an admin may see and change operators.'
      : 'Could not load the operators: ' + error.message;
    show(ui.error);
  }
}

function render(operators) {
  if (!operators.length) {
    ui.list.replaceChildren(el('p', {class: 'empty'},
      'No operator accounts yet: only the built-in admin (its token) can sign in. Create one below.'));
    return;
  }
  const grid = table('operators', ['Name', 'Roles', 'Password', 'State', 'Created', '']);
  grid.table.id = 'operators-table';
  for (const operator of operators) {
    grid.body.append(row(operator));
  }
  ui.list.replaceChildren(grid.table);
}

function row(operator) {
  const me = currentSession().operator.name === operator.name;
  const tr = el('tr', {class: operator.disabled ? 'disabled' : ''});
  tr.dataset.operator = operator.name;
  const name = el('td', {class: 'name'}, operator.name);
  if (me) {
    name.append(el('span', {class: 'muted'}, ' (you)'));
  }
  const roles = el('td', {class: 'roles'});
  const boxes = el('div', {class: 'role-boxes'});
  for (const role of ROLES) {
    const box = el('input', {type: 'checkbox', value: role.name, class: 'role-' + role.name});
    box.checked = (operator.roles || []).includes(role.name);
    box.disabled = operator.disabled;
    const label = el('label', {class: 'role-choice', title: role.hint});
    label.append(box, ' ' + role.name);
    boxes.append(label);
  }
  roles.append(boxes);
  const error = el('p', {class: 'error row-error', role: 'alert'});
  error.hidden = true;
  const state = el('td');
  state.append(operator.disabled ? badge('state-disabled', 'disabled') : badge('state-active', 'active'));
  const actions = el('td', {class: 'actions'});
  if (!operator.disabled) {
    const save = el('button', {type: 'button', class: 'button small save-roles'}, 'Save roles');
    save.disabled = true;
    boxes.addEventListener('change', () => {
      save.disabled = sameRoles(checkedRoles(boxes), operator.roles || []);
    });
    save.addEventListener('click', () => saveRoles(operator, boxes, save, error));
    actions.append(save, passwordSetter(operator, error));
    if (!me) {
      const disable = el('button', {type: 'button', class: 'button small disable'}, 'Disable');
      const confirm = el('span', {class: 'confirm'});
      confirm.hidden = true;
      const yes = el('button', {type: 'button', class: 'button deny small confirm-disable'}, 'Yes, disable');
      const no = el('button', {type: 'button', class: 'button link small'}, 'Cancel');
      confirm.append(el('span', {class: 'confirm-text'}, 'Sign ' + operator.name + ' out for good?'), yes, no);
      disable.addEventListener('click', () => {
        confirm.hidden = false;
        disable.hidden = true;
      });
      no.addEventListener('click', () => {
        confirm.hidden = true;
        disable.hidden = false;
      });
      yes.addEventListener('click', () => disableOperator(operator, yes, error));
      actions.append(disable, confirm);
    }
  }
  roles.append(error);
  tr.append(name, roles, el('td', {}, operator.hasPassword ? 'set' : 'none (token only)'), state,
    el('td', {class: 'nowrap'}, formatDateTime(operator.createdAt)), actions);
  return tr;
}

function checkedRoles(container) {
  return [...container.querySelectorAll('input[type=checkbox]:checked')].map((box) => box.value);
}

function sameRoles(a, b) {
  return a.length === b.length && a.every((role) => b.includes(role));
}

async function saveRoles(operator, boxes, button, error) {
  const roles = checkedRoles(boxes);
  error.hidden = true;
  if (!roles.length) {
    error.textContent = 'An operator needs at least one role; disable it instead.';
    error.hidden = false;
    return;
  }
  button.disabled = true;
  try {
    const saved = await api('/operators/' + encodeURIComponent(operator.name), {method: 'PATCH', body: {roles}});
    notify(saved.name + ' now has the roles ' + saved.roles.join(', ') + '.');
    refresh();
  } catch (failure) {
    if (failure.status !== 401) {
      error.textContent = 'Could not change the roles: ' + failure.message;
      error.hidden = false;
      button.disabled = false;
    }
  }
}

/** A button that opens a password field in the row; saving replaces the operator's password. */
function passwordSetter(operator, error) {
  const wrapper = el('span', {class: 'password-setter'});
  const open = el('button', {type: 'button', class: 'button small set-password'},
    operator.hasPassword ? 'New password' : 'Set password');
  const form = el('form', {class: 'confirm password-form'});
  form.noValidate = true;
  form.hidden = true;
  const input = el('input', {type: 'password', class: 'new-password', maxlength: '256',
    autocomplete: 'new-password', 'aria-label': 'New password for ' + operator.name});
  const save = el('button', {type: 'submit', class: 'button primary small save-password'}, 'Save');
  const cancel = el('button', {type: 'button', class: 'button link small cancel-password'}, 'Cancel');
  form.append(input, save, cancel);
  open.addEventListener('click', () => {
    form.hidden = false;
    open.hidden = true;
    input.focus();
  });
  cancel.addEventListener('click', () => {
    form.reset();
    form.hidden = true;
    open.hidden = false;
    error.hidden = true;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!input.value) {
      error.textContent = 'Type the new password first.';
      error.hidden = false;
      return;
    }
    save.disabled = true;
    try {
      await api('/operators/' + encodeURIComponent(operator.name),
        {method: 'PATCH', body: {password: input.value}});
      form.reset();
      notify('The password of ' + operator.name + ' was changed.');
      refresh();
    } catch (failure) {
      if (failure.status !== 401) {
        error.textContent = 'Could not change the password: ' + failure.message;
        error.hidden = false;
        save.disabled = false;
      }
    }
  });
  wrapper.append(open, form);
  return wrapper;
}

async function disableOperator(operator, button, error) {
  button.disabled = true;
  error.hidden = true;
  try {
    await api('/operators/' + encodeURIComponent(operator.name) + '/disable', {method: 'POST'});
    notify(operator.name + ' is disabled and can no longer sign in.');
    refresh();
  } catch (failure) {
    if (failure.status !== 401) {
      error.textContent = 'Could not disable ' + operator.name + ': ' + failure.message;
      error.hidden = false;
      button.disabled = false;
    }
  }
}

// ---------------------------------------------------------------- creating one

function creationForm() {
  const form = el('form', {id: 'operator-form', class: 'card create-operator'});
  form.noValidate = true;
  form.append(el('h2', {}, 'New operator'));
  const fields = el('div', {class: 'fields'});
  const name = el('input', {id: 'operator-name', type: 'text', maxlength: '100', autocomplete: 'off',
    spellcheck: 'false', placeholder: 'letters, digits, . _ @ -'});
  const password = el('input', {id: 'operator-password', type: 'password', maxlength: '256',
    autocomplete: 'new-password', placeholder: 'empty: token only'});
  const nameField = el('div', {class: 'field'});
  nameField.append(el('label', {for: 'operator-name'}, 'Name'), name);
  const passwordField = el('div', {class: 'field'});
  passwordField.append(el('label', {for: 'operator-password'}, 'Password (for the console)'), password);
  const roles = el('fieldset', {class: 'roles-field', id: 'operator-roles'});
  roles.append(el('legend', {}, 'Roles'));
  for (const role of ROLES) {
    const box = el('input', {type: 'checkbox', name: 'role', value: role.name, id: 'new-role-' + role.name});
    const label = el('label', {for: 'new-role-' + role.name, class: 'role-choice'});
    label.append(box, ' ' + role.name, el('span', {class: 'muted'}, ' · ' + role.hint));
    roles.append(label);
  }
  fields.append(nameField, passwordField, roles);
  ui.formError = el('p', {id: 'operator-form-error', class: 'error', role: 'alert'});
  ui.formError.hidden = true;
  const submit = el('button', {type: 'submit', id: 'create-operator', class: 'button primary'}, 'Create operator');
  form.append(fields, ui.formError, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    hide(ui.formError);
    const body = {name: name.value.trim(), roles: checkedRoles(roles)};
    if (password.value) {
      body.password = password.value;
    }
    if (!body.name || !body.roles.length) {
      ui.formError.textContent = !body.name ? 'Give the operator a name.' : 'Tick at least one role.';
      show(ui.formError);
      return;
    }
    const owner = currentSession();
    submit.disabled = true;
    try {
      const created = await api('/operators', {method: 'POST', body});
      if (currentSession() !== owner) {
        return;
      }
      form.reset();
      if (created.token) {
        ui.secret.reveal('API token of ' + created.name, created.token);
      }
      notify('Created ' + created.name + ' with the roles ' + created.roles.join(', ') + '.');
      refresh();
    } catch (failure) {
      if (currentSession() === owner && failure.status !== 401) {
        ui.formError.textContent = failure.message;
        show(ui.formError);
      }
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

