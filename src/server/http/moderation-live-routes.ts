import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { startEventStream } from './event-stream.js';
import { moderatorScope } from './moderation-routes.js';
import { errors } from './schemas.js';

/**
 * The console's live queue counts (issue 13, point 6): a Server-Sent Events stream per moderator that says which of
 * their sites' queues moved, so the console asks for its counts when comments arrive rather than every 15 s. The
 * console sends its bearer token in the Authorization header (it reads the stream with fetch, not EventSource, so
 * the token never sits in a URL or an access log).
 */
export const moderationLiveRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const { queues } = deps.realtime;
  app.get(
    '/api/v1/admin/moderation/live',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Server-Sent Events for the console: `queues` {siteIds} when comments of those sites (within the caller’s scope) arrive or change',
        description: 'Only site ids: ask GET /api/v1/admin/moderation/queues for the counts. Comment lines (": hb") are heartbeats.',
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errors(401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      const scope = await moderatorScope(request, deps);
      if (!queues.admits(scope.user.id)) throw new AppError('TOO_MANY_STREAMS', undefined, { retryAfterSeconds: 30 });
      queues.open(startEventStream(request, reply), scope.user.id, scope.siteIds);
    },
  );
};
