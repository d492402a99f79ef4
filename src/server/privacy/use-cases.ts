import type { CommentRecord } from '../comments/model.js';
import type { CommentsRepository } from '../comments/repository.js';
import type { EventBus } from '../events/bus.js';
import { AppError } from '../errors.js';
import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import { audit, type Actor } from './audit.js';
import { eraseAccount, type ErasureReport } from './erase.js';
import { collectPersonalData, type PersonalData } from './personal-data.js';

export interface PrivacyDeps {
  db: Db;
  /** How long a requested deletion waits, during which the reader may cancel it. */
  graceMs: number;
  /** In the server: tell live readers and webhooks that the account's comments were deleted. The command line,
   *  another process, has no subscribers to tell; open pages then catch up on their next load. */
  events?: EventBus;
  comments?: CommentsRepository;
  now?: () => number;
}

/** A deletion waiting for its due time. */
export interface PendingDeletion {
  requestedAt: string;
  dueAt: string;
}

const now = (deps: PrivacyDeps) => deps.now?.() ?? Date.now();

async function mustExist(deps: PrivacyDeps, userId: string): Promise<void> {
  const u = await deps.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!u) throw new AppError('USER_NOT_FOUND');
}

/** The pending deletion of an account, or null. */
export async function pendingDeletion(deps: PrivacyDeps, userId: string): Promise<PendingDeletion | null> {
  const row = await deps.db.selectFrom('privacy_deletions').select(['requested_at', 'due_at']).where('user_id', '=', userId).executeTakeFirst();
  return row ? { requestedAt: row.requested_at, dueAt: row.due_at } : null;
}

/** All of a reader's data, for them to download; each export is audited. */
export async function exportPersonalData(deps: PrivacyDeps, userId: string, actor: Actor): Promise<PersonalData> {
  const data = await collectPersonalData(deps.db, userId, now(deps));
  if (!data) throw new AppError('USER_NOT_FOUND');
  await audit(deps.db, { actor, subjectUserId: userId, action: 'data.exported', details: { comments: data.comments.length }, now: now(deps) });
  return data;
}

/**
 * Schedules the deletion of an account after the grace period; asking again keeps the first date (so a reader
 * cannot be made to wait longer by a repeated click). Returns the pending deletion.
 */
export async function requestDeletion(deps: PrivacyDeps, userId: string, actor: Actor): Promise<PendingDeletion> {
  await mustExist(deps, userId);
  const t = now(deps);
  const res = await deps.db
    .insertInto('privacy_deletions')
    .values({ user_id: userId, requested_at: nowIso(t), due_at: nowIso(t + deps.graceMs), requested_by: actor.id })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .executeTakeFirst();
  const pending = (await pendingDeletion(deps, userId)) as PendingDeletion;
  if (Number(res.numInsertedOrUpdatedRows ?? 0) > 0) {
    await audit(deps.db, { actor, subjectUserId: userId, action: 'deletion.requested', details: { dueAt: pending.dueAt }, now: t });
  }
  return pending;
}

/** Cancels a pending deletion; harmless when there is none. */
export async function cancelDeletion(deps: PrivacyDeps, userId: string, actor: Actor): Promise<void> {
  await mustExist(deps, userId);
  const res = await deps.db.deleteFrom('privacy_deletions').where('user_id', '=', userId).executeTakeFirst();
  if (Number(res.numDeletedRows) > 0) await audit(deps.db, { actor, subjectUserId: userId, action: 'deletion.cancelled', now: now(deps) });
}

/** Deletes an account now (an admin acting on a reader's request, or the sweep at the due time). */
export async function deleteAccountNow(deps: PrivacyDeps, userId: string, actor: Actor): Promise<ErasureReport> {
  await mustExist(deps, userId);
  const visible = await visibleComments(deps, userId);
  const report = await eraseAccount(deps.db, userId, now(deps));
  await announce(deps, visible);
  await audit(deps.db, { actor, subjectUserId: userId, action: 'deletion.completed', details: { ...report }, now: now(deps) });
  return report;
}

/** The account's comments that readers can see now (published), as records, to announce their deletion. */
async function visibleComments(deps: PrivacyDeps, userId: string): Promise<CommentRecord[]> {
  const repo = deps.comments;
  if (!deps.events || !repo) return [];
  const rows = await deps.db.selectFrom('comments').select(['id', 'site_id']).where('author_id', '=', userId).where('status', '=', 'published').execute();
  const records: CommentRecord[] = [];
  for (const r of rows) {
    const rec = await repo.get(r.site_id, r.id);
    if (rec) records.push(rec);
  }
  return records;
}

/** Publishes comment.deleted for each: the tombstone as stored, or (removed rows) the record emptied the same way. */
async function announce(deps: PrivacyDeps, before: CommentRecord[]): Promise<void> {
  const repo = deps.comments;
  if (!deps.events || !repo) return;
  const at = nowIso(now(deps));
  for (const c of before) {
    const tomb = (await repo.get(c.siteId, c.id)) ?? { ...c, status: 'deleted' as const, body: '', bodyHtml: '', deletedAt: at, replyCount: 0 };
    await deps.events.publish({ type: 'comment.deleted', siteId: c.siteId, storyId: c.storyId, comment: tomb });
  }
}

/**
 * Carries out every deletion whose grace period is over. Several nodes may sweep at once: each account is erased
 * by whichever gets it first, and erasing twice changes nothing. Returns the accounts deleted.
 */
export async function sweepDueDeletions(deps: PrivacyDeps, limit = 100): Promise<string[]> {
  const due = await deps.db.selectFrom('privacy_deletions').select('user_id').where('due_at', '<=', nowIso(now(deps))).orderBy('due_at').limit(limit).execute();
  const done: string[] = [];
  for (const { user_id } of due) {
    // Re-check: the reader may have cancelled since the list was read.
    const still = await deps.db.selectFrom('privacy_deletions').select('user_id').where('user_id', '=', user_id).where('due_at', '<=', nowIso(now(deps))).executeTakeFirst();
    if (!still) continue;
    await deleteAccountNow(deps, user_id, { kind: 'system', id: null });
    done.push(user_id);
  }
  return done;
}
