import { AppError } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import { nowIso } from '../../storage/ids.js';
import { userWrites } from '../../users/writes.js';
import type { User } from '../../users/repository.js';
import { withTx, type Queryable } from '../../storage/tx.js';
import type { AuditLog } from '../audit.js';

/**
 * Who may moderate what. Admins and global moderators (users.role) moderate every site; a commenter listed in
 * site_moderators moderates those sites only. The table never widens a role: removing a row removes the right.
 */
export interface Scope {
  user: User;
  isAdmin: boolean;
  /** Sites this user moderates; null means every site. */
  siteIds: string[] | null;
}

/** Staff storage: roles and per-site moderators. */
export function staffRepository(db: Db) {
  return {
    async sitesModeratedBy(userId: string): Promise<string[]> {
      const rows = await db.selectFrom('site_moderators').select('site_id').where('user_id', '=', userId).orderBy('site_id').execute();
      return rows.map((r) => r.site_id);
    },
    /** Whether a user is listed as a moderator of one site. */
    async moderates(userId: string, siteId: string): Promise<boolean> {
      return (await db.selectFrom('site_moderators').select('user_id').where('site_id', '=', siteId).where('user_id', '=', userId).executeTakeFirst()) !== undefined;
    },
    async moderatorsOf(siteId: string): Promise<{ id: string; displayName: string; email: string | null }[]> {
      const rows = await db
        .selectFrom('site_moderators as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['u.id', 'u.display_name', 'u.email'])
        .where('m.site_id', '=', siteId)
        .orderBy('u.display_name')
        .execute();
      return rows.map((r) => ({ id: r.id, displayName: r.display_name, email: r.email }));
    },
    async addModerator(q: Queryable, siteId: string, userId: string): Promise<void> {
      await q
        .insertInto('site_moderators')
        .values({ site_id: siteId, user_id: userId, created_at: nowIso() })
        .onConflict((oc) => oc.columns(['site_id', 'user_id']).doNothing())
        .execute();
    },
    async removeModerator(q: Queryable, siteId: string, userId: string): Promise<void> {
      await q.deleteFrom('site_moderators').where('site_id', '=', siteId).where('user_id', '=', userId).execute();
    },
    async setRole(q: Queryable, userId: string, role: User['role']): Promise<void> {
      await userWrites.setRole(q, userId, role);
    },
    async adminExists(): Promise<boolean> {
      return (await db.selectFrom('users').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst()) !== undefined;
    },
    async findByEmail(email: string): Promise<{ id: string; role: string } | undefined> {
      return db.selectFrom('users').select(['id', 'role']).where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    },
  };
}
export type StaffRepository = ReturnType<typeof staffRepository>;

/** The moderation scope of a user; FORBIDDEN when they moderate nothing. */
export async function scopeOf(staff: StaffRepository, user: User): Promise<Scope> {
  if (user.role === 'admin') return { user, isAdmin: true, siteIds: null };
  if (user.role === 'moderator') return { user, isAdmin: false, siteIds: null };
  const siteIds = await staff.sitesModeratedBy(user.id);
  if (siteIds.length === 0) throw new AppError('FORBIDDEN');
  return { user, isAdmin: false, siteIds };
}

/**
 * The sites a commenter moderates (site_moderators), as a signed-in reader's own record shows them so the Discussion
 * knows to offer its moderation menu (docs/adr/0025). `siteId` (an embed token's site) narrows it: a publisher's page
 * learns nothing of other sites. Staff roles moderate every site and their role says so: empty for them.
 */
export async function moderatedSites(staff: StaffRepository, user: Pick<User, 'id' | 'role'>, siteId: string | null | undefined): Promise<string[]> {
  if (user.role !== 'commenter') return [];
  const ids = await staff.sitesModeratedBy(user.id);
  return siteId === undefined ? ids : ids.filter((id) => id === siteId);
}

/** Throws FORBIDDEN unless the scope covers `siteId`. */
export function assertSite(scope: Scope, siteId: string): void {
  if (scope.siteIds !== null && !scope.siteIds.includes(siteId)) throw new AppError('FORBIDDEN');
}

/** Throws FORBIDDEN unless the user is an admin. */
export function assertAdmin(scope: Scope): void {
  if (!scope.isAdmin) throw new AppError('FORBIDDEN');
}

/**
 * Makes an account (by email or id) a moderator of one site, or no longer one, with its audit entry in the same
 * transaction. Returns the account's id; USER_NOT_FOUND for an unknown email.
 */
export async function setSiteModerator(
  deps: { db: Db; staff: StaffRepository; audit: AuditLog },
  actorId: string | null,
  siteId: string,
  who: { email: string } | { userId: string },
  on: boolean,
): Promise<string> {
  // By id for readers who came through single sign-on (Agora has no email of theirs); the account must exist.
  const userId = 'userId' in who ? (await deps.db.selectFrom('users').select('id').where('id', '=', who.userId).executeTakeFirst())?.id : (await deps.staff.findByEmail(who.email))?.id;
  if (!userId) throw new AppError('USER_NOT_FOUND');
  await withTx(deps.db, async (tx) => {
    await (on ? deps.staff.addModerator(tx, siteId, userId) : deps.staff.removeModerator(tx, siteId, userId));
    await deps.audit.record(tx, { siteId, actorId, action: on ? 'moderator.add' : 'moderator.remove', targetType: 'moderator', targetId: userId, before: on ? null : { siteId }, after: on ? { siteId } : null });
  });
  return userId;
}
