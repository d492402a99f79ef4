import type { AuthorDisplay } from '../sso/display.js';

/** Where a comment stands: only `published` reaches other readers; the author also sees `pending` and `rejected`. */
export type CommentStatus = 'published' | 'pending' | 'rejected' | 'deleted';

export type CommentSort = 'newest' | 'oldest' | 'reactions' | 'replies';
export const COMMENT_SORTS: readonly CommentSort[] = ['newest', 'oldest', 'reactions', 'replies'];

/** Replies are shown nested up to this many levels (depth 0..MAX_DEPTH); deeper replies attach to a sibling level. */
export const MAX_DEPTH = 5;

/** How long after posting an author may edit. */
export const EDIT_WINDOW_MS = 5 * 60 * 1000;

export const REPORT_REASONS = ['spam', 'abuse', 'offtopic', 'misinformation', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** Staff authors are marked for readers: the newsroom's administrators ("Rédaction") and moderators ("Modération"). */
export type StaffRole = 'admin' | 'moderator';

/** A stored comment as the domain sees it, with its author's current display name. */
export interface CommentRecord {
  id: string;
  siteId: string;
  storyId: string;
  parentId: string | null;
  rootId: string | null;
  depth: number;
  inReplyToId: string | null;
  authorId: string;
  authorName: string;
  /** The avatar and badges the site's single sign-on gave the author; absent for other authors and other sites. */
  authorDisplay?: AuthorDisplay;
  body: string;
  bodyHtml: string;
  status: CommentStatus;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  reactionCount: number;
  replyCount: number;
  /** Why it was rejected, for its author (set by moderation). */
  rejectionReason?: string | null;
  /** The author's staff role on the comment's site; absent for readers. */
  authorStaff?: StaffRole;
  /** Picked by a moderator for the featured tab. */
  featured?: boolean;
}

/** A comment placed in its thread for display. */
export interface CommentNode extends CommentRecord {
  inReplyTo: { id: string; displayName: string } | null;
  reacted: boolean;
  replies: CommentNode[];
}

/** Where a reply is stored: below its parent, or beside it once the thread is MAX_DEPTH deep. */
export function placeReply(parent: Pick<CommentRecord, 'id' | 'parentId' | 'rootId' | 'depth'>): {
  parentId: string;
  rootId: string;
  depth: number;
  inReplyToId: string | null;
} {
  const rootId = parent.rootId ?? parent.id;
  if (parent.depth < MAX_DEPTH) return { parentId: parent.id, rootId, depth: parent.depth + 1, inReplyToId: null };
  // Too deep to indent further: attach to the parent's parent, so it shows at the same level, and say to whom.
  return { parentId: parent.parentId ?? parent.id, rootId, depth: parent.depth, inReplyToId: parent.id };
}
