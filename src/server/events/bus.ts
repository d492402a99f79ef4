import type { CommentRecord } from '../comments/model.js';
import type { Story } from '../stories/repository.js';

/**
 * What happened, as the rest of the system hears it. Use cases publish; live readers (SSE), caches, notifications
 * and webhooks subscribe. Names match the public webhook event names.
 */
export type DomainEvent =
  | { type: 'story.created'; siteId: string; storyId: string; story: Story }
  | { type: 'comment.created'; siteId: string; storyId: string; comment: CommentRecord & { inReplyTo?: { id: string; displayName: string } | null } }
  | { type: 'comment.edited'; siteId: string; storyId: string; comment: CommentRecord }
  | { type: 'comment.deleted'; siteId: string; storyId: string; comment: CommentRecord }
  | { type: 'comment.moderated'; siteId: string; storyId: string; comment: CommentRecord; previousStatus: CommentRecord['status']; moderatorId: string | null; reason: string | null }
  | { type: 'comment.reaction'; siteId: string; storyId: string; commentId: string; reactionCount: number };

export type DomainEventType = DomainEvent['type'];
export type EventHandler = (event: DomainEvent) => void | Promise<void>;

/**
 * In-process fan-out of domain events to this node's subscribers. Side effects that must happen once (webhooks,
 * notifications) subscribe here on the node where the event happened; fan-out to other nodes is the broker's job.
 * A failing subscriber is logged and never fails the request that published the event.
 */
export function eventBus(onError: (err: unknown, event: DomainEvent) => void = () => {}) {
  const handlers = new Set<EventHandler>();
  return {
    subscribe(handler: EventHandler): () => void {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async publish(event: DomainEvent): Promise<void> {
      await Promise.all(
        [...handlers].map(async (h) => {
          try {
            await h(event);
          } catch (err) {
            onError(err, event);
          }
        }),
      );
    },
  };
}
export type EventBus = ReturnType<typeof eventBus>;
