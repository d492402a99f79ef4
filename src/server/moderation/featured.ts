import type { CommentRecord } from '../comments/model.js';
import type { CommentsRepository } from '../comments/repository.js';
import type { Db } from '../storage/db.js';

/** Most featured comments shown in a story's Featured tab. */
export const MAX_FEATURED = 20;

/** A story's featured comments (published only), newest first. */
export async function featuredComments(deps: { db: Db; comments: CommentsRepository }, siteId: string, storyId: string): Promise<CommentRecord[]> {
  const rows = await deps.db
    .selectFrom('comments')
    .select('id')
    .where('site_id', '=', siteId)
    .where('story_id', '=', storyId)
    .where('status', '=', 'published')
    .where('featured', '=', 1)
    .orderBy('created_at', 'desc')
    .limit(MAX_FEATURED)
    .execute();
  const found = await Promise.all(rows.map((r) => deps.comments.get(siteId, r.id)));
  return found.filter((c): c is CommentRecord => c !== undefined && c.status === 'published');
}
