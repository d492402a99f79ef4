import { AppError } from '../errors.js';
import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import type { User } from './repository.js';

/** Most readers one reader may ignore: the list travels with /api/v1/me on every page view, so it stays small. */
export const MAX_IGNORED = 500;

/** One ignored reader, as their ignorer's list shows them. */
export interface IgnoredUser {
  id: string;
  displayName: string;
  since: string;
}

/**
 * A reader's ignored readers (table ignored_users, migration 012). Their comments stay in the discussion and in
 * counts: only the ignorer's view folds them (the widget does, from the ids), so ignoring tells the other nothing.
 */
export function ignoredUsers(db: Db) {
  const list = async (userId: string): Promise<IgnoredUser[]> => {
    const rows = await db
      .selectFrom('ignored_users as i')
      .innerJoin('users as u', 'u.id', 'i.ignored_id')
      .select(['u.id', 'u.display_name', 'i.created_at'])
      .where('i.user_id', '=', userId)
      .orderBy('i.created_at', 'desc')
      .orderBy('u.id')
      .limit(MAX_IGNORED)
      .execute();
    return rows.map((r) => ({ id: r.id, displayName: r.display_name, since: r.created_at }));
  };
  return {
    list,

    /** The ids only, for the widget to fold comments by author (cheap to send with every /api/v1/me). */
    async ids(userId: string): Promise<string[]> {
      const rows = await db.selectFrom('ignored_users').select('ignored_id').where('user_id', '=', userId).orderBy('ignored_id').limit(MAX_IGNORED).execute();
      return rows.map((r) => r.ignored_id);
    },

    /** Ignores `otherId`; ignoring twice is harmless. */
    async ignore(user: User, otherId: string, now = Date.now()): Promise<void> {
      if (otherId === user.id) throw new AppError('CANNOT_IGNORE_SELF');
      const other = await db.selectFrom('users').select('id').where('id', '=', otherId).executeTakeFirst();
      if (!other) throw new AppError('USER_NOT_FOUND');
      const count = await db.selectFrom('ignored_users').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', user.id).executeTakeFirstOrThrow();
      // Checked before the insert, not under a lock: two concurrent requests may end one over the bound, harmlessly.
      if (Number(count.n) >= MAX_IGNORED) {
        const already = await db.selectFrom('ignored_users').select('user_id').where('user_id', '=', user.id).where('ignored_id', '=', otherId).executeTakeFirst();
        if (already) return;
        throw new AppError('TOO_MANY_IGNORED');
      }
      await db
        .insertInto('ignored_users')
        .values({ user_id: user.id, ignored_id: otherId, created_at: nowIso(now) })
        .onConflict((oc) => oc.columns(['user_id', 'ignored_id']).doNothing())
        .execute();
    },

    /** Stops ignoring `otherId`; a reader not ignored is no error. */
    async unignore(user: User, otherId: string): Promise<void> {
      await db.deleteFrom('ignored_users').where('user_id', '=', user.id).where('ignored_id', '=', otherId).execute();
    },
  };
}
export type IgnoredUsers = ReturnType<typeof ignoredUsers>;
