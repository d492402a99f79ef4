/**
 * Shapes of the API v1 payloads the widget reads (docs/api-contract.md).
 * Declared here rather than imported from the server so the bundle never pulls server code.
 */

/** A reader as the API presents it; `email` only comes with /me, signup and login. */
export interface User {
  id: string;
  displayName: string;
  email?: string;
  role?: string;
  /** Sites this reader moderates without a staff role (GET /me only): the moderation menu's cue. */
  moderates?: string[];
}

/** A story (article) that owns a discussion. */
export interface Story {
  id: string;
  siteId: string;
  url: string;
  title: string;
  lang: string;
  commentCount: number;
  closed: boolean;
  /** The newsroom's note shown above the discussion. */
  message?: string | null;
  /** The site takes comments from readers without an account. */
  guests?: boolean;
}

/** Moderation state of a comment as the viewer may see it. */
export type CommentStatus = 'published' | 'pending' | 'rejected' | 'deleted';

/** A comment with its whole reply thread, oldest reply first. */
export interface Comment {
  id: string;
  storyId: string;
  parentId: string | null;
  depth: number;
  inReplyTo: { id: string; displayName: string } | null;
  /** `avatarUrl` and `badges` come from the publisher's single sign-on (its `avatar`, `role` and `badges` claims);
   * `staff`, the author's staff role on the comment's site. */
  author: { id: string; displayName: string; avatarUrl?: string; badges?: string[]; staff?: 'admin' | 'moderator' } | null;
  /** A moderator featured it ("À la une"). */
  featured?: true;
  bodyHtml: string;
  body?: string;
  status: CommentStatus;
  createdAt: string;
  editedAt: string | null;
  reactionCount: number;
  replyCount: number;
  viewer: { reacted: boolean; isAuthor: boolean; canEdit: boolean };
  replies: Comment[];
  /** Why it was not published: only on the reader's own rejected comments. */
  rejectionReason?: string;
  /** Client-only: the reader reported it in this page view ("Signalé ✓"). */
  reported?: true;
  /** Client-only: posted in this page view, so it stays visible and takes focus once. */
  fresh?: boolean;
}

/** One page of top-level comments. */
export interface CommentPage {
  comments: Comment[];
  nextCursor: string | null;
  totalCount: number;
  /** The story's event number when read: live updates start after it. */
  eventSeq?: number;
}

/** One of the signed-in reader's notifications (GET /notifications). */
export interface Notice {
  id: string;
  kind: 'reply' | 'approved' | 'rejected' | 'featured';
  story: { title: string; url: string };
  /** The comment's permalink (its story's URL + #comment-<id>), when the notice is about a comment. */
  url?: string;
  actorName: string | null;
  reason: string | null;
  createdAt: string;
  read: boolean;
}

/** Sign-in result of signup, login and /auth/token. */
export interface AuthResult {
  user: User;
  token: string;
  csrfToken?: string;
}

/** Orders of the comment list the API accepts. */
/** `featured` is the moderators' selection rather than an order of all comments. */
export type Sort = 'newest' | 'oldest' | 'reactions' | 'replies' | 'featured';
/** Every sort, in the order the sort menu lists them. */
export const SORTS: readonly Sort[] = ['newest', 'oldest', 'reactions', 'replies', 'featured'];

/** Reasons a reader can give when reporting a comment. */
export type ReportReason = 'spam' | 'abuse' | 'offtopic' | 'misinformation' | 'other';
