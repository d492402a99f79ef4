import type { ChangeRunner } from '../events/change.js';
import { existingTables } from '../portability/export/tables.js';
import { AppError } from '../errors.js';
import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import { withTx } from '../storage/tx.js';
import { audit, type Actor } from './audit.js';
import { eraseAccount, type ErasureReport } from './erase.js';
import { collectPersonalData, type PersonalData } from './personal-data.js';

export interface PrivacyDeps {
  db: Db;
  /** How long a requested deletion waits, during which the reader may cancel it. */
  graceMs: number;
  /** Runs an erasure as one change (rows, audit entry, events), in the server as on the command line. */
  change: ChangeRunner;
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
  const dueAt = nowIso(t + deps.graceMs);
  await withTx(deps.db, async (tx) => {
    const res = await tx
      .insertInto('privacy_deletions')
      .values({ user_id: userId, requested_at: nowIso(t), due_at: dueAt, requested_by: actor.id })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0) > 0) await audit(tx, { actor, subjectUserId: userId, action: 'deletion.requested', details: { dueAt }, now: t });
  });
  return (await pendingDeletion(deps, userId)) as PendingDeletion;
}

/** Cancels a pending deletion; harmless when there is none. */
export async function cancelDeletion(deps: PrivacyDeps, userId: string, actor: Actor): Promise<void> {
  await mustExist(deps, userId);
  await withTx(deps.db, async (tx) => {
    const res = await tx.deleteFrom('privacy_deletions').where('user_id', '=', userId).executeTakeFirst();
    if (Number(res.numDeletedRows) > 0) await audit(tx, { actor, subjectUserId: userId, action: 'deletion.cancelled', now: now(deps) });
  });
}

/**
 * Deletes an account now (an admin acting on a reader's request, the command line, or the sweep at the due time):
 * the erasure, its audit entry and the events that take its comments back from readers, caches and webhook
 * payloads commit together.
 */
export async function deleteAccountNow(deps: PrivacyDeps, userId: string, actor: Actor): Promise<ErasureReport> {
  await mustExist(deps, userId);
  const present = await existingTables(deps.db);
  const t = now(deps);
  return deps.change(async (ch) => {
    const report = await eraseAccount(ch, present, userId, t);
    await audit(ch.tx, { actor, subjectUserId: userId, action: 'deletion.completed', details: { ...report }, now: t });
    return report;
  });
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
