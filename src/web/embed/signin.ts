/**
 * Sign-in that comes from outside the widget: the popup's answer (third-party pages) and the publisher's single
 * sign-on token. In the auth chunk: a reader who only reads never needs them.
 */
import type { Request } from './api.js';
import { storeToken, type Session } from './session.js';
import type { AuthResult, User } from './types.js';

/**
 * Listens for the popup's answer. Only messages from the API's own origin are trusted: any other frame
 * on the host page could post a look-alike message to plant its own token.
 */
export function listenForSignIn(apiOrigin: string, onAuth: (token: string, user: User | null) => void): () => void {
  const onMessage = (e: MessageEvent) => {
    const d = e.data as { type?: unknown; token?: unknown; user?: { displayName?: unknown } } | null;
    if (e.origin !== apiOrigin || d?.type !== 'agora:auth' || typeof d.token !== 'string' || !d.token) return;
    onAuth(d.token, typeof d.user?.displayName === 'string' ? (d.user as User) : null);
  };
  addEventListener('message', onMessage);
  return () => removeEventListener('message', onMessage);
}

/** Exchanges the publisher's single sign-on token for a bearer session, kept like a popup sign-in. */
export async function ssoSignIn(req: Request, session: Session, token: string): Promise<User> {
  const r = await req<AuthResult>('POST', '/auth/sso', { token });
  storeToken(session, r.token);
  return r.user;
}
