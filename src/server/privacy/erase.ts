import { sql } from 'kysely';
import { MAX_DEPTH } from '../comments/model.js';
import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import { recomputeCounters } from '../portability/counters.js';
import { existingTables, loose } from '../portability/export/tables.js';

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

/**
 * Carries out the deletion of an account. Its comments lose their text and author and become "[deleted]"
 * tombstones, or are removed where the site configured 'remove' (a removed comment that other readers replied to
 * stays as a tombstone, so their replies are not lost). Its reactions, sessions and identities go; the account
 * row stays, anonymised (no email, no password, name "[deleted]"), because reports and moderation history point
 * to it. Counters of every story touched are recounted.
 */
export async function eraseAccount(db: Db, userId: string, now = Date.now()): Promise<ErasureReport> {
  const at = nowIso(now);
  const present = await existingTables(db);
  const report: ErasureReport = { mode: {}, tombstoned: 0, removed: 0, reactionsRemoved: 0 };
  const sites = await db.selectFrom('comments as c').innerJoin('sites as s', 's.id', 'c.site_id').select(['s.id', 's.settings']).distinct().where('c.author_id', '=', userId).execute();
  const stories = (await db.selectFrom('comments').select('story_id').distinct().where('author_id', '=', userId).execute()).map((r) => r.story_id);
  const reacted = (await db.selectFrom('reactions').select('comment_id').where('user_id', '=', userId).execute()).map((r) => r.comment_id);

  await db.transaction().execute(async (tx) => {
    const ltx = loose(tx as unknown as Db);
    const own = tx.selectFrom('comments').select('id').where('author_id', '=', userId);
    for (const [table, column] of ON_COMMENT) if (present.get(table)?.has(column)) await ltx.deleteFrom(table).where(column, 'in', own).execute();
    const res = await tx
      .updateTable('comments')
      .set({ status: 'deleted', body: '', body_html: '', deleted_at: sql<string>`coalesce(deleted_at, ${at})` })
      .where('author_id', '=', userId)
      .executeTakeFirst();
    report.tombstoned = Number(res.numUpdatedRows);
    await tx.deleteFrom('reactions').where('user_id', '=', userId).execute();
    report.reactionsRemoved = reacted.length;
    for (const [table, column] of PERSONAL) if (present.get(table)?.has(column)) await ltx.deleteFrom(table).where(column, '=', userId).execute();
    await tx.updateTable('users').set({ email: null, password_hash: null, display_name: DELETED_NAME, role: 'commenter' }).where('id', '=', userId).execute();
    await tx.deleteFrom('privacy_deletions').where('user_id', '=', userId).execute();
  });

  for (const site of sites) {
    const mode = onDeleteOf(site.settings);
    report.mode[site.id] = mode;
    if (mode === 'remove') report.removed += await removeLeaves(db, userId, site.id, present);
  }
  report.tombstoned -= report.removed;
  for (let at = 0; at < reacted.length; at += 400) {
    const chunk = reacted.slice(at, at + 400);
    await db
      .updateTable('comments')
      .set({ reaction_count: sql<number>`(select count(*) from reactions as r where r.comment_id = comments.id)` })
      .where('id', 'in', chunk)
      .execute();
  }
  await recomputeCounters(db, stories);
  return report;
}

/**
 * Removes the account's comments (on one site) that no reply hangs from, deepest first, so a chain of its own
 * replies goes entirely while any other reader's reply keeps its parent as a tombstone.
 */
async function removeLeaves(db: Db, userId: string, siteId: string, present: Map<string, Set<string>>): Promise<number> {
  let removed = 0;
  for (let round = 0; round <= MAX_DEPTH + 1; round++) {
    const leaves = (
      await db
        .selectFrom('comments as c')
        .select('c.id')
        .where('c.author_id', '=', userId)
        .where('c.site_id', '=', siteId)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('comments as r').select('r.id').whereRef('r.parent_id', '=', 'c.id'))))
        .execute()
    ).map((r) => r.id);
    if (leaves.length === 0) break;
    for (let at = 0; at < leaves.length; at += 400) {
      const chunk = leaves.slice(at, at + 400);
      try {
        await db.transaction().execute(async (tx) => {
          const ltx = loose(tx as unknown as Db);
          for (const table of ['reactions', 'reports', 'comment_revisions', 'moderation_examples']) if (present.get(table)?.has('comment_id')) await ltx.deleteFrom(table).where('comment_id', 'in', chunk).execute();
          const res = await tx.deleteFrom('comments').where('id', 'in', chunk).executeTakeFirst();
          removed += Number(res.numDeletedRows);
        });
      } catch {
        // Another feature's rows still point at these comments: they stay as tombstones (already without text or
        // author), which is what the 'tombstone' setting would have done.
        return removed;
      }
    }
  }
  return removed;
}
