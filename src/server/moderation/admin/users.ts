import { AppError } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import { newId, nowIso } from '../../storage/ids.js';
import type { AuditLog } from '../audit.js';
import type { ModerationRepository, Standing } from '../repository.js';
import { assertSite, type Scope } from './access.js';

export interface UserAdminDeps {
  db: Db;
  moderation: ModerationRepository;
  audit: AuditLog;
}

/** A user as a moderator of a site sees them. */
export interface UserFile {
  user: { id: string; displayName: string; role: string; createdAt: string };
  standing: Standing;
  counts: { published: number; pending: number; rejected: number };
  notes: { id: string; body: string; authorName: string; createdAt: string }[];
}

async function userRow(db: Db, userId: string) {
  const u = await db.selectFrom('users').select(['id', 'display_name', 'role', 'created_at']).where('id', '=', userId).executeTakeFirst();
  if (!u) throw new AppError('USER_NOT_FOUND');
  return u;
}

/** A user's standing on a site, their comment counts there and the moderators' notes about them. */
export async function userFile(deps: UserAdminDeps, scope: Scope, siteId: string, userId: string): Promise<UserFile> {
  assertSite(scope, siteId);
  const u = await userRow(deps.db, userId);
  const [standing, statuses, notes] = await Promise.all([
    deps.moderation.standing(siteId, userId),
    deps.db.selectFrom('comments').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('site_id', '=', siteId).where('author_id', '=', userId).groupBy('status').execute(),
    deps.db
      .selectFrom('moderator_notes as n')
      .innerJoin('users as a', 'a.id', 'n.author_id')
      .select(['n.id', 'n.body', 'a.display_name', 'n.created_at'])
      .where('n.site_id', '=', siteId)
      .where('n.user_id', '=', userId)
      .orderBy('n.created_at', 'desc')
      .limit(100)
      .execute(),
  ]);
  const count = (s: string) => Number(statuses.find((r) => r.status === s)?.n ?? 0);
  return {
    user: { id: u.id, displayName: u.display_name, role: u.role, createdAt: u.created_at },
    standing,
    counts: { published: count('published'), pending: count('pending'), rejected: count('rejected') },
    notes: notes.map((n) => ({ id: n.id, body: n.body, authorName: n.display_name, createdAt: n.created_at })),
  };
}

/** What a moderator may change about a user on a site; `suspendHours: 0` lifts a suspension. */
export interface StandingChange {
  banned?: boolean | undefined;
  suspendHours?: number | undefined;
  premoderate?: boolean | undefined;
}

/** Bans, suspends for a time, or puts a user on pre-moderation on one site; audited with before and after. */
export async function changeStanding(deps: UserAdminDeps, scope: Scope, siteId: string, userId: string, change: StandingChange, now = Date.now()): Promise<Standing> {
  assertSite(scope, siteId);
  const u = await userRow(deps.db, userId);
  // Staff are managed through roles; a moderator cannot lock out another moderator or an admin.
  if (u.role !== 'commenter' && !scope.isAdmin) throw new AppError('FORBIDDEN');
  const before = await deps.moderation.standing(siteId, userId);
  const after: Standing = {
    banned: change.banned ?? before.banned,
    premoderate: change.premoderate ?? before.premoderate,
    suspendedUntil: change.suspendHours === undefined ? before.suspendedUntil : change.suspendHours === 0 ? null : nowIso(now + change.suspendHours * 3_600_000),
  };
  await deps.moderation.saveStanding(siteId, userId, after);
  await deps.audit.record({ siteId, actorId: scope.user.id, action: 'user.standing', targetType: 'user', targetId: userId, before, after });
  return after;
}

/** Adds a moderator's note about a user (seen by the site's moderators only). */
export async function addNote(deps: UserAdminDeps, scope: Scope, siteId: string, userId: string, body: string): Promise<{ id: string }> {
  assertSite(scope, siteId);
  await userRow(deps.db, userId);
  const text = body.trim();
  if (!text) throw new AppError('VALIDATION_FAILED', '(body: empty)');
  const id = newId();
  await deps.db.insertInto('moderator_notes').values({ id, site_id: siteId, user_id: userId, author_id: scope.user.id, body: text.slice(0, 2000), created_at: nowIso() }).execute();
  await deps.audit.record({ siteId, actorId: scope.user.id, action: 'user.note', targetType: 'user', targetId: userId, before: null, after: { note: text.slice(0, 2000) } });
  return { id };
}
