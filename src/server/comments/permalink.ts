/**
 * The one address of a comment: its story's page with `#comment-<id>`. The story's URL is the publisher's canonical
 * page (stories/url.ts), so the link opens the article where readers read it, and the widget there scrolls to the
 * comment (fetching its thread when it is not on the first page). Emails, the bell, the Atom feed and webhooks all
 * use this, so they cannot drift apart.
 */
export function commentUrl(storyUrl: string, commentId: string): string {
  // A stored story URL has no fragment (normalised on creation); split anyway so an old row cannot yield "#a#comment-…".
  return `${storyUrl.split('#')[0] ?? storyUrl}#comment-${encodeURIComponent(commentId)}`;
}

/** The element id a comment carries on every page that shows it (server-rendered and widget). */
export const commentAnchor = (commentId: string): string => `comment-${commentId}`;
