import type { CommentRecord } from '../comments/model.js';
import type { CommentsRepository } from '../comments/repository.js';

/** Most featured comments shown in a story's Featured tab. */
export const MAX_FEATURED = 20;

/** A story's featured comments (published only), newest first. */
export async function featuredComments(deps: { comments: CommentsRepository }, siteId: string, storyId: string): Promise<CommentRecord[]> {
  return deps.comments.featured(siteId, storyId, MAX_FEATURED);
}
