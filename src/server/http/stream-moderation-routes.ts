import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { decide, type Decision } from '../moderation/admin/decisions.js';
import { changeStanding, type UserAdminDeps } from '../moderation/admin/users.js';
import { decisionDepsOf, moderatorScope } from './moderation-routes.js';
import { literals, StandingSchema } from './moderation-schemas.js';
import { errors, IdParams } from './schemas.js';

/**
 * Moderation from the Discussion itself (issue 13, point 4; docs/adr/0025): a moderator reading the article rejects,
 * features or unfeatures a comment, and bans or suspends its author, from a menu on the comment. The console's routes
 * refuse the widget's embed token (auth/scopes.ts), so these two narrow routes are the widget's way in: named by the
 * comment (an embed token then reaches only its own site's comments, TOKEN_WRONG_SITE otherwise), limited to what
 * the menu does (no bulk, no withdraw, no hiding every comment of a banned author), and run by the console's own use
 * cases: one transaction with the audit entry and the comment.moderated event, so readers see a reject at once.
 */
export const streamModerationRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const decisionDeps = decisionDepsOf(deps);
  const userDeps: UserAdminDeps = deps.useCases.userAdmin;
  const tags = ['moderation'];
  // Bounded like every writer's: a stolen embed token of a moderator cannot reject a site's comments by the thousand.
  const rateLimit = { max: 60, timeWindow: 60_000 };

  app.post(
    '/api/v1/comments/:id/moderation',
    {
      schema: {
        tags,
        summary: 'From the Discussion, for the site’s moderators: reject a comment (the reason is shown to its author), feature or unfeature it',
        params: IdParams,
        body: Type.Object({
          action: literals(['reject', 'feature', 'unfeature'] as const),
          reason: Type.Optional(Type.String({ maxLength: 500, description: 'Shown to the author (reject).' })),
          kind: Type.Optional(literals(['abuse', 'spam', 'other'] as const)),
        }),
        response: {
          200: Type.Object({ comment: Type.Object({ id: Type.String(), status: Type.String(), featured: Type.Boolean(), rejectionReason: Type.Union([Type.String(), Type.Null()]) }) }),
          ...errors(400, 401, 403, 404, 409, 429),
        },
      },
      config: { rateLimit },
    },
    async (request) => {
      const scope = await moderatorScope(request, deps);
      const b = request.body;
      const d: Decision = b.action === 'reject' ? { action: 'reject', reason: b.reason, kind: b.kind } : { action: 'feature', featured: b.action === 'feature' };
      const c = await decide(decisionDeps, scope, request.params.id, d);
      return { comment: { id: c.id, status: c.status, featured: c.featured ?? false, rejectionReason: c.rejectionReason ?? null } };
    },
  );

  app.post(
    '/api/v1/comments/:id/author-standing',
    {
      schema: {
        tags,
        summary: 'From the Discussion, for the site’s moderators: ban a comment’s author from the site, or suspend them for some hours',
        params: IdParams,
        body: Type.Object({
          banned: Type.Optional(Type.Literal(true)),
          suspendHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 365 })),
        }),
        response: { 200: Type.Object({ standing: StandingSchema }), ...errors(400, 401, 403, 404, 429) },
      },
      config: { rateLimit },
    },
    async (request) => {
      const scope = await moderatorScope(request, deps);
      const { banned, suspendHours } = request.body;
      if ((banned === undefined) === (suspendHours === undefined)) throw new AppError('VALIDATION_FAILED', '(give banned or suspendHours, one of them)');
      const siteId = await deps.comments.siteOf(request.params.id);
      const c = siteId ? await deps.comments.get(siteId, request.params.id) : undefined;
      // A tombstone has no author to act on; another site's comment is not revealed (as for decisions).
      if (!c || c.status === 'deleted') throw new AppError('COMMENT_NOT_FOUND');
      const r = await changeStanding(userDeps, scope, c.siteId, c.authorId, banned ? { banned: true } : { suspendHours });
      return { standing: r.standing };
    },
  );
};
