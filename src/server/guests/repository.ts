import { createHash } from 'node:crypto';
import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import { withTx } from '../storage/tx.js';
import { findOrCreateIdentity } from '../users/identities.js';

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
      return withTx(db, async (tx) => {
        const { userId, created } = await findOrCreateIdentity(tx, { siteId, provider: PROVIDER, subject, displayName: name });
        if (created) await tx.insertInto('guest_authors').values({ user_id: userId, site_id: siteId, email, created_at: nowIso() }).execute();
        else await tx.updateTable('users').set({ display_name: name }).where('id', '=', userId).execute();
        return userId;
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
