import { AppError } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import { newId, nowIso } from '../../storage/ids.js';
import { withTx } from '../../storage/tx.js';
import type { CommentsRepository } from '../../comments/repository.js';
import type { ChangeRunner } from '../../events/change.js';
import type { AuditLog } from '../audit.js';
import type { ModerationRepository, Standing } from '../repository.js';
import { assertSite, type Scope, type StaffRepository } from './access.js';
import { applyDecision } from './decisions.js';
import { commentUrl } from '../../comments/permalink.js';

export interface UserAdminDeps {
  db: Db;
  moderation: ModerationRepository;
  audit: AuditLog;
  comments: CommentsRepository;
  change: ChangeRunner;
  staff: Pick<StaffRepository, 'moderates'>;
}

/** A user as a moderator of a site sees them. */
export interface UserFile {
  user: { id: string; displayName: string; role: string; createdAt: string };
  standing: Standing;
  counts: { published: number; pending: number; rejected: number };
  notes: { id: string; body: string; authorName: string; createdAt: string }[];
  /** The author's latest comments on the site, any status except deleted: the moderator judges a pattern, not one text. */
  recent: { id: string; excerpt: string; status: string; createdAt: string; storyTitle: string; permalink: string }[];
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
  const [standing, statuses, notes, recent] = await Promise.all([
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
    deps.db
      .selectFrom('comments as c')
      .innerJoin('stories as s', 's.id', 'c.story_id')
      .select(['c.id', 'c.body', 'c.status', 'c.created_at', 's.title', 's.url'])
      .where('c.site_id', '=', siteId)
      .where('c.author_id', '=', userId)
      .where('c.status', '!=', 'deleted')
      .orderBy('c.created_at', 'desc')
      .limit(10)
      .execute(),
  ]);
  const count = (s: string) => Number(statuses.find((r) => r.status === s)?.n ?? 0);
  return {
    user: { id: u.id, displayName: u.display_name, role: u.role, createdAt: u.created_at },
    standing,
    counts: { published: count('published'), pending: count('pending'), rejected: count('rejected') },
    notes: notes.map((n) => ({ id: n.id, body: n.body, authorName: n.display_name, createdAt: n.created_at })),
    recent: recent.map((c) => ({ id: c.id, excerpt: c.body.length > 160 ? `${c.body.slice(0, 160)}…` : c.body, status: c.status, createdAt: c.created_at, storyTitle: c.title, permalink: commentUrl(c.url, c.id) })),
  };
}

/** What a moderator may change about a user on a site; `suspendHours: 0` lifts a suspension. */
export interface StandingChange {
  banned?: boolean | undefined;
  suspendHours?: number | undefined;
  premoderate?: boolean | undefined;
  /** With a ban: every published or held comment of the user on the site is rejected (withdrawn from view). */
  hideComments?: boolean | undefined;
}

const BANNED_REASON = {
  fr: 'Ce commentaire a été retiré : son auteur a été exclu de la discussion.',
  en: 'This comment was removed: its author was banned from the discussion.',
} as const;

/**
 * Bans, suspends for a time, or puts a user on pre-moderation on one site; audited with before and after. Only an
 * admin changes the standing of staff (admins, moderators, the site's own moderators).
 */
export async function changeStanding(deps: UserAdminDeps, scope: Scope, siteId: string, userId: string, change: StandingChange, now = Date.now()): Promise<{ standing: Standing; hidden: number }> {
  assertSite(scope, siteId);
  const u = await userRow(deps.db, userId);
  // Staff are managed through roles, by admins: a moderator must not silence a fellow moderator of the site (listed in
  // site_moderators with the role 'commenter') any more than a global moderator or an admin.
  if (!scope.isAdmin && (u.role !== 'commenter' || (await deps.staff.moderates(userId, siteId)))) throw new AppError('STAFF_STANDING_ADMIN_ONLY');
  const before = await deps.moderation.standing(siteId, userId);
  const after: Standing = {
    banned: change.banned ?? before.banned,
    premoderate: change.premoderate ?? before.premoderate,
    suspendedUntil: change.suspendHours === undefined ? before.suspendedUntil : change.suspendHours === 0 ? null : nowIso(now + change.suspendHours * 3_600_000),
  };
  if (change.hideComments && !after.banned) throw new AppError('VALIDATION_FAILED', '(hideComments goes with banned: true)');
  // The ban, its audit entry and every hidden comment (each with its own audit entry and event) are one change:
  // a ban that fails half-way hides nothing.
  const toHide = change.hideComments ? await deps.comments.byAuthor(siteId, userId, ['published', 'pending']) : [];
  const site = await deps.db.selectFrom('sites').select('lang').where('id', '=', siteId).executeTakeFirst();
  const lang = site?.lang === 'fr' ? 'fr' : 'en';
  await deps.change(async (ch) => {
    await deps.moderation.saveStanding(ch.tx, siteId, userId, after);
    await deps.audit.record(ch.tx, { siteId, actorId: scope.user.id, action: 'user.standing', targetType: 'user', targetId: userId, before, after: { ...after, ...(change.hideComments ? { hidden: toHide.length } : {}) } });
    for (const c of toHide) await applyDecision(deps, ch, c, { action: 'reject', reason: BANNED_REASON[lang], learn: false }, { actorId: scope.user.id, lang });
  });
  return { standing: after, hidden: toHide.length };
}

/** Adds a moderator's note about a user (seen by the site's moderators only). */
export async function addNote(deps: UserAdminDeps, scope: Scope, siteId: string, userId: string, body: string): Promise<{ id: string }> {
  assertSite(scope, siteId);
  await userRow(deps.db, userId);
  const text = body.trim();
  if (!text) throw new AppError('VALIDATION_FAILED', '(body: empty)');
  const id = newId();
  await withTx(deps.db, async (tx) => {
    await tx.insertInto('moderator_notes').values({ id, site_id: siteId, user_id: userId, author_id: scope.user.id, body: text.slice(0, 2000), created_at: nowIso() }).execute();
    await deps.audit.record(tx, { siteId, actorId: scope.user.id, action: 'user.note', targetType: 'user', targetId: userId, before: null, after: { note: text.slice(0, 2000) } });
  });
  return { id };
}
