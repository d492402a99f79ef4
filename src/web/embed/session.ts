import type { Lang } from '../../i18n/discussion.js';

const TOKEN_KEY = 'agora:token';

/**
 * How this widget proves who the reader is. First-party (cookie) mode keeps only the CSRF token;
 * third-party (bearer) mode keeps the bearer token, in memory and in the host page's localStorage.
 */
export interface Session {
  readonly firstParty: boolean;
  token: string | null;
  csrf: string | null;
}

/** CSRF token that the server printed into a first-party page for a signed-in reader. */
export function metaCsrf(): string | null {
  return document.querySelector<HTMLMetaElement>('meta[name="agora-csrf"]')?.content || null;
}

/** Starts a session from what the page already holds. */
export function createSession(firstParty: boolean): Session {
  if (firstParty) return { firstParty, token: null, csrf: metaCsrf() };
  let token: string | null = null;
  try {
    token = localStorage.getItem(TOKEN_KEY);
  } catch {
    // Storage can be disabled or throw (privacy modes, sandboxed pages): the reader then signs in per page view.
  }
  return { firstParty, token, csrf: null };
}

/** Keeps (or, with null, forgets) the bearer token in memory and in localStorage. */
export function storeToken(session: Session, token: string | null): void {
  session.token = token;
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // See createSession: memory alone still works for this page view.
  }
}

/** Drops every credential, after sign-out or when the API answers 401. */
export function forgetSession(session: Session): void {
  storeToken(session, null);
  session.csrf = null;
}

/** Opens the sign-in popup on the API's origin; false when the browser blocked it. */
export function openSignInPopup(api: string, lang: Lang): boolean {
  const w = 480;
  const h = 640;
  const left = Math.max(0, window.screenX + (window.outerWidth - w) / 2);
  const top = Math.max(0, window.screenY + (window.outerHeight - h) / 2);
  // No `noopener`: the popup answers through window.opener.postMessage.
  const popup = window.open(
    `${api}/auth/popup?origin=${encodeURIComponent(location.origin)}&lang=${lang}`,
    'agora-signin',
    `popup,width=${w},height=${h},left=${left},top=${top}`,
  );
  popup?.focus();
  return !!popup;
}
