import type { CommentRecord, CommentStatus } from '../comments/model.js';
import type { Story } from '../stories/repository.js';

/**
 * What happened, as the rest of the system hears it. A use case records its events in the transaction of its change
 * (see change.ts); the public story log is written there too, and the dispatcher delivers them to webhooks,
 * notifications, other nodes and metrics after the commit. Names match the public webhook event names.
 */
export type DomainEvent =
  | { type: 'story.created'; siteId: string; storyId: string; story: Story }
  | { type: 'comment.created'; siteId: string; storyId: string; comment: CommentRecord & { inReplyTo?: { id: string; displayName: string } | null } }
  | { type: 'comment.edited'; siteId: string; storyId: string; comment: CommentRecord; previousStatus: CommentStatus }
  /** `previousStatus` says whether readers ever saw it: a held comment's deletion is told to nobody public. */
  | { type: 'comment.deleted'; siteId: string; storyId: string; comment: CommentRecord; previousStatus: CommentStatus }
  | { type: 'comment.moderated'; siteId: string; storyId: string; comment: CommentRecord; previousStatus: CommentStatus; moderatorId: string | null; reason: string | null }
  /** A moderator kept a reported comment and cleared its reports (the console's "Rejeter les signalements"). */
  | { type: 'comment.reports_dismissed'; siteId: string; storyId: string; commentId: string; reports: number; moderatorId: string | null }
  | { type: 'comment.reaction'; siteId: string; storyId: string; commentId: string; reactionCount: number; commentStatus: CommentStatus }
  /** Comments written in bulk (an import, a restore): readers reload, caches drop, counts were recomputed. */
  | { type: 'comments.bulk_written'; siteId: string; storyId: string; inserted: number; source: 'import' | 'restore' };

export type DomainEventType = DomainEvent['type'];
