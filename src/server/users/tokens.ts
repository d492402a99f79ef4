import { createHash, createHmac } from 'node:crypto';
import type { Db } from '../storage/db.js';
import { newId, nowIso } from '../storage/ids.js';
import type { Queryable } from '../storage/tx.js';
import type { Lang } from '../../i18n/discussion.js';

/** What a link sent by email is for. */
export type TokenPurpose = 'reset' | 'verify';

/** How long a link works: a reset is short (whoever reads the mailbox later must not use it), a verification less so. */
export const TOKEN_TTL_MS: Record<TokenPurpose, number> = { reset: 30 * 60_000, verify: 48 * 3_600_000 };

/** A stored link, as the mail job and the use cases see it. */
export interface AccountToken {
  id: string;
  userId: string;
  purpose: TokenPurpose;
  email: string | null;
  lang: Lang;
  siteId: string | null;
  expiresAt: string;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The secret part of a link, derived from the row's id with the instance secret. The job that mails it (a row of
 * `jobs`, written in the same transaction) names the row only: neither the jobs table nor `account_tokens` (which
 * keeps a SHA-256 of it) holds a usable link.
 */
export function linkToken(secret: string, id: string): string {
  return createHmac('sha256', secret).update(`account-token:${id}`).digest('base64url');
}

type Row = { id: string; user_id: string; purpose: string; email: string | null; lang: string; site_id: string | null; expires_at: string };
const toToken = (r: Row): AccountToken => ({ id: r.id, userId: r.user_id, purpose: r.purpose === 'reset' ? 'reset' : 'verify', email: r.email, lang: r.lang === 'fr' ? 'fr' : 'en', siteId: r.site_id, expiresAt: r.expires_at });

/** Storage of single-use links: the one module that writes `account_tokens`. */
export function accountTokens(db: Db, secret: string) {
  return {
    /**
     * Records a link in `q` (the caller's transaction, with the job that mails it), ending the user's earlier links
     * of the same purpose: only the latest one works. Returns the row's id.
     */
    async issue(q: Queryable, t: { userId: string; purpose: TokenPurpose; email: string | null; lang: Lang; siteId: string | null }, now = Date.now()): Promise<string> {
      await q.deleteFrom('account_tokens').where('user_id', '=', t.userId).where('purpose', '=', t.purpose).execute();
      const id = newId();
      await q
        .insertInto('account_tokens')
        .values({ id, token_hash: digest(linkToken(secret, id)), user_id: t.userId, purpose: t.purpose, email: t.email, lang: t.lang, site_id: t.siteId, created_at: nowIso(now), expires_at: nowIso(now + TOKEN_TTL_MS[t.purpose]), used_at: null })
        .execute();
      return id;
    },
    /** A link still unused and unexpired, by its row id (the mail job). */
    async live(id: string, now = Date.now()): Promise<AccountToken | undefined> {
      const row = await db.selectFrom('account_tokens').selectAll().where('id', '=', id).where('used_at', 'is', null).where('expires_at', '>', nowIso(now)).executeTakeFirst();
      return row ? toToken(row) : undefined;
    },
    /** The link behind a token from a URL, still unused and unexpired, without using it (a page showing a form). */
    async peek(token: string, purpose: TokenPurpose, now = Date.now()): Promise<AccountToken | undefined> {
      const row = await db.selectFrom('account_tokens').selectAll().where('token_hash', '=', digest(token)).where('purpose', '=', purpose).where('used_at', 'is', null).where('expires_at', '>', nowIso(now)).executeTakeFirst();
      return row ? toToken(row) : undefined;
    },
    /**
     * Uses a link in `q`: one compare-and-set UPDATE, so of two requests racing with the same link exactly one gets
     * it. Undefined when unknown, used, expired or for another purpose.
     */
    async consume(q: Queryable, token: string, purpose: TokenPurpose, now = Date.now()): Promise<AccountToken | undefined> {
      const row = await q
        .updateTable('account_tokens')
        .set({ used_at: nowIso(now) })
        .where('token_hash', '=', digest(token))
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', nowIso(now))
        .returning(['id', 'user_id', 'purpose', 'email', 'lang', 'site_id', 'expires_at'])
        .executeTakeFirst();
      return row ? toToken(row) : undefined;
    },
    /** The address a user's unused verification link is for (the profile says where the link went). */
    async pendingEmail(userId: string, now = Date.now()): Promise<string | null> {
      const row = await db.selectFrom('account_tokens').select('email').where('user_id', '=', userId).where('purpose', '=', 'verify').where('used_at', 'is', null).where('expires_at', '>', nowIso(now)).executeTakeFirst();
      return row?.email ?? null;
    },
    /** Ends every link of a user for `purpose` (a password changed otherwise ends pending resets). */
    async revoke(q: Queryable, userId: string, purpose: TokenPurpose): Promise<void> {
      await q.deleteFrom('account_tokens').where('user_id', '=', userId).where('purpose', '=', purpose).execute();
    },
  };
}
export type AccountTokens = ReturnType<typeof accountTokens>;
