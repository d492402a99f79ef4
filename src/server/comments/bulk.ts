import { sql, type Insertable } from 'kysely';
import type { Db } from '../storage/db.js';
import type { CommentsTable } from '../storage/schema.js';
import type { Tx } from '../storage/tx.js';
import { loose } from '../portability/export/tables.js';
import { MAX_DEPTH } from './model.js';

/**
 * Writes to `comments` many rows at a time, for imports and erasures: the comments module owns the table, so these
 * live here beside the one-at-a-time writes of repository.ts. Every function runs in the caller's change.
 */

const ROWS_PER_INSERT = 1000;

/** Inserts comment rows, skipping those already stored (same id or same external id); returns how many were new. */
export async function insertComments(tx: Tx, rows: Insertable<CommentsTable>[]): Promise<number> {
  let inserted = 0;
  // 15 columns a row: 1,000 rows stay below SQLite's (32,766) and PostgreSQL's (65,535) bound-parameter limits.
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
    const res = await tx
      .insertInto('comments')
      .values(rows.slice(at, at + ROWS_PER_INSERT))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    inserted += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/** Links replies written before their parent (the parent came later in the file) once the parent exists. */
export async function linkLateParents(tx: Tx, links: { id: string; parentId: string }[]): Promise<void> {
  for (const l of links) await tx.updateTable('comments').set({ parent_id: l.parentId }).where('id', '=', l.id).where('parent_id', 'is', null).execute();
}

/** Turns every comment of an author into a tombstone: no text, no author shown (an erasure). */
export async function tombstoneAuthor(tx: Tx, userId: string, at: string): Promise<void> {
  await tx
    .updateTable('comments')
    .set({ status: 'deleted', body: '', body_html: '', deleted_at: sql<string>`coalesce(deleted_at, ${at})` })
    .where('author_id', '=', userId)
    .execute();
}

/**
 * Removes the account's comments (on one site) that no reply hangs from, deepest first, so a chain of its own
 * replies goes entirely while any other reader's reply keeps its parent as a tombstone. Returns the removed ids.
 */
export async function removeAuthorLeaves(tx: Tx, userId: string, siteId: string, present: Map<string, Set<string>>): Promise<string[]> {
  const ltx = loose(tx as unknown as Db);
  const removed: string[] = [];
  for (let round = 0; round <= MAX_DEPTH + 1; round++) {
    const leaves = (
      await tx
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
      for (const table of ['reactions', 'reports', 'comment_revisions', 'moderation_examples']) if (present.get(table)?.has('comment_id')) await ltx.deleteFrom(table).where('comment_id', 'in', chunk).execute();
      await tx.deleteFrom('comments').where('id', 'in', chunk).execute();
      removed.push(...chunk);
    }
  }
  return removed;
}
