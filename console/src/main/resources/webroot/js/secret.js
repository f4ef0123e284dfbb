// A secret Governor shows once (a new agent's token, an operator's API token): a marked box with
// a copy button and a warning, emptied as soon as the person says it is stored.
import {el, hide, loadStyle, show} from './core.js';

/**
 * Builds the hidden box; `id` names its parts (#id-box, #id, #copy-id, #id-done) for tests and
 * labels. Returns {element, reveal(title, secret), forget()}.
 */
export function secretBox(id, warning) {
  loadStyle('css/secret.css');
  const box = el('section', {id: id + '-box', class: 'card token-box', 'aria-live': 'polite'});
  box.hidden = true;
  const title = el('h2', {});
  const secret = el('code', {id, class: 'token'});
  const copy = el('button', {type: 'button', id: 'copy-' + id, class: 'button primary small'}, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(secret.textContent);
      copy.textContent = 'Copied';
    } catch (e) {
      // Without clipboard access (plain http on another host), select it for a manual copy.
      const range = document.createRange();
      range.selectNodeContents(secret);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      copy.textContent = 'Selected: press Ctrl+C';
    }
  });
  const line = el('div', {class: 'token-line'});
  line.append(secret, copy);
  const done = el('button', {type: 'button', id: id + '-done', class: 'button link'}, 'I have stored it');
  const forget = () => {
    secret.textContent = '';
    hide(box);
  };
  done.addEventListener('click', forget);
  box.append(title, el('p', {class: 'token-warning', role: 'note'}, warning), line, done);
  return {
    element: box,
    reveal(heading, value) {
      title.textContent = heading;
      secret.textContent = value;
      copy.textContent = 'Copy';
      show(box);
    },
    forget,
  };
}
