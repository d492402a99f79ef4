import { sql } from 'kysely';
import type { Queryable } from '../storage/tx.js';
import { MAX_DEPTH } from './model.js';

const CHUNK = 200;

/**
 * Recomputes the counters of whole stories after bulk writes (imports, restores, erasures), with the meaning
 * repository.ts keeps one write at a time: a comment's reply_count counts its direct replies that readers see
 * (published, or tombstones still holding replies), and a story's comment_count its published comments. A stored
 * parent is always shallower than its replies, so one pass from the deepest level up is exact. Runs in `q`: the
 * caller's transaction, so the counts commit with the rows they count.
 */
export async function recount(q: Queryable, storyIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(storyIds)];
  for (let at = 0; at < ids.length; at += CHUNK) {
    const chunk = ids.slice(at, at + CHUNK);
    for (let depth = MAX_DEPTH; depth >= 0; depth--) {
      await q
        .updateTable('comments')
        .set({
          reply_count: sql<number>`(select count(*) from comments as ch where ch.story_id = comments.story_id and ch.parent_id = comments.id and (ch.status = 'published' or (ch.status = 'deleted' and ch.reply_count > 0)))`,
        })
        .where('story_id', 'in', chunk)
        .where('depth', '=', depth)
        .execute();
    }
    await q
      .updateTable('stories')
      .set({ comment_count: sql<number>`(select count(*) from comments as c where c.story_id = stories.id and c.status = 'published')` })
      .where('id', 'in', chunk)
      .execute();
    await forgetPendingCounts(q, chunk);
  }
}

/** An absolute count already includes what the deltas still waiting for the sequencer would add (migration 009). */
async function forgetPendingCounts(q: Queryable, storyIds: readonly string[]): Promise<void> {
  if (storyIds.length === 0) return;
  await q.updateTable('story_pending').set({ count_delta: 0 }).where('story_id', 'in', storyIds).where('count_delta', '!=', 0).execute();
}

/**
 * A story's published-comment count as readers see it: the stored count plus the deltas the sequencer has not folded
 * in yet (see migration 009), so a count is never behind the comments. `story` is the SQL name of the story's id.
 */
export function storyCount(alias: string) {
  return sql<number>`(${sql.ref(`${alias}.comment_count`)} + coalesce((select sum(p.count_delta) from story_pending as p where p.story_id = ${sql.ref(`${alias}.id`)}), 0))`;
}

/** Sets the published-comment count of stories whose comments were all written by one bulk operation. */
export async function setStoryCounts(q: Queryable, counts: [storyId: string, published: number][]): Promise<void> {
  for (const [id, n] of counts) await q.updateTable('stories').set({ comment_count: n }).where('id', '=', id).execute();
  await forgetPendingCounts(q, counts.map(([id]) => id));
}

/** Recounts the reactions of these comments from the reactions table (after an account's reactions went). */
export async function recountReactions(q: Queryable, commentIds: readonly string[]): Promise<void> {
  for (let at = 0; at < commentIds.length; at += 400) {
    await q
      .updateTable('comments')
      .set({ reaction_count: sql<number>`(select count(*) from reactions as r where r.comment_id = comments.id)` })
      .where('id', 'in', commentIds.slice(at, at + 400))
      .execute();
  }
}
