import { AppError } from '../errors.js';
import { newId, nowIso } from '../storage/ids.js';
import type { StoriesRepository, Story } from '../stories/repository.js';
import type { User } from '../users/repository.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { renderCommentBody } from './markdown.js';
import { EDIT_WINDOW_MS, placeReply, type CommentNode, type CommentRecord, type CommentSort, type CommentStatus, type ReportReason } from './model.js';
import type { CommentsRepository } from './repository.js';
import type { ChangeRunner } from '../events/change.js';
import { buildThreads } from './tree.js';
import { authorDisplay as authorDisplayOf } from '../sso/display.js';

/** The moderation decision on a new or edited comment, stored with it. */
export interface ModerationOutcome {
  status: Extract<CommentStatus, 'published' | 'pending' | 'rejected'>;
  /** The pipeline's verdict as JSON, for moderators (phase, words matched, scores). */
  moderation?: string | null;
  /** Shown to the author when the comment is rejected. */
  rejectionReason?: string | null;
}

/**
 * Decides the status of a new or edited (`editing`) comment; the moderation pipeline plugs in here. Throws an
 * AppError to refuse the comment outright (closed story, banned author, rate limit), so nothing is stored.
 */
export type Moderator = (input: { story: Story; author: User; body: string; parent: CommentRecord | null; editing?: CommentRecord }) => Promise<ModerationOutcome>;

export interface CommentDeps {
  comments: CommentsRepository;
  stories: StoriesRepository;
  maxLength: number;
  moderate: Moderator;
  /** Runs one change in one transaction (rows, counters, events); see events/change.ts. */
  change: ChangeRunner;
  now?: () => number;
  /** Who may post on a story's site (single sign-on accounts belong to one site; local accounts can be off). */
  mayPost?: (story: Story, author: User) => Promise<void>;
}

/** Replies loaded with one page of threads at most; beyond it a thread shows what fits (bounded memory per read). */
const MAX_REPLIES_PER_PAGE = 2000;

/** A page of top-level comments with their replies nested. */
export async function listComments(
  deps: CommentDeps,
  q: { story: Story; viewerId: string | null; sort: CommentSort; limit: number; cursor?: string | undefined },
): Promise<{ comments: CommentNode[]; nextCursor: string | null; totalCount: number }> {
  const after = q.cursor ? decodeCursor(q.sort, q.cursor) : null;
  const page = await deps.comments.topLevelPage({ siteId: q.story.siteId, storyId: q.story.id, viewerId: q.viewerId, sort: q.sort, limit: q.limit, after });
  const roots = page.slice(0, q.limit);
  const last = roots[roots.length - 1];
  const nextCursor =
    page.length > q.limit && last
      ? encodeCursor(q.sort, { key: q.sort === 'reactions' ? last.reactionCount : q.sort === 'replies' ? last.replyCount : null, createdAt: last.createdAt, id: last.id })
      : null;
  const replies = await deps.comments.threads(q.story.siteId, roots.map((r) => r.id), q.viewerId, MAX_REPLIES_PER_PAGE);
  const all = [...roots, ...replies];
  const replyToIds = [...new Set(all.map((c) => c.inReplyToId).filter((id): id is string => id !== null))];
  const [reacted, replyToNames, totalCount] = await Promise.all([
    deps.comments.reactedBy(q.viewerId, all.map((c) => c.id)),
    deps.comments.authorNames(q.story.siteId, replyToIds),
    deps.comments.countPublished(q.story.siteId, q.story.id),
  ]);
  return { comments: buildThreads(roots, replies, { reacted, replyToNames }), nextCursor, totalCount };
}

// What renders as nothing: white space, controls, format characters (zero-width space and joiners, BOM, bidi marks)
// and other default-ignorable code points (Hangul fillers, variation selectors), and the blank Braille pattern.
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/gu;

function checkBody(raw: string, maxLength: number): string {
  // NUL bytes: PostgreSQL cannot store them in text, and no reader means them.
  const body = raw.replace(/\r\n?/g, '\n').replaceAll('\u0000', '').trim();
  // A body of zero-width characters only would publish a blank comment that looks like a bug to readers.
  if (body.replace(INVISIBLE, '').length === 0) throw new AppError('BODY_EMPTY');
  if ([...body].length > maxLength) throw new AppError('BODY_TOO_LONG', `(max ${maxLength})`);
  return body;
}

/** Posts a comment or a reply as `author`. */
export async function postComment(deps: CommentDeps, input: { story: Story; author: User; body: string; parentId?: string | undefined }): Promise<CommentNode> {
  if (input.story.closed) throw new AppError('STORY_CLOSED');
  await deps.mayPost?.(input.story, input.author);
  const body = checkBody(input.body, deps.maxLength);
  let parent: CommentRecord | null = null;
  if (input.parentId) {
    parent = (await deps.comments.get(input.story.siteId, input.parentId)) ?? null;
    if (!parent || parent.storyId !== input.story.id) throw new AppError('INVALID_PARENT');
    if (parent.status === 'deleted') throw new AppError('COMMENT_DELETED');
    if (parent.status !== 'published' && parent.authorId !== input.author.id) throw new AppError('INVALID_PARENT');
  }
  const [{ status, moderation, rejectionReason }, authorDisplay, staff] = await Promise.all([
    deps.moderate({ story: input.story, author: input.author, body, parent }),
    // The profile came with the session when signed in; otherwise it is read.
    input.author.sso
      ? input.author.sso.profile?.siteId === input.story.siteId
        ? authorDisplayOf(input.author.sso.profile)
        : {}
      : deps.comments.authorDisplay(input.story.siteId, input.author.id),
    deps.comments.staffRole(input.story.siteId, input.author.id),
  ]);
  const place = parent ? placeReply(parent) : { parentId: null, rootId: null, depth: 0, inReplyToId: null };
  const record = {
    id: newId(),
    siteId: input.story.siteId,
    storyId: input.story.id,
    ...place,
    authorId: input.author.id,
    body,
    bodyHtml: renderCommentBody(body),
    status,
    createdAt: nowIso(deps.now?.()),
    editedAt: null,
    deletedAt: null,
  };
  const inReplyTo = parent && place.inReplyToId ? { id: parent.id, displayName: parent.authorName } : null;
  const stored = { ...record, authorName: input.author.displayName, authorDisplay, ...(staff ? { authorStaff: staff } : {}), featured: false, reactionCount: 0, replyCount: 0, inReplyTo, rejectionReason: rejectionReason ?? null };
  await deps.change(async (ch) => {
    await deps.comments.insert(ch, { ...record, moderation: moderation ?? null, rejectionReason: rejectionReason ?? null });
    ch.emit({ type: 'comment.created', siteId: stored.siteId, storyId: stored.storyId, comment: stored });
  });
  return { ...stored, reacted: false, replies: [] };
}

async function ownComment(deps: CommentDeps, commentId: string, user: User): Promise<CommentRecord> {
  const siteId = await deps.comments.siteOf(commentId);
  const c = siteId ? await deps.comments.get(siteId, commentId) : undefined;
  if (!c) throw new AppError('COMMENT_NOT_FOUND');
  if (c.authorId !== user.id) throw new AppError('FORBIDDEN');
  return c;
}

/** Edits one's own comment within the edit window; the previous text is kept as a revision. */
export async function editComment(deps: CommentDeps, input: { commentId: string; user: User; body: string }): Promise<CommentRecord> {
  const c = await ownComment(deps, input.commentId, input.user);
  if (c.status === 'deleted') throw new AppError('COMMENT_DELETED');
  const now = deps.now?.() ?? Date.now();
  if (now - Date.parse(c.createdAt) > EDIT_WINDOW_MS) throw new AppError('EDIT_WINDOW_CLOSED');
  const body = checkBody(input.body, deps.maxLength);
  if (body === c.body) return c;
  const at = nowIso(now);
  const bodyHtml = renderCommentBody(body);
  // An edit is a new text: it goes through moderation again (a clean comment edited into abuse must not stay up).
  const story = await deps.stories.get(c.storyId);
  if (!story) throw new AppError('STORY_NOT_FOUND');
  const parent = c.parentId ? ((await deps.comments.get(c.siteId, c.parentId)) ?? null) : null;
  const outcome = await deps.moderate({ story, author: input.user, body, parent, editing: c });
  const status = { to: outcome.status, moderation: outcome.moderation ?? null, rejectionReason: outcome.rejectionReason ?? null };
  const edited = { ...c, body, bodyHtml, editedAt: at, status: outcome.status, rejectionReason: status.rejectionReason };
  await deps.change(async (ch) => {
    await deps.comments.edit(ch, c, { body, bodyHtml, at, revisionId: newId(), status });
    ch.emit({ type: 'comment.edited', siteId: c.siteId, storyId: c.storyId, comment: edited, previousStatus: c.status });
  });
  return edited;
}

/** Deletes one's own comment, leaving a tombstone; deleting twice is harmless. */
export async function deleteComment(deps: CommentDeps, input: { commentId: string; user: User }): Promise<CommentRecord> {
  const c = await ownComment(deps, input.commentId, input.user);
  if (c.status === 'deleted') return c;
  const at = nowIso(deps.now?.());
  const tomb: CommentRecord = { ...c, status: 'deleted', body: '', bodyHtml: '', deletedAt: at };
  await deps.change(async (ch) => {
    await deps.comments.tombstone(ch, c, at);
    ch.emit({ type: 'comment.deleted', siteId: c.siteId, storyId: c.storyId, comment: tomb, previousStatus: c.status });
  });
  return tomb;
}

async function visibleComment(deps: CommentDeps, commentId: string, user: User): Promise<CommentRecord> {
  const siteId = await deps.comments.siteOf(commentId);
  const c = siteId ? await deps.comments.get(siteId, commentId) : undefined;
  if (!c || (c.status !== 'published' && c.status !== 'deleted' && c.authorId !== user.id)) throw new AppError('COMMENT_NOT_FOUND');
  if (c.status === 'deleted') throw new AppError('COMMENT_DELETED');
  return c;
}

/** Gives or takes back the one reaction ("Respect"). */
export async function setReaction(deps: CommentDeps, input: { commentId: string; user: User; on: boolean }): Promise<{ reactionCount: number; reacted: boolean }> {
  const c = await visibleComment(deps, input.commentId, input.user);
  // Respect is what others think of a comment; taking one back stays possible (older data may hold some).
  if (input.on && c.authorId === input.user.id) throw new AppError('CANNOT_REACT_OWN');
  const reactionCount = await deps.change(async (ch) => {
    const count = await deps.comments.setReaction(ch, c.id, input.user.id, input.on, nowIso(deps.now?.()));
    ch.emit({ type: 'comment.reaction', siteId: c.siteId, storyId: c.storyId, commentId: c.id, reactionCount: count, commentStatus: c.status });
    return count;
  });
  return { reactionCount, reacted: input.on };
}

/** Reports a comment to the moderators, once per reader. */
export async function reportComment(deps: CommentDeps, input: { commentId: string; user: User; reason: ReportReason; note?: string | undefined }): Promise<{ id: string }> {
  const c = await visibleComment(deps, input.commentId, input.user);
  const id = newId();
  const note = input.note?.trim().slice(0, 1000) || null;
  const ok = await deps.change((ch) => deps.comments.insertReport(ch, { id, commentId: c.id, userId: input.user.id, reason: input.reason, note, at: nowIso(deps.now?.()) }));
  if (!ok) throw new AppError('ALREADY_REPORTED');
  return { id };
}
