/**
 * The reader's writes to comments (post, edit, delete, Respect), in the composer chunk: a reader who only reads never
 * downloads them. Each runs through `d.run` (the live region reports a failure) and updates the Discussion's state.
 */
import type { Discussion } from './useDiscussion.js';
import { emit } from './config.js';
import { allStrings } from './strings.js';
import { insertComment, updateComment } from './tree.js';
import type { Comment } from './types.js';

const enc = encodeURIComponent;

/**
 * The token a guest comment returned, so the next guest comment from this browser is the same guest (the server
 * never binds a guest to the email typed, which anyone could type). Kept in the host page's storage, or not at all.
 */
export function guestToken(next?: string): string | undefined {
  try {
    if (next) localStorage.setItem('agora:guest', next);
    return localStorage.getItem('agora:guest') ?? undefined;
  } catch {
    return next;
  }
}

/**
 * Posts a comment or reply. A guest's comment passes `guest`, which gives the guest's fields (name, email, the
 * solved proof of work) for the story's API path; it lives in the guest chunk with the solver.
 */
export const post = (d: Discussion, body: string, parentId: string | null, guest?: (path: string) => Promise<Record<string, unknown>>) =>
  d.run(async () => {
    if (!d.story) return;
    const path = `/stories/${enc(d.story.id)}/`;
    const extra = guest ? await guest(path) : {};
    // JSON leaves out an undefined parentId.
    const r = await d.req<{ comment: Comment; guestToken?: string }>('POST', path + (guest ? 'guest-comments' : 'comments'), { ...extra, body, parentId: parentId ?? undefined });
    guestToken(r.guestToken);
    const c: Comment = { ...r.comment, replies: r.comment.replies ?? [], fresh: true };
    // Newest first puts it on top; oldest first at the bottom only when that bottom is loaded.
    // Not on the Featured tab, which lists the moderators' picks only (a reply goes under its featured parent).
    if (d.sort != 'featured' || c.parentId) d.setComments((l) => insertComment(l, c, d.sort === 'oldest' && !d.next));
    if (!c.parentId) d.setTotal((t) => t + 1);
    if (c.status === 'published') d.bumpCount(1);
    d.setFocus({ id: c.id });
    emit(d.cfg, 'onCommentPosted', c);
  });

export const edit = (d: Discussion, id: string, body: string) =>
  d.run(async () => {
    const r = await d.req<{ comment: Comment }>('PATCH', `/comments/${enc(id)}`, { body });
    d.setComments((l) => updateComment(l, id, (old) => ({ ...r.comment, replies: old.replies })));
    d.setFocus({ id });
  });

export const remove = (d: Discussion, c: Comment) =>
  confirm(allStrings(d.cfg.lang).confirmDelete) &&
  d.run(async () => {
    const r = await d.req<{ comment: Comment }>('DELETE', `/comments/${enc(c.id)}`);
    d.setComments((l) => updateComment(l, c.id, (old) => ({ ...r.comment, replies: old.replies })));
    if (c.status === 'published') d.bumpCount(-1);
    d.setFocus({ id: c.id });
  });

/** Toggles the reader's Respect on `c` (the caller has checked the reader is signed in). */
export function react(d: Discussion, c: Comment) {
  if (d.reacting.current.has(c.id)) return;
  const on = !c.viewer.reacted;
  const set = (reacted: boolean, reactionCount: number) =>
    d.setComments((l) => updateComment(l, c.id, (x) => ({ ...x, reactionCount, viewer: { ...x.viewer, reacted } })));
  // Optimistic: the toggle must answer at once; the server's numbers replace ours when they arrive.
  set(on, c.reactionCount + (on ? 1 : -1));
  d.reacting.current.add(c.id);
  void d.run(async () => {
    try {
      const r = await d.req<{ reactionCount: number; reacted: boolean }>(on ? 'POST' : 'DELETE', `/comments/${enc(c.id)}/reaction`);
      set(r.reacted, r.reactionCount);
    } catch (e) {
      set(c.viewer.reacted, c.reactionCount);
      throw e;
    } finally {
      d.reacting.current.delete(c.id);
    }
  });
}

/**
 * Re-adds the reader's just-posted comments that a freshly loaded page does not contain yet
 * (the load started before the post), so a comment never vanishes right after being posted. Here, with posting:
 * without this chunk there is no just-posted comment.
 */
export function keepFresh(prev: Comment[], loaded: Comment[], atEnd: boolean): Comment[] {
  const ids = new Set<string>();
  const walk = (l: Comment[], fn: (c: Comment) => void) => l.forEach((c) => (fn(c), walk(c.replies, fn)));
  walk(loaded, (c) => ids.add(c.id));
  let out = loaded;
  walk(prev, (c) => {
    if (c.fresh && !ids.has(c.id)) out = insertComment(out, { ...c, replies: [] }, atEnd);
  });
  return out;
}
