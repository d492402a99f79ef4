import { AppError } from '../errors.js';
import type { Story } from '../stories/repository.js';
import type { CommentNode, CommentRecord } from './model.js';
import type { CommentDeps } from './use-cases.js';
import { buildThreads } from './tree.js';

/** Replies loaded with one thread at most, as for a page of threads (bounded memory per read). */
const MAX_REPLIES_PER_THREAD = 2000;

/** One comment in its thread: what a permalink needs to show it in place, even when it is not on the first page. */
export interface CommentContext {
  story: Story;
  /** The comment's visible ancestors, the top-level comment first, each without its replies. */
  ancestors: CommentNode[];
  /** The comment, with its visible replies nested. */
  comment: CommentNode;
  /** The whole thread: the top-level comment with every visible reply nested, as one item of a page of comments. */
  thread: CommentNode;
}

/** What a reader sees in a list: published comments and tombstones that hold replies, and their own held ones. */
function visibleTo(c: CommentRecord, viewerId: string | null): boolean {
  if (c.status === 'published') return true;
  if (c.status === 'deleted') return c.replyCount > 0;
  return viewerId !== null && c.authorId === viewerId;
}

/**
 * A comment with its thread, for a permalink. A comment the reader could not see in the discussion (held, rejected,
 * deleted, or in a thread whose top-level comment is hidden) is COMMENT_NOT_FOUND, exactly like an unknown id, so a
 * permalink never tells that a removed comment exists. Its own author still finds their held comment, as in a list.
 */
export async function commentContext(deps: Pick<CommentDeps, 'comments' | 'stories'>, q: { commentId: string; viewerId: string | null }): Promise<CommentContext> {
  const siteId = await deps.comments.siteOf(q.commentId);
  const c = siteId ? await deps.comments.get(siteId, q.commentId) : undefined;
  // A tombstone is no destination, even one that still holds replies.
  if (!c || c.status === 'deleted' || !visibleTo(c, q.viewerId)) throw new AppError('COMMENT_NOT_FOUND');
  const root = c.rootId ? await deps.comments.get(c.siteId, c.rootId) : c;
  const story = await deps.stories.get(c.storyId);
  if (!root || !visibleTo(root, q.viewerId) || !story || story.siteId !== c.siteId) throw new AppError('COMMENT_NOT_FOUND');
  const replies = await deps.comments.threads(c.siteId, [root.id], q.viewerId, MAX_REPLIES_PER_THREAD);
  const all = [root, ...replies];
  const replyToIds = [...new Set(all.map((x) => x.inReplyToId).filter((id): id is string => id !== null))];
  const [reacted, replyToNames] = await Promise.all([deps.comments.reactedBy(q.viewerId, all.map((x) => x.id)), deps.comments.authorNames(c.siteId, replyToIds)]);
  const [thread] = buildThreads([root], replies, { reacted, replyToNames });
  if (!thread) throw new AppError('COMMENT_NOT_FOUND');
  const nodes = new Map<string, CommentNode>();
  const walk = (n: CommentNode) => (nodes.set(n.id, n), n.replies.forEach(walk));
  walk(thread);
  // Beyond the bound of one thread's replies the comment is not in the tree: shown alone, under its top-level comment.
  const comment = nodes.get(c.id) ?? { ...c, reacted: reacted.has(c.id), inReplyTo: null, replies: [] };
  const ancestors: CommentNode[] = [];
  const byId = new Map(all.map((x) => [x.id, x]));
  // At most MAX_DEPTH steps; a hidden ancestor is not among the visible replies and is read on its own.
  for (let id = c.parentId; id !== null; ) {
    const a = byId.get(id) ?? (await deps.comments.get(c.siteId, id));
    if (!a) break;
    const node = nodes.get(a.id);
    // A hidden ancestor is skipped, as the thread skips it (its replies hang under the nearest visible one).
    if (node) ancestors.unshift({ ...node, replies: [] });
    id = a.parentId;
  }
  return { story, ancestors, comment, thread };
}
