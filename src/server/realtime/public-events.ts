import type { CommentRecord } from '../comments/model.js';
import type { DomainEvent } from '../events/domain.js';
import { presentComment } from '../http/presenters.js';
import type { StoryMessage } from './event-log.js';

/** An event readers of a story receive, before it is numbered. `data` is JSON. */
export interface PublicAppend {
  storyId: string;
  type: string;
  data: string;
  commentId: string | null;
}

/**
 * What a change does to a comment's earlier public events: `payload` replaces what they carried (the comment as it
 * is now: the edited text, a tombstone), or null removes them (the comment is no longer public at all).
 */
export interface PublicScrub {
  commentId: string;
  payload: string | null;
}

export interface PublicEffect {
  scrub?: PublicScrub;
  append?: PublicAppend;
}

const shown = (c: CommentRecord) => JSON.stringify({ comment: presentComment(c, null) });
// Withdrawn from view: readers learn only which comment to remove, never what it said or why.
const withdrawn = (c: CommentRecord) => JSON.stringify({ comment: { id: c.id, parentId: c.parentId, status: c.status } });

/**
 * What readers of a story may ever see of a domain event, and what it takes back. Only published comments,
 * tombstones of published ones and moderation outcomes that publish or withdraw a comment reach the public log;
 * a held comment sends nothing, not even its id. A removal (rejection, withdrawal, edit, deletion, erasure) also
 * rewrites or drops the comment's earlier events, so a replay from event 0 serves the comment as it is now.
 */
export function publicEffect(e: DomainEvent): PublicEffect {
  const at = (type: string, data: string, commentId: string | null): PublicAppend => ({ storyId: e.storyId, type, data, commentId });
  switch (e.type) {
    case 'comment.created':
      return e.comment.status === 'published' ? { append: at(e.type, shown(e.comment), e.comment.id) } : {};
    case 'comment.edited': {
      const c = e.comment;
      if (c.status === 'published') return { scrub: { commentId: c.id, payload: shown(c) }, append: at(e.type, shown(c), c.id) };
      // Held again by moderation after the edit: the earlier text goes, readers remove the comment.
      if (e.previousStatus === 'published') return { scrub: { commentId: c.id, payload: null }, append: at('comment.moderated', withdrawn(c), c.id) };
      return {};
    }
    case 'comment.deleted': {
      if (e.previousStatus !== 'published' && e.previousStatus !== 'deleted') return {};
      const tomb = shown(e.comment);
      return { scrub: { commentId: e.comment.id, payload: tomb }, append: at(e.type, tomb, e.comment.id) };
    }
    case 'comment.moderated': {
      const c = e.comment;
      if (c.status === 'published') {
        // Featuring a published comment re-presents it; publishing a held one shows it for the first time.
        const scrub = e.previousStatus === 'published' ? { scrub: { commentId: c.id, payload: shown(c) } } : {};
        return { ...scrub, append: at(e.type, shown(c), c.id) };
      }
      if (e.previousStatus !== 'published') return {};
      return { scrub: { commentId: c.id, payload: null }, append: at(e.type, withdrawn(c), c.id) };
    }
    case 'comment.reaction':
      return e.commentStatus === 'published' ? { append: at(e.type, JSON.stringify({ commentId: e.commentId, reactionCount: e.reactionCount }), e.commentId) } : {};
    case 'comments.bulk_written':
      // Readers reload their list (the widget ignores types it does not know; the number invalidates caches).
      return { append: at('story.updated', '{}', null) };
    default:
      return {};
  }
}

/**
 * The comment whose copies elsewhere (webhook payloads) must be rewritten to its current state after this event: an
 * edit, a deletion, or a moderation decision that takes it out of view — held or public before, either way.
 */
export function changedComment(e: DomainEvent): string | null {
  if (e.type === 'comment.edited' || e.type === 'comment.deleted') return e.comment.id;
  if (e.type === 'comment.moderated' && e.comment.status !== 'published') return e.comment.id;
  return null;
}

/** A broker message: a numbered public event, or `sync` (ask the log: a node may have missed something). */
export function parseStoryMessage(raw: string): StoryMessage | undefined {
  try {
    const m = JSON.parse(raw) as Partial<StoryMessage>;
    if (typeof m.storyId === 'string' && Number.isInteger(m.seq) && typeof m.type === 'string' && typeof m.data === 'string') return m as StoryMessage;
  } catch {
    // fall through
  }
  return undefined;
}
