import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type ErrorCode } from '../errors.js';
import type { Deps } from '../deps.js';
import type { SessionKind, SessionScope } from '../auth/sessions.js';
import { embedReach } from '../auth/scopes.js';
import { addressKey } from './client-key.js';
import type { User } from '../users/repository.js';
import { pickLang, type Lang } from '../../i18n/discussion.js';

export const SESSION_COOKIE = 'agora_session';

/** Who is calling, and how: the session id is kept so logout and CSRF can refer to it. */
export interface AuthContext {
  user: User;
  sessionId: string;
  via: SessionKind;
  /** `embed`: a token handed to a publisher's page, for commenting on `siteId` only (auth/scopes.ts). */
  scope: SessionScope;
  siteId: string | null;
  /** When the password was last checked in this session; null when never. */
  authenticatedAt: string | null;
}

/** Failed password checks per client address, whatever the email: spraying one password over many accounts hits it. */
export interface SignInFailures {
  /**
   * Runs a password check for `request`: refused beforehand with TOO_MANY_FAILED_LOGINS (and Retry-After) once the
   * address failed AGORA_LOGIN_FAILURES_PER_ADDRESS times within the window, so no hashing is spent on it; an
   * INVALID_CREDENTIALS from `check` counts one more failure. Successes count nothing.
   */
  guard<T>(request: FastifyRequest, check: () => Promise<T>): Promise<T>;
}

declare module 'fastify' {
  interface FastifyInstance {
    signInFailures: SignInFailures;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
    lang: Lang;
    /** Why a presented session does not count on this route (an embed token outside its scope); null otherwise. */
    authRefusal: ErrorCode | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/i.exec(h.trim());
  return m?.[1];
}

/** The site a route acts on, as an embed token's scope sees it; undefined when it names nothing that exists. */
async function siteOfRoute(deps: Deps, reach: 'story' | 'comment', params: unknown): Promise<string | undefined> {
  const p = (params ?? {}) as { storyId?: unknown; id?: unknown };
  if (reach === 'story') return typeof p.storyId === 'string' ? (await deps.stories.get(p.storyId))?.siteId : undefined;
  return typeof p.id === 'string' ? deps.comments.siteOf(p.id) : undefined;
}

/**
 * Resolves the caller on every request: a bearer token wins over the cookie (the embed never has the cookie).
 * An unknown or expired token is treated as signed out rather than an error, so a stale token cannot lock a reader
 * out of reading; routes that need a user say so with requireUser. An embed token counts only on the routes of its
 * scope (elsewhere requireUser answers TOKEN_SCOPE), and only on its own site's stories and comments: another
 * site's are refused with TOKEN_WRONG_SITE, so a token one publisher's page holds is no use on another's.
 */
export const authContext = fp(async (app: FastifyInstance, opts: { deps: Deps }) => {
  const { deps } = opts;
  app.decorateRequest('auth', null);
  app.decorateRequest('lang', 'en');
  app.decorateRequest('authRefusal', null);
  // The rate limiter's store (Redis with several nodes), so a client cannot multiply its allowance by the nodes.
  // By address (an IPv6 /64 as one): a sign-in has no user yet.
  const failures = app.createRateLimit({ max: deps.config.loginFailuresPerAddress, timeWindow: deps.config.loginFailureWindowMs, keyGenerator: (req) => `signin-failures:${addressKey(req.ip)}` });
  app.decorate('signInFailures', {
    async guard<T>(request: FastifyRequest, check: () => Promise<T>): Promise<T> {
      const seen = await failures(request, { increment: false });
      if (!seen.isAllowed && seen.remaining <= 0) throw new AppError('TOO_MANY_FAILED_LOGINS', undefined, { retryAfterSeconds: Math.max(1, seen.ttlInSeconds) });
      try {
        return await check();
      } catch (err) {
        if (err instanceof AppError && err.code === 'INVALID_CREDENTIALS') await failures(request);
        throw err;
      }
    },
  } satisfies SignInFailures);
  app.addHook('onRequest', async (request) => {
    request.lang = pickLang(request.headers['accept-language']);
    const token = bearer(request);
    const cookie = request.cookies[SESSION_COOKIE];
    const via: SessionKind | undefined = token ? 'bearer' : cookie ? 'cookie' : undefined;
    const raw = token ?? cookie;
    if (!raw || !via) return;
    const session = await deps.sessions.resolveWithUser(raw);
    if (!session || session.kind !== via) return;
    if (session.scope === 'embed') {
      const reach = embedReach(request.method, request.routeOptions.url);
      if (reach === undefined) {
        request.authRefusal = 'TOKEN_SCOPE';
        return;
      }
      if (reach !== 'none') {
        const site = await siteOfRoute(deps, reach, request.params);
        // Unknown story or comment: the route answers its own 404.
        if (site !== undefined && site !== session.siteId) throw new AppError('TOKEN_WRONG_SITE');
      }
    }
    request.auth = { user: session.user, sessionId: session.id, via, scope: session.scope, siteId: session.siteId, authenticatedAt: session.authenticatedAt };
  });
});

/** The signed-in user, or UNAUTHENTICATED. Cookie-authenticated writes must also carry the CSRF token. */
export function requireUser(request: FastifyRequest, deps: Deps): AuthContext {
  const auth = request.auth;
  if (!auth) throw new AppError(request.authRefusal ?? 'UNAUTHENTICATED');
  if (auth.via === 'cookie' && UNSAFE.has(request.method)) {
    const header = request.headers['x-csrf-token'];
    if (!deps.csrf.verify(auth.sessionId, typeof header === 'string' ? header : undefined)) throw new AppError('CSRF_FAILED');
  }
  return auth;
}

/** True when the session's password was checked within `reauthMs` (sign-in, sign-up or re-authentication). */
export function recentlyAuthenticated(auth: AuthContext, deps: Deps, now = Date.now()): boolean {
  return auth.authenticatedAt !== null && now - Date.parse(auth.authenticatedAt) < deps.config.reauthMs;
}

/**
 * For account-level actions (data export, account deletion): a cookie session of Agora's own origin, never a
 * bearer token (a publisher's page may hold one), with the CSRF token on writes; with `recent`, signed in with the
 * password within AGORA_REAUTH_MINUTES, else REAUTH_REQUIRED (POST /api/v1/auth/reauth, or the profile page's form).
 */
export function requireAccountSession(request: FastifyRequest, deps: Deps, opts: { recent: boolean }): AuthContext {
  const auth = requireUser(request, deps);
  if (auth.via !== 'cookie') throw new AppError('FIRST_PARTY_REQUIRED');
  if (opts.recent && !recentlyAuthenticated(auth, deps)) throw new AppError('REAUTH_REQUIRED');
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
