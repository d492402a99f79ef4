import { createHash } from 'node:crypto';
import type { Db } from '../storage/db.js';
import { newId, nowIso } from '../storage/ids.js';

const PROVIDER = 'guest';

/** Guests' accounts (one per site and email, found by a hash of the email) and spent challenges. */
export function guestsRepository(db: Db) {
  return {
    /**
     * The account a guest comments under on a site, made on first use. Keyed by a hash of the email so the identity
     * table never holds the address; the address itself is kept in guest_authors, for moderators only.
     */
    async guestUser(siteId: string, email: string, name: string): Promise<string> {
      const subject = createHash('sha256').update(email).digest('hex');
      const found = await db.selectFrom('user_identities').select('user_id').where('site_id', '=', siteId).where('provider', '=', PROVIDER).where('subject', '=', subject).executeTakeFirst();
      if (found) {
        await db.updateTable('users').set({ display_name: name }).where('id', '=', found.user_id).execute();
        return found.user_id;
      }
      const id = newId();
      const at = nowIso();
      return db.transaction().execute(async (tx) => {
        await tx.insertInto('users').values({ id, email: null, display_name: name, password_hash: null, role: 'commenter', created_at: at }).execute();
        const res = await tx
          .insertInto('user_identities')
          .values({ site_id: siteId, provider: PROVIDER, subject, user_id: id, created_at: at })
          .onConflict((oc) => oc.columns(['site_id', 'provider', 'subject']).doNothing())
          .executeTakeFirst();
        if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) {
          await tx.deleteFrom('users').where('id', '=', id).execute();
          const row = await tx.selectFrom('user_identities').select('user_id').where('site_id', '=', siteId).where('provider', '=', PROVIDER).where('subject', '=', subject).executeTakeFirstOrThrow();
          return row.user_id;
        }
        await tx.insertInto('guest_authors').values({ user_id: id, site_id: siteId, email, created_at: at }).execute();
        return id;
      });
    },

    /** Records a challenge as used; false when it already was (a replay). Expired records are swept on the way. */
    async spend(challengeId: string, expiresAt: number, now = Date.now()): Promise<boolean> {
      await db.deleteFrom('pow_spent').where('expires_at', '<', nowIso(now)).execute();
      const res = await db
        .insertInto('pow_spent')
        .values({ challenge_id: challengeId, expires_at: nowIso(expiresAt) })
        .onConflict((oc) => oc.column('challenge_id').doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    /** Whether a user is a guest (comments without an account). */
    async isGuest(userId: string): Promise<boolean> {
      return (await db.selectFrom('guest_authors').select('user_id').where('user_id', '=', userId).executeTakeFirst()) !== undefined;
    },
  };
}
export type GuestsRepository = ReturnType<typeof guestsRepository>;
