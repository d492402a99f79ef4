/**
 * How a route names the site it acts on, for an `embed` token (one handed to a publisher's page): `story` (the
 * `storyId` parameter), `comment` (the `id` parameter of a comment), or `none` (the reader's own commenting
 * business, on no particular site).
 */
export type EmbedReach = 'story' | 'comment' | 'none';

/**
 * Everything an embed token may do: the widget's own needs, i.e. reading and writing comments, reacting, reporting,
 * notifications and their settings, signing out; and, for the site's moderators, the in-stream moderation menu's two
 * routes (docs/adr/0025). A route missing here treats an embed token as no sign-in at all
 * (requireUser answers 403 TOKEN_SCOPE): a new route is out of reach of publishers' pages until it is listed, and
 * account-level routes (data export, account deletion, display name, admin) never are.
 */
const EMBED_ROUTES: Record<string, EmbedReach> = {
  'GET /api/v1/me': 'none',
  'POST /api/v1/auth/logout': 'none',
  // The exchange keeps the presented session only when it is of the same reader and site (sso/use-cases.ts).
  'POST /api/v1/auth/sso': 'none',
  // Mails the reader's own address its link again: what a reader refused with EMAIL_NOT_VERIFIED needs.
  'POST /api/v1/auth/verify-email/resend': 'none',
  'GET /api/v1/stories/lookup': 'none',
  'GET /api/v1/counts': 'none',
  'GET /api/v1/stories/:storyId': 'story',
  'GET /api/v1/stories/:storyId/comments': 'story',
  'POST /api/v1/stories/:storyId/comments': 'story',
  'GET /api/v1/stories/:storyId/comments.atom': 'story',
  'GET /api/v1/stories/:storyId/featured': 'story',
  'GET /api/v1/stories/:storyId/events': 'story',
  'GET /api/v1/stories/:storyId/guest-challenge': 'story',
  'POST /api/v1/stories/:storyId/guest-comments': 'story',
  // A public read: checked against no site, so another site's token gets the same 404 as anyone for a hidden comment
  // (a TOKEN_WRONG_SITE there would tell that the id exists). The token only adds the reader's own flags.
  'GET /api/v1/comments/:id/context': 'none',
  'PATCH /api/v1/comments/:id': 'comment',
  'DELETE /api/v1/comments/:id': 'comment',
  'POST /api/v1/comments/:id/reaction': 'comment',
  'DELETE /api/v1/comments/:id/reaction': 'comment',
  'POST /api/v1/comments/:id/reports': 'comment',
  // The in-stream moderation menu (a moderator of the token's site only: the routes check the moderation scope too).
  'POST /api/v1/comments/:id/moderation': 'comment',
  'POST /api/v1/comments/:id/author-standing': 'comment',
  'GET /api/v1/me/ignored': 'none',
  'POST /api/v1/me/ignored/:userId': 'none',
  'DELETE /api/v1/me/ignored/:userId': 'none',
  'GET /api/v1/notifications': 'none',
  'POST /api/v1/notifications/read': 'none',
  'GET /api/v1/me/notification-settings': 'none',
  'PUT /api/v1/me/notification-settings': 'none',
};

/** What an embed token may do on a route (method and route pattern), or undefined when it may not use it at all. */
export function embedReach(method: string, routeUrl: string | undefined): EmbedReach | undefined {
  if (!routeUrl) return undefined;
  return EMBED_ROUTES[`${method === 'HEAD' ? 'GET' : method} ${routeUrl}`];
}

/** The routes an embed token may use, for the documentation and the security suite. */
export function embedRoutes(): readonly string[] {
  return Object.keys(EMBED_ROUTES);
}
