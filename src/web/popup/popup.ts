/**
 * Client script of the sign-in popup (`/auth/popup?origin=…&lang=…`), a first-party page on Agora's origin.
 * It signs the reader in with same-origin JSON calls, then hands a bearer token to the embed that opened it
 * and closes. The target origin comes only from `<meta name="agora-origin">`, which the server prints after
 * checking it against the sites' allowed origins: a token must never be posted to an origin picked by the URL.
 */
import { discussionStrings, pickLang } from '../../i18n/discussion.js';
import { ApiError, createClient } from '../embed/api.js';
import type { AuthResult } from '../embed/types.js';

const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content || null;

const lang = pickLang(document.documentElement.lang || new URLSearchParams(location.search).get('lang'));
const s = discussionStrings[lang];
const targetOrigin = meta('agora-origin');
const errorBox = document.getElementById('agora-popup-error');
errorBox?.setAttribute('role', 'alert');

const req = createClient({
  api: '',
  lang,
  session: { firstParty: true, token: null, csrf: meta('agora-csrf') },
  offline: s.offline,
  onUnauthorized() {},
});

function showError(message: string) {
  if (!errorBox) return;
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

/** Posts the token to the embed and closes; the user sent is stripped to what the widget displays. */
function handOver({ token, user }: AuthResult) {
  const opener = window.opener as Window | null;
  if (!opener || opener.closed) return showError(s.popupLost);
  opener.postMessage(
    { type: 'agora:auth', token, user: { id: user.id, displayName: user.displayName, role: user.role } },
    targetOrigin!,
  );
  window.close();
}

/** Runs one sign-in request from `button`, which ignores repeats until the answer arrives. */
async function signIn(button: HTMLElement | null, path: string, body: Record<string, string> = {}) {
  // Without a checked origin the server already shows its own error; nothing may be posted anywhere.
  if (!targetOrigin || button?.getAttribute('aria-busy') === 'true') return;
  button?.setAttribute('aria-busy', 'true');
  showError('');
  try {
    // The server makes the token for that page's site only (it can comment there, nothing else).
    handOver(await req<AuthResult>('POST', path, { ...body, origin: targetOrigin }));
  } catch (e) {
    showError(e instanceof ApiError ? e.message : s.offline);
  } finally {
    button?.removeAttribute('aria-busy');
  }
}

/** Wires a server-rendered form; only the named fields are sent, as the API rejects unknown ones. */
function onForm(id: string, path: string, fields: string[]) {
  const form = document.getElementById(id) as HTMLFormElement | null;
  form?.addEventListener('submit', (e) => {
    e.preventDefault(); // never a native submit: the password would go through a path without these checks
    const data = new FormData(form);
    const body: Record<string, string> = {};
    for (const f of fields) body[f] = String(data.get(f) ?? '');
    void signIn(form.querySelector('[type="submit"]'), path, body);
  });
}

/**
 * With the script, one form at a time: links marked `data-show` switch forms in place. Without it the page shows
 * both forms and those links are plain in-page anchors, so the page works either way.
 */
function showForm(id: string, focus: boolean) {
  for (const name of ['agora-login', 'agora-signup']) {
    const form = document.getElementById(name);
    if (form) form.hidden = name !== id;
  }
  if (focus) document.getElementById(id)?.querySelector('input')?.focus();
}
document.querySelectorAll<HTMLElement>('[data-show]').forEach((link) =>
  link.addEventListener('click', (e) => {
    e.preventDefault();
    showForm(link.dataset.show!, true);
  }),
);
showForm(location.hash === '#agora-signup' ? 'agora-signup' : 'agora-login', false);

onForm('agora-login', '/auth/login', ['email', 'password']);
onForm('agora-signup', '/auth/signup', ['email', 'password', 'displayName']);
const continueButton = document.getElementById('agora-continue');
continueButton?.addEventListener('click', () => void signIn(continueButton, '/auth/token'));
// Back from an identity provider (oidc/pages.ts): the reader chose to sign in there, so the token is handed over
// at once. Only the server prints this meta, on the page that ends a sign-in; no URL can ask for it.
if (meta('agora-oidc-done')) continueButton?.click();
