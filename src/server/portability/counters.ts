import { sql } from 'kysely';
import { MAX_DEPTH } from '../comments/model.js';
import type { Db } from '../storage/db.js';

const CHUNK = 200;

/**
 * Recomputes the counters of whole stories after bulk writes (imports, restores of deletions), with the same
 * meaning the comment use cases maintain one write at a time: a comment's reply_count counts its direct replies
 * that readers see (published, or tombstones still holding replies), and a story's comment_count its published
 * comments. A stored parent is always shallower than its replies, so one pass from the deepest level up is exact.
 */
export async function recomputeCounters(db: Db, storyIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(storyIds)];
  for (let at = 0; at < ids.length; at += CHUNK) {
    const chunk = ids.slice(at, at + CHUNK);
    await db.transaction().execute(async (tx) => {
      for (let depth = MAX_DEPTH; depth >= 0; depth--) {
        await tx
          .updateTable('comments')
          .set({
            reply_count: sql<number>`(select count(*) from comments as ch where ch.story_id = comments.story_id and ch.parent_id = comments.id and (ch.status = 'published' or (ch.status = 'deleted' and ch.reply_count > 0)))`,
          })
          .where('story_id', 'in', chunk)
          .where('depth', '=', depth)
          .execute();
      }
      await tx
        .updateTable('stories')
        .set({ comment_count: sql<number>`(select count(*) from comments as c where c.story_id = stories.id and c.status = 'published')` })
        .where('id', 'in', chunk)
        .execute();
    });
  }
}

/** Sets the published-comment count of stories whose comments were all written by one bulk operation. */
export async function setStoryCounts(db: Db, counts: [storyId: string, published: number][]): Promise<void> {
  for (let at = 0; at < counts.length; at += CHUNK) {
    const chunk = counts.slice(at, at + CHUNK);
    await db.transaction().execute(async (tx) => {
      for (const [id, n] of chunk) await tx.updateTable('stories').set({ comment_count: n }).where('id', '=', id).execute();
    });
  }
}
