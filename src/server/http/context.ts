import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import type { Deps } from '../deps.js';
import type { SessionKind } from '../auth/sessions.js';
import type { User } from '../users/repository.js';
import { pickLang, type Lang } from '../../i18n/discussion.js';

export const SESSION_COOKIE = 'agora_session';

/** Who is calling, and how: the session id is kept so logout and CSRF can refer to it. */
export interface AuthContext {
  user: User;
  sessionId: string;
  via: SessionKind;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
    lang: Lang;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/i.exec(h.trim());
  return m?.[1];
}

/**
 * Resolves the caller on every request: a bearer token wins over the cookie (the embed never has the cookie).
 * An unknown or expired token is treated as signed out rather than an error, so a stale token cannot lock a reader
 * out of reading; routes that need a user say so with requireUser.
 */
export const authContext = fp(async (app: FastifyInstance, opts: { deps: Deps }) => {
  const { deps } = opts;
  app.decorateRequest('auth', null);
  app.decorateRequest('lang', 'en');
  app.addHook('onRequest', async (request) => {
    request.lang = pickLang(request.headers['accept-language']);
    const token = bearer(request);
    const cookie = request.cookies[SESSION_COOKIE];
    const via: SessionKind | undefined = token ? 'bearer' : cookie ? 'cookie' : undefined;
    const raw = token ?? cookie;
    if (!raw || !via) return;
    const session = await deps.sessions.resolveWithUser(raw);
    if (!session || session.kind !== via) return;
    request.auth = { user: session.user, sessionId: session.id, via };
  });
});

/** The signed-in user, or UNAUTHENTICATED. Cookie-authenticated writes must also carry the CSRF token. */
export function requireUser(request: FastifyRequest, deps: Deps): AuthContext {
  const auth = request.auth;
  if (!auth) throw new AppError('UNAUTHENTICATED');
  if (auth.via === 'cookie' && UNSAFE.has(request.method)) {
    const header = request.headers['x-csrf-token'];
    if (!deps.csrf.verify(auth.sessionId, typeof header === 'string' ? header : undefined)) throw new AppError('CSRF_FAILED');
  }
  return auth;
}

/** True when the request comes from a page of Agora's own origin (first-party), which gets the session cookie. */
export function isFirstParty(request: FastifyRequest, deps: Deps): boolean {
  const origin = request.headers.origin;
  return typeof origin === 'string' && origin === new URL(deps.config.publicUrl).origin;
}

/** Sets the HttpOnly session cookie (SameSite=Lax: sent on top-level navigation, never on cross-site subrequests). */
export function setSessionCookie(reply: FastifyReply, deps: Deps, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.publicUrl.startsWith('https:'),
    path: '/',
    maxAge: 30 * 86_400,
  });
}

const RANK = { commenter: 0, moderator: 1, admin: 2 } as const;

/** The signed-in user when their role is at least `role` (admin ⊇ moderator ⊇ commenter); else 401 or 403. */
export function requireRole(request: FastifyRequest, deps: Deps, role: keyof typeof RANK): AuthContext {
  const auth = requireUser(request, deps);
  if (RANK[auth.user.role] < RANK[role]) throw new AppError('FORBIDDEN');
  return auth;
}
