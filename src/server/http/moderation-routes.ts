import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { assertSite, scopeOf, type Scope } from '../moderation/admin/access.js';
import { decide, decideMany, type Decision, type DecisionDeps } from '../moderation/admin/decisions.js';
import { addNote, changeStanding, userFile, type UserAdminDeps } from '../moderation/admin/users.js';
import { requireUser } from './context.js';
import { DecisionBody, Filters, literals, QueueCounts, QueueItemSchema, QueueName, SiteUserParams, StandingSchema } from './moderation-schemas.js';
import { errors, IdParams } from './schemas.js';

/** The signed-in user's moderation scope: 401 when signed out, 403 for someone who moderates nothing. */
export async function moderatorScope(request: FastifyRequest, deps: Deps): Promise<Scope> {
  return scopeOf(deps.moderation.staff, requireUser(request, deps).user);
}

/** What a moderator's decision needs, for the console's routes and the Discussion's in-stream menu alike. */
export const decisionDepsOf = (deps: Deps): DecisionDeps => ({ comments: deps.comments, stories: deps.stories, change: deps.change, audit: deps.moderation.audit });

/** Queues, decisions (approve, reject, feature, bulk) and users' standing: the moderators' API. */
export const moderationRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addSchema(QueueItemSchema);
  const decisionDeps = decisionDepsOf(deps);
  const userDeps: UserAdminDeps = deps.useCases.userAdmin;
  const tags = ['moderation'];
  const Item = Type.Ref(QueueItemSchema);

  app.get(
    '/api/v1/admin/moderation/queues',
    { schema: { tags, summary: 'How many comments wait in each queue (within the caller’s sites and filters)', querystring: Type.Object(Filters), response: { 200: Type.Object({ counts: QueueCounts }), ...errors(401, 403) } } },
    async (request) => {
      const scope = await moderatorScope(request, deps);
      if (request.query.siteId) assertSite(scope, request.query.siteId);
      return { counts: await deps.moderation.queues.counts({ siteIds: scope.siteIds, ...request.query }) };
    },
  );

  app.get(
    '/api/v1/admin/moderation/queues/:queue',
    {
      schema: {
        tags,
        summary: 'The comments of a queue, newest first',
        params: Type.Object({ queue: QueueName }),
        querystring: Type.Object({ ...Filters, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), cursor: Type.Optional(Type.String({ maxLength: 300 })) }),
        response: { 200: Type.Object({ comments: Type.Array(Item), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const scope = await moderatorScope(request, deps);
      const { limit, cursor, ...filters } = request.query;
      if (filters.siteId) assertSite(scope, filters.siteId);
      const page = await deps.moderation.queues.list(request.params.queue, { siteIds: scope.siteIds, ...filters }, { limit: limit ?? 30, cursor });
      return { comments: page.items, nextCursor: page.nextCursor };
    },
  );

  const Decided = Type.Object({ comment: Type.Object({ id: Type.String(), status: Type.String(), featured: Type.Boolean(), rejectionReason: Type.Union([Type.String(), Type.Null()]) }) });
  const decided = (c: Awaited<ReturnType<typeof decide>>) => ({ comment: { id: c.id, status: c.status, featured: c.featured ?? false, rejectionReason: c.rejectionReason ?? null } });

  app.post(
    '/api/v1/admin/moderation/comments/:id/approve',
    { schema: { tags, summary: 'Publish a comment (kept as an example of acceptable text)', params: IdParams, response: { 200: Decided, ...errors(401, 403, 404, 409) } } },
    async (request) => decided(await decide(decisionDeps, await moderatorScope(request, deps), request.params.id, { action: 'approve' })),
  );

  app.post(
    '/api/v1/admin/moderation/comments/:id/reject',
    { schema: { tags, summary: 'Reject a comment; the reason is shown to its author', params: IdParams, body: DecisionBody, response: { 200: Decided, ...errors(400, 401, 403, 404, 409) } } },
    async (request) => decided(await decide(decisionDeps, await moderatorScope(request, deps), request.params.id, { action: 'reject', reason: request.body.reason, kind: request.body.kind })),
  );

  app.post(
    '/api/v1/admin/moderation/comments/:id/withdraw',
    { schema: { tags, summary: 'Take a published comment out of view and back into the queue for another look', params: IdParams, response: { 200: Decided, ...errors(400, 401, 403, 404, 409) } } },
    async (request) => decided(await decide(decisionDeps, await moderatorScope(request, deps), request.params.id, { action: 'withdraw' })),
  );

  app.post(
    '/api/v1/admin/moderation/comments/:id/dismiss-reports',
    { schema: { tags, summary: 'Keep a reported comment as it is and clear its open reports (audited; emits comment.reports_dismissed)', params: IdParams, response: { 200: Decided, ...errors(400, 401, 403, 404, 409) } } },
    async (request) => decided(await decide(decisionDeps, await moderatorScope(request, deps), request.params.id, { action: 'dismiss_reports' })),
  );

  app.post(
    '/api/v1/admin/moderation/comments/:id/feature',
    {
      schema: {
        tags,
        summary: 'Feature (or stop featuring) a comment; featuring a held comment publishes it',
        params: IdParams,
        body: Type.Object({ featured: Type.Boolean() }),
        response: { 200: Decided, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => decided(await decide(decisionDeps, await moderatorScope(request, deps), request.params.id, { action: 'feature', featured: request.body.featured })),
  );

  app.post(
    '/api/v1/admin/moderation/comments/bulk',
    {
      schema: {
        tags,
        summary: 'One decision on many comments; each is checked and audited alone',
        body: Type.Object({ ids: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 200 }), action: literals(['approve', 'reject', 'feature', 'dismiss_reports'] as const), ...DecisionBody.properties }),
        response: { 200: Type.Object({ done: Type.Array(Type.String()), failed: Type.Array(Type.Object({ id: Type.String(), code: Type.String() })) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const scope = await moderatorScope(request, deps);
      const b = request.body;
      const d: Decision = b.action === 'reject' ? { action: 'reject', reason: b.reason, kind: b.kind } : b.action === 'feature' ? { action: 'feature', featured: true } : b.action === 'dismiss_reports' ? { action: 'dismiss_reports' } : { action: 'approve' };
      return decideMany(decisionDeps, scope, b.ids, d);
    },
  );

  const UserFileSchema = Type.Object({
    user: Type.Object({ id: Type.String(), displayName: Type.String(), role: Type.String(), createdAt: Type.String() }),
    standing: StandingSchema,
    counts: Type.Object({ published: Type.Integer(), pending: Type.Integer(), rejected: Type.Integer() }),
    notes: Type.Array(Type.Object({ id: Type.String(), body: Type.String(), authorName: Type.String(), createdAt: Type.String() })),
    recent: Type.Array(Type.Object({ id: Type.String(), excerpt: Type.String(), status: Type.String(), createdAt: Type.String(), storyTitle: Type.String(), permalink: Type.String() }), { description: 'The latest 10 comments on the site.' }),
  });

  app.get(
    '/api/v1/admin/moderation/sites/:siteId/users/:userId',
    { schema: { tags, summary: 'A user on a site: standing, counts, moderators’ notes', params: SiteUserParams, response: { 200: UserFileSchema, ...errors(401, 403, 404) } } },
    async (request) => userFile(userDeps, await moderatorScope(request, deps), request.params.siteId, request.params.userId),
  );

  app.patch(
    '/api/v1/admin/moderation/sites/:siteId/users/:userId',
    {
      schema: {
        tags,
        summary: 'Ban (hideComments: also reject all their comments on the site), suspend for some hours (0 lifts it), or always pre-moderate a user on a site',
        params: SiteUserParams,
        body: Type.Object({
          banned: Type.Optional(Type.Boolean()),
          suspendHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 24 * 365 })),
          premoderate: Type.Optional(Type.Boolean()),
          hideComments: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Type.Object({ standing: StandingSchema, hidden: Type.Integer() }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => changeStanding(userDeps, await moderatorScope(request, deps), request.params.siteId, request.params.userId, request.body),
  );

  app.post(
    '/api/v1/admin/moderation/sites/:siteId/users/:userId/notes',
    {
      schema: {
        tags,
        summary: 'Add a moderator note about a user',
        params: SiteUserParams,
        body: Type.Object({ body: Type.String({ minLength: 1, maxLength: 2000 }) }),
        response: { 201: Type.Object({ note: Type.Object({ id: Type.String() }) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send({ note: await addNote(userDeps, await moderatorScope(request, deps), request.params.siteId, request.params.userId, request.body.body) }),
  );
};
