import type { Comment } from './types.js';

/** True when comment `id` is in `list`, at any depth. */
export function has(list: Comment[], id: string): boolean {
  return list.some((c) => c.id === id || has(c.replies, id));
}

/** Returns `list` with comment `id` (at any depth) replaced by `fn(comment)`. */
export function updateComment(list: Comment[], id: string, fn: (c: Comment) => Comment): Comment[] {
  return list.map((c) =>
    c.id === id ? fn(c) : c.replies.length ? { ...c, replies: updateComment(c.replies, id, fn) } : c,
  );
}

/**
 * Adds a just-posted comment where the reader expects it: under its parent (replies are oldest first),
 * else at the top or, when `atEnd`, at the bottom of the list. A reply whose parent is not loaded
 * (e.g. the list was re-sorted meanwhile) is left out rather than shown as if it were top-level.
 */
export function insertComment(list: Comment[], c: Comment, atEnd: boolean): Comment[] {
  // The same comment can come twice (the POST's answer and its live event): the second replaces the first.
  if (has(list, c.id)) return updateComment(list, c.id, (old) => ({ ...c, replies: old.replies, fresh: old.fresh || c.fresh }));
  if (c.parentId) {
    return updateComment(list, c.parentId, (p) => ({ ...p, replyCount: p.replyCount + 1, replies: [...p.replies, c] }));
  }
  return atEnd ? [...list, c] : [c, ...list];
}

/** Appends a further page, skipping comments already shown (e.g. the reader's own, inserted locally). */
export function appendPage(list: Comment[], more: Comment[]): Comment[] {
  const seen = new Set(list.map((c) => c.id));
  return [...list, ...more.filter((c) => !seen.has(c.id))];
}
