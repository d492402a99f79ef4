import type { CommentRecord } from '../comments/model.js';
import { recordsByAuthor } from '../comments/repository.js';
import type { Change } from '../events/change.js';
import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import { userWrites } from '../users/writes.js';
import { isPostgres, type Tx } from '../storage/tx.js';
import { recount, recountReactions } from '../comments/counters.js';
import { removeAuthorLeaves, tombstoneAuthor } from '../comments/bulk.js';
import { loose } from '../portability/export/tables.js';

/** What a site does with the comments of a deleted account (sites.settings.privacy.onDelete). */
export type OnDelete = 'tombstone' | 'remove';

/** The site's choice, 'tombstone' unless it says 'remove'; a malformed setting never blocks a deletion. */
export function onDeleteOf(settingsJson: string): OnDelete {
  try {
    const s = JSON.parse(settingsJson) as { privacy?: { onDelete?: unknown } };
    return s?.privacy?.onDelete === 'remove' ? 'remove' : 'tombstone';
  } catch {
    return 'tombstone';
  }
}

/** The name a deleted account shows where its rows must stay (reports it filed, moderation history). */
export const DELETED_NAME = '[deleted]';

// Rows that are only about the account: they go with it (when the feature that owns the table is installed).
const PERSONAL: [table: string, column: string][] = [
  ['sessions', 'user_id'],
  ['user_identities', 'user_id'],
  ['sso_profiles', 'user_id'],
  ['guest_authors', 'user_id'],
  ['notification_settings', 'user_id'],
  ['notifications', 'user_id'],
  ['display_name_changes', 'user_id'],
  ['account_tokens', 'user_id'],
  // Whom the reader ignored, and others' ignoring of them: neither means anything once the account is gone.
  ['ignored_users', 'user_id'],
  ['ignored_users', 'ignored_id'],
];

// Rows that hold a comment's text or hang on a comment row: removed with its text, or with the comment.
const ON_COMMENT: [table: string, column: string][] = [
  ['comment_revisions', 'comment_id'],
  ['moderation_examples', 'comment_id'],
];

/** What an erasure did, for the audit log (counts only). */
export interface ErasureReport {
  mode: Record<string, OnDelete>;
  tombstoned: number;
  removed: number;
  reactionsRemoved: number;
}

/** The account's comments, each with what its site does on deletion, read in the erasure's transaction. */
async function ownComments(tx: Tx, userId: string): Promise<(CommentRecord & { onDelete: OnDelete })[]> {
  const records = await recordsByAuthor(tx, userId);
  const siteIds = [...new Set(records.map((c) => c.siteId))];
  const sites = siteIds.length ? await tx.selectFrom('sites').select(['id', 'settings']).where('id', 'in', siteIds).execute() : [];
  const mode = new Map(sites.map((s) => [s.id, onDeleteOf(s.settings)]));
  return records.map((c) => ({ ...c, authorName: DELETED_NAME, authorDisplay: {}, body: '', bodyHtml: '', onDelete: mode.get(c.siteId) ?? 'tombstone' }));
}

/**
 * Carries out the deletion of an account, as one change. Its comments lose their text and author and become
 * "[deleted]" tombstones, or are removed where the site configured 'remove' (a removed comment that other readers
 * replied to stays as a tombstone, so their replies are not lost). Its reactions, sessions, identities and
 * notifications go; the account row stays, anonymised (no email, no password, name "[deleted]"), because reports
 * and moderation history point to it. Counters of every story touched are recounted. Each comment readers could see
 * gets a comment.deleted event, so the public log, caches and webhook payloads take it back in the same
 * transaction; notifications others got about its replies lose its name.
 */
export async function eraseAccount(ch: Change, present: Map<string, Set<string>>, userId: string, now = Date.now()): Promise<ErasureReport> {
  const { tx } = ch;
  const at = nowIso(now);
  const ltx = loose(tx as unknown as Db);
  const report: ErasureReport = { mode: {}, tombstoned: 0, removed: 0, reactionsRemoved: 0 };
  const comments = await ownComments(tx, userId);
  for (const c of comments) report.mode[c.siteId] = c.onDelete;
  const ids = comments.map((c) => c.id);
  const reacted = (await tx.selectFrom('reactions').select('comment_id').where('user_id', '=', userId).execute()).map((r) => r.comment_id);

  const own = tx.selectFrom('comments').select('id').where('author_id', '=', userId);
  for (const [table, column] of ON_COMMENT) if (present.get(table)?.has(column)) await ltx.deleteFrom(table).where(column, 'in', own).execute();
  await tombstoneAuthor(tx, userId, at);
  await tx.deleteFrom('reactions').where('user_id', '=', userId).execute();
  report.reactionsRemoved = reacted.length;
  for (const [table, column] of PERSONAL) if (present.get(table)?.has(column)) await ltx.deleteFrom(table).where(column, '=', userId).execute();
  await userWrites.scrub(tx, userId, DELETED_NAME);
  await tx.deleteFrom('privacy_deletions').where('user_id', '=', userId).execute();
  for (let i = 0; i < ids.length; i += 400) await tx.updateTable('notifications').set({ actor_name: DELETED_NAME }).where('comment_id', 'in', ids.slice(i, i + 400)).execute();

  const removed = new Set<string>();
  for (const siteId of Object.keys(report.mode)) if (report.mode[siteId] === 'remove') for (const id of await removeAuthorLeaves(tx, userId, siteId, present)) removed.add(id);
  report.removed = removed.size;
  report.tombstoned = comments.length - removed.size;
  await recountReactions(tx, reacted);
  await recount(tx, comments.map((c) => c.storyId));
  await forgetReplyName(tx, ids);
  // Stored reply counts are what readers see now, after the recount.
  const counts = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 400) for (const r of await tx.selectFrom('comments').select(['id', 'reply_count']).where('id', 'in', ids.slice(i, i + 400)).execute()) counts.set(r.id, r.reply_count);
  for (const c of comments) {
    if (c.status === 'deleted') continue;
    const tomb: CommentRecord = { ...c, status: 'deleted', deletedAt: c.deletedAt ?? at, replyCount: counts.get(c.id) ?? 0 };
    ch.emit({ type: 'comment.deleted', siteId: c.siteId, storyId: c.storyId, comment: tomb, previousStatus: c.status });
  }
  return report;
}

/** Events of other readers' replies name the erased author in "in reply to": that name goes too, numbered or not. */
async function forgetReplyName(tx: Tx, erased: string[]): Promise<void> {
  const gone = new Set(erased);
  const rename = (payload: string): string | null => {
    const p = JSON.parse(payload) as { comment?: { inReplyTo?: { id: string; displayName: string } | null } };
    const to = p.comment?.inReplyTo;
    if (!to || !gone.has(to.id)) return null;
    to.displayName = DELETED_NAME;
    return JSON.stringify(p);
  };
  for (let i = 0; i < erased.length; i += 400) {
    const replyTo = erased.slice(i, i + 400);
    // Waiting rows first (locked, so the sequencer cannot take one meanwhile), then the numbered log, read after.
    const waiting = await tx
      .selectFrom('story_pending as e')
      .innerJoin('comments as c', 'c.id', 'e.comment_id')
      .select(['e.id', 'e.payload'])
      .where('c.in_reply_to_id', 'in', replyTo)
      .$if(isPostgres(tx), (q) => q.forUpdate('e'))
      .execute();
    for (const r of waiting) {
      const payload = r.payload === null ? null : rename(r.payload);
      if (payload) await tx.updateTable('story_pending').set({ payload }).where('id', '=', r.id).execute();
    }
    const rows = await tx
      .selectFrom('story_events as e')
      .innerJoin('comments as c', 'c.id', 'e.comment_id')
      .select(['e.story_id', 'e.seq', 'e.payload'])
      .where('c.in_reply_to_id', 'in', replyTo)
      .execute();
    for (const r of rows) {
      const payload = rename(r.payload);
      if (payload) await tx.updateTable('story_events').set({ payload }).where('story_id', '=', r.story_id).where('seq', '=', r.seq).execute();
    }
  }
}
