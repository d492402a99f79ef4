import type { CommentNode, CommentRecord } from './model.js';

/**
 * Nests the replies of a page under their top-level comments. A reply whose parent is not visible to this reader
 * (held, or removed) hangs under its nearest visible ancestor, so nothing visible goes missing.
 */
export function buildThreads(
  roots: CommentRecord[],
  replies: CommentRecord[],
  extras: { reacted: Set<string>; replyToNames: Map<string, string> },
): CommentNode[] {
  const nodes = new Map<string, CommentNode>();
  const all = [...roots, ...replies];
  for (const c of all) {
    const name = c.inReplyToId ? extras.replyToNames.get(c.inReplyToId) : undefined;
    nodes.set(c.id, { ...c, reacted: extras.reacted.has(c.id), inReplyTo: c.inReplyToId && name ? { id: c.inReplyToId, displayName: name } : null, replies: [] });
  }
  for (const c of replies) {
    const node = nodes.get(c.id);
    const parent = (c.parentId && nodes.get(c.parentId)) || (c.rootId && nodes.get(c.rootId));
    if (node && parent && parent !== node) parent.replies.push(node);
  }
  return roots.map((r) => nodes.get(r.id)).filter((n): n is CommentNode => n !== undefined);
}
