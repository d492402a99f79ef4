/**
 * Sign-in that comes from outside the widget: the popup's answer (third-party pages) and the publisher's single
 * sign-on token. In the auth chunk: a reader who only reads never needs them.
 */
import { ApiError, type Request } from './api.js';
import { emit, type Config } from './config.js';
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

/**
 * Exchanges the publisher's single sign-on token (`ssoToken`, else one from the page's `getToken`) for a bearer
 * session, kept like a popup sign-in. An expired token (a cached page, a long-open tab) is renewed once through
 * `getToken`. A refused token is reported to the page (a console warning and `onError`), and the reader stays signed
 * out: never signed in some other way behind the publisher's back. Undefined: no token to exchange.
 */
export async function ssoSignIn(req: Request, session: Session, cfg: Config): Promise<User | null | undefined> {
  const renew = async () => (typeof cfg.hooks.getToken == 'function' ? await cfg.hooks.getToken() : null) || undefined;
  let token = cfg.ssoToken || (await renew());
  for (let renewed = !cfg.ssoToken; token; ) {
    try {
      const r = await req<AuthResult>('POST', '/auth/sso', { token });
      storeToken(session, r.token);
      return r.user;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (!renewed && e.code === 'SSO_TOKEN_EXPIRED' && (token = await renew())) {
        renewed = true;
        continue;
      }
      console.warn(`Agora: the single sign-on token was refused (${e.code}): ${e.message}`);
      emit(cfg, 'onError', { code: e.code, message: e.message });
      return null;
    }
  }
  return undefined;
}
