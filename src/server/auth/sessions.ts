import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../storage/db.js';
import { queryShapes, slot } from '../storage/query-shapes.js';
import type { Database } from '../storage/schema.js';
import { SSO_PROVIDER } from '../sso/repository.js';
import { toUser, type User } from '../users/repository.js';
import { nowIso } from '../storage/ids.js';

const SESSION_DAYS = 30;

/** How a session reaches us: an HttpOnly cookie on first-party pages, or a bearer token (embed, API clients). */
export type SessionKind = 'cookie' | 'bearer';

/**
 * What a session may do. `full`: everything the account may (cookie sessions, and bearer tokens of API clients,
 * which no page ever holds). `embed`: a bearer token handed to a publisher's page, whose scripts can read it:
 * commenting on that page's site only (see scopes.ts), never account-level actions.
 */
export type SessionScope = 'full' | 'embed';

/** How a session was opened. */
export interface SessionOptions {
  scope?: SessionScope;
  /** The site an `embed` session is for (null: a page of no site, which then reaches no site's stories). */
  siteId?: string | null;
  /** True when the password was checked to open it (sign-in, sign-up): counts as a recent sign-in. */
  authenticated?: boolean;
}

/** A resolved session. */
export interface SessionInfo {
  id: string;
  kind: SessionKind;
  scope: SessionScope;
  siteId: string | null;
  /** When the password was last checked in this session; null when never (single sign-on, token exchange). */
  authenticatedAt: string | null;
}

type SessionRow = { id: string; kind: string; scope: string; site_id: string | null; authenticated_at: string | null };
const toInfo = (r: SessionRow): SessionInfo => ({
  id: r.id,
  kind: r.kind === 'cookie' ? 'cookie' : 'bearer',
  // Anything but an explicit `full` is the narrower scope.
  scope: r.scope === 'full' ? 'full' : 'embed',
  siteId: r.site_id,
  authenticatedAt: r.authenticated_at,
});

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Server-side sessions: the token is random, only its hash is stored, logout deletes the row. */
export function sessionStore(db: Db) {
  const shaped = queryShapes(db);
  return {
    /** Opens a session; a cookie session is always `full`, whatever `opts` says. */
    async create(userId: string, kind: SessionKind, opts: SessionOptions = {}, now = Date.now()): Promise<{ token: string; id: string }> {
      const token = randomBytes(32).toString('base64url');
      const id = digest(token);
      const scope = kind === 'cookie' ? 'full' : (opts.scope ?? 'full');
      await db
        .insertInto('sessions')
        .values({
          id,
          user_id: userId,
          kind,
          scope,
          site_id: scope === 'embed' ? (opts.siteId ?? null) : null,
          authenticated_at: opts.authenticated ? nowIso(now) : null,
          created_at: nowIso(now),
          expires_at: nowIso(now + SESSION_DAYS * 86_400_000),
        })
        .execute();
      return { token, id };
    },
    /** The user id behind a token, or undefined when unknown or expired. */
    async resolve(token: string, now = Date.now()): Promise<(SessionInfo & { userId: string }) | undefined> {
      const row = await db.selectFrom('sessions').selectAll().where('id', '=', digest(token)).executeTakeFirst();
      if (!row || row.expires_at <= nowIso(now)) return undefined;
      return { ...toInfo(row), userId: row.user_id };
    },
    /** Records that the password was just checked again in this session (re-authentication). */
    async markAuthenticated(sessionId: string, now = Date.now()): Promise<void> {
      await db.updateTable('sessions').set({ authenticated_at: nowIso(now) }).where('id', '=', sessionId).execute();
    },
    /**
     * The session behind a token and its account, in one query (asked on every signed-in request), with what single
     * sign-on says of the account: a post needs both, and on PostgreSQL each query is a round trip.
     */
    async resolveWithUser(token: string, now = Date.now()): Promise<(SessionInfo & { user: User }) | undefined> {
      // Built once (storage/query-shapes.ts): building this join took Kysely longer than SQLite takes to run it.
      const [row] = await shaped(
        'session-user',
        () =>
          db
            .selectFrom('sessions as s')
            .innerJoin('users as u', 'u.id', 's.user_id')
            .leftJoin('user_identities as i', (j) => j.onRef('i.user_id', '=', 'u.id').on('i.provider', '=', SSO_PROVIDER))
            .leftJoin('sso_profiles as p', 'p.user_id', 'u.id')
            .select(['s.id', 's.kind', 's.scope', 's.site_id', 's.authenticated_at', 's.expires_at', 'u.id as user_id', 'u.email', 'u.display_name', 'u.role', 'u.created_at', 'i.site_id as home_site_id', 'p.site_id as profile_site_id', 'p.avatar', 'p.badges', 'p.role as profile_role'])
            .where('s.id', '=', slot<string>(0)),
        [digest(token)],
      );
      if (!row || row.expires_at <= nowIso(now)) return undefined;
      const user = toUser({ id: row.user_id, email: row.email, display_name: row.display_name, role: row.role, created_at: row.created_at });
      const profile = row.profile_site_id ? { siteId: row.profile_site_id, avatar: row.avatar, badges: row.badges ?? '[]', role: row.profile_role } : null;
      return { ...toInfo(row), user: { ...user, sso: { homeSiteId: row.home_site_id, profile } } };
    },
    async destroy(sessionId: string): Promise<void> {
      await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
    },
    /** Ends every session of a user but `keepId` (a password reset keeps none), in `q` when given (the change's transaction). */
    async revokeAll(userId: string, keepId: string | null, q: Kysely<Database> = db): Promise<void> {
      let del = q.deleteFrom('sessions').where('user_id', '=', userId);
      if (keepId) del = del.where('id', '!=', keepId);
      await del.execute();
    },
  };
}
export type SessionStore = ReturnType<typeof sessionStore>;

/**
 * CSRF token bound to a cookie session: an HMAC of the session id, so nothing extra is stored and a token stolen
 * from one session is useless for another. Only cookie-authenticated writes need it: bearer tokens are not ambient.
 */
export function csrfTokens(secret: string) {
  const sign = (sessionId: string) => createHmac('sha256', secret).update(`csrf:${sessionId}`).digest('base64url');
  return {
    issue: sign,
    verify(sessionId: string, token: string | undefined): boolean {
      if (!token) return false;
      const a = Buffer.from(sign(sessionId));
      const b = Buffer.from(token);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}
export type CsrfTokens = ReturnType<typeof csrfTokens>;
