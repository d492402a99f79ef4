import { EDIT_WINDOW_MS, type CommentNode, type CommentRecord } from '../comments/model.js';
import type { Story } from '../stories/repository.js';
import type { User } from '../users/repository.js';
import type { ApiComment } from './schemas.js';

/** A user as others see them, or with email when it is the caller. */
export function presentUser(user: User, self: boolean) {
  return { id: user.id, displayName: user.displayName, role: user.role, createdAt: user.createdAt, ...(self && user.email ? { email: user.email } : {}) };
}

/** The signed-in reader's own record, with the sites they moderate when there are some (moderatedSites). */
export function presentSelf(user: User, moderates: string[]) {
  return { ...presentUser(user, true), ...(moderates.length ? { moderates } : {}) };
}

/** A story for the API; `site` is what its site allows (the widget offers a guest form when `guests`). */
export function presentStory(story: Story, site: { guests: boolean }) {
  // Settings such as pre-moderation are for moderators; readers get the message and the closing time.
  const { settings: _settings, publishedAt: _publishedAt, ...rest } = story;
  return { ...rest, message: story.message ?? null, closesAt: story.closesAt ?? null, guests: site.guests };
}

/** A comment for the API: tombstones lose author and text; raw Markdown only goes back to its author. */
export function presentComment(c: CommentRecord & Partial<Pick<CommentNode, 'reacted' | 'inReplyTo' | 'replies'>>, viewerId: string | null, now = Date.now()): ApiComment {
  const deleted = c.status === 'deleted';
  const isAuthor = viewerId !== null && c.authorId === viewerId && !deleted;
  return {
    id: c.id,
    storyId: c.storyId,
    parentId: c.parentId,
    depth: c.depth,
    inReplyTo: c.inReplyTo ?? null,
    // avatarUrl and badges only when the site's single sign-on gave some: absent keys keep pages small.
    author: deleted ? null : { id: c.authorId, displayName: c.authorName, ...c.authorDisplay, ...(c.authorStaff ? { staff: c.authorStaff } : {}) },
    bodyHtml: deleted ? '' : c.bodyHtml,
    ...(isAuthor ? { body: c.body } : {}),
    status: c.status,
    createdAt: c.createdAt,
    editedAt: c.editedAt,
    reactionCount: c.reactionCount,
    replyCount: c.replyCount,
    ...(c.featured && !deleted ? { featured: true as const } : {}),
    viewer: { reacted: c.reacted ?? false, isAuthor, canEdit: isAuthor && now - Date.parse(c.createdAt) <= EDIT_WINDOW_MS },
    // The author of a rejected comment is told why; nobody else ever sees it.
    ...(isAuthor && c.status === 'rejected' && c.rejectionReason ? { rejectionReason: c.rejectionReason } : {}),
    replies: (c.replies ?? []).map((r) => presentComment(r, viewerId, now)),
  };
}
