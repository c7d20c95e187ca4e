import { saveToken } from '../data/tokenStore.js';
import { h } from './dom.js';

/** A form asking for the server's bearer token; `done` runs once one is entered. */
export function tokenForm(done: () => void): HTMLElement {
  const field = h('input', {
    attrs: { type: 'password', name: 'token', autocomplete: 'current-password', 'aria-label': 'Access token', placeholder: 'token' },
  });
  const form = h(
    'form',
    { className: 'token-form' },
    h('h2', { text: 'This server needs an access token' }),
    h('p', { text: 'It was started with --token (or AITRACE_SERVER_TOKEN). Enter the same token; it is kept for this browser tab only.' }),
    field,
    h('button', { attrs: { type: 'submit' }, text: 'Continue' }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (field.value.trim() === '') return;
    saveToken(field.value.trim());
    done();
  });
  queueMicrotask(() => field.focus());
  return form;
}
