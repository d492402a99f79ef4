import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import { withTx } from '../storage/tx.js';
import { findOrCreateIdentity } from '../users/identities.js';
import { userWrites } from '../users/writes.js';

/** The identity provider name of single sign-on in user_identities. */
export const SSO_PROVIDER = 'sso';

/** The query for the user behind (site, sub), on the database or inside a transaction. */
const identity = (q: Db, siteId: string, subject: string) =>
  q.selectFrom('user_identities').select('user_id').where('site_id', '=', siteId).where('provider', '=', SSO_PROVIDER).where('subject', '=', subject);

/** Storage of single sign-on identities, profiles and revocations. Every call names the site. */
export function ssoRepository(db: Db) {
  return {
    /** The user behind (site, sub), if this reader signed in before. */
    async userFor(siteId: string, subject: string): Promise<string | undefined> {
      return (await identity(db, siteId, subject).executeTakeFirst())?.user_id;
    },

    /** The account of a (site, sub), made on its first sign-in (see users/identities.ts for races). */
    async createUser(siteId: string, subject: string, displayName: string): Promise<string> {
      return withTx(db, async (tx) => (await findOrCreateIdentity(tx, { siteId, provider: SSO_PROVIDER, subject, displayName })).userId);
    },

    async profile(userId: string): Promise<{ nameClaim: string; avatar: string | null; badges: string[]; role: string | null } | undefined> {
      const row = await db.selectFrom('sso_profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return row ? { nameClaim: row.name_claim, avatar: row.avatar, badges: JSON.parse(row.badges) as string[], role: row.role } : undefined;
    },

    async saveProfile(userId: string, siteId: string, p: { nameClaim: string; avatar: string | null; badges: string[]; role: string | null }): Promise<void> {
      const values = { name_claim: p.nameClaim, avatar: p.avatar, badges: JSON.stringify(p.badges), role: p.role, updated_at: nowIso() };
      await db
        .insertInto('sso_profiles')
        .values({ user_id: userId, site_id: siteId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
    },

    async setDisplayName(userId: string, name: string): Promise<void> {
      await userWrites.setDisplayName(db, userId, name);
    },

    /** Unix seconds at or before which tokens of (site, sub) are refused, if the publisher revoked any. */
    async revokedBefore(siteId: string, subject: string): Promise<number | undefined> {
      const row = await db.selectFrom('sso_revocations').select('revoked_before').where('site_id', '=', siteId).where('subject', '=', subject).executeTakeFirst();
      return row ? Number(row.revoked_before) : undefined;
    },

    /** Moves the revocation mark forward (never back: a replayed old revocation must not revive tokens). */
    async revoke(siteId: string, subject: string, before: number): Promise<void> {
      const at = nowIso();
      await db
        .insertInto('sso_revocations')
        .values({ site_id: siteId, subject, revoked_before: before, updated_at: at })
        .onConflict((oc) =>
          oc.columns(['site_id', 'subject']).doUpdateSet({ revoked_before: before, updated_at: at }).where('sso_revocations.revoked_before', '<', before),
        )
        .execute();
    },

    /** Ends every Agora session of a user (their publisher signed them out). */
    async endSessions(userId: string): Promise<void> {
      await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    },

    /** The site whose single sign-on created this account, if any. */
    async siteOfUser(userId: string): Promise<string | undefined> {
      const row = await db.selectFrom('user_identities').select('site_id').where('user_id', '=', userId).where('provider', '=', SSO_PROVIDER).executeTakeFirst();
      return row?.site_id;
    },
  };
}
export type SsoRepository = ReturnType<typeof ssoRepository>;
