import type { DomainEvent, EventBus } from '../events/bus.js';
import { presentComment } from '../http/presenters.js';
import type { Broker } from './broker.js';
import type { EventLog, StoryMessage } from './event-log.js';

/**
 * What readers of a story may see of a domain event, or null. Held and rejected comments never leave here: only
 * published ones, tombstones of published ones, and moderation outcomes that publish or withdraw a comment.
 */
export function toPublicEvent(e: DomainEvent): { storyId: string; type: string; data: object; commentId: string | null } | null {
  const ev = toEvent(e);
  return ev && { ...ev, commentId: 'comment' in e ? e.comment.id : e.type === 'comment.reaction' ? e.commentId : null };
}

function toEvent(e: DomainEvent): { storyId: string; type: string; data: object } | null {
  switch (e.type) {
    case 'comment.created':
    case 'comment.edited':
      return e.comment.status === 'published' ? { storyId: e.storyId, type: e.type, data: { comment: presentComment(e.comment, null) } } : null;
    case 'comment.deleted':
      return { storyId: e.storyId, type: e.type, data: { comment: presentComment(e.comment, null) } };
    case 'comment.moderated':
      if (e.comment.status === 'published') return { storyId: e.storyId, type: e.type, data: { comment: presentComment(e.comment, null) } };
      // Withdrawn from view: readers learn only which comment to remove.
      return e.previousStatus === 'published' ? { storyId: e.storyId, type: e.type, data: { comment: { id: e.comment.id, parentId: e.comment.parentId, status: e.comment.status } } } : null;
    case 'comment.reaction':
      return { storyId: e.storyId, type: e.type, data: { commentId: e.commentId, reactionCount: e.reactionCount } };
    default:
      return null;
  }
}

/** Appends each public event to the story's log, then hands it to the broker for every node's readers. */
export function publishPublicEvents(bus: EventBus, log: EventLog, broker: Broker): void {
  bus.subscribe(async (event) => {
    const pub = toPublicEvent(event);
    if (!pub) return;
    const data = JSON.stringify(pub.data);
    if (pub.type === 'comment.deleted' && pub.commentId) await log.scrub(pub.commentId, data);
    const message: StoryMessage = await log.append(pub.storyId, pub.type, data, pub.commentId);
    await broker.publish(JSON.stringify(message));
  });
}

/** Parses a broker message; undefined for anything malformed (another version of Agora, or noise on the channel). */
export function parseStoryMessage(raw: string): StoryMessage | undefined {
  try {
    const m = JSON.parse(raw) as Partial<StoryMessage>;
    if (typeof m.storyId === 'string' && Number.isInteger(m.seq) && typeof m.type === 'string' && typeof m.data === 'string') return m as StoryMessage;
  } catch {
    // fall through
  }
  return undefined;
}
