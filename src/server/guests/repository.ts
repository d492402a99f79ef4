import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import type { Tx } from '../storage/tx.js';
import { findOrCreateIdentity } from '../users/identities.js';
import { userWrites } from '../users/writes.js';

const PROVIDER = 'guest';

/** A guest token as we issue it: 32 random bytes, base64url. Anything else names no guest. */
export const GUEST_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh guest token: the only thing that brings a guest back to the same account. */
export const newGuestToken = (): string => randomBytes(32).toString('base64url');

/**
 * The identity subject of a token. Prefixed so it can never equal the subjects of the accounts made before tokens
 * (a SHA-256 of the email, in hex): those stay with their comments and can no longer be reached by anyone.
 */
const subjectOf = (token: string): string => `t:${createHash('sha256').update(token).digest('hex')}`;

/**
 * Guests' accounts and spent challenges. A guest account is found by the token its browser holds, never by the email
 * typed in the form: nobody proved that address, so it must not bind an account (anyone could type another guest's).
 */
export function guestsRepository(db: Db) {
  return {
    /** The account a guest token names on a site, if any. */
    async byToken(siteId: string, token: string): Promise<string | undefined> {
      if (!GUEST_TOKEN.test(token)) return undefined;
      const row = await db
        .selectFrom('user_identities')
        .select('user_id')
        .where('site_id', '=', siteId)
        .where('provider', '=', PROVIDER)
        .where('subject', '=', subjectOf(token))
        .executeTakeFirst();
      return row?.user_id;
    },

    /**
     * Makes or updates a guest's account in the caller's change, so the account and its comment commit together. A new
     * one takes `userId` (the comment already names it); an existing one takes the name and email its holder typed.
     * The email is kept in guest_authors for moderators only: the identity table never holds it.
     */
    async save(tx: Tx, g: { siteId: string; userId: string; token: string; name: string; email: string; isNew: boolean }): Promise<void> {
      if (g.isNew) {
        const { userId, created } = await findOrCreateIdentity(tx, { siteId: g.siteId, provider: PROVIDER, subject: subjectOf(g.token), displayName: g.name, newUserId: g.userId });
        // 256 random bits do not collide; if they ever did, the comment must not land on someone else's account.
        if (!created || userId !== g.userId) throw new Error('guest token collision');
        await tx.insertInto('guest_authors').values({ user_id: g.userId, site_id: g.siteId, email: g.email, created_at: nowIso() }).execute();
        return;
      }
      await userWrites.setDisplayName(tx, g.userId, g.name);
      await tx.updateTable('guest_authors').set({ email: g.email }).where('user_id', '=', g.userId).execute();
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
