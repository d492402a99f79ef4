import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { MAX_IGNORED } from '../users/ignored.js';
import { requireUser } from './context.js';
import { errors } from './schemas.js';
import { writeBudget } from './write-budget.js';

const UserIdParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) });
const IgnoredIds = Type.Object({ ignored: Type.Array(Type.String(), { description: 'Ids of the readers the caller ignores: fold comments whose author.id is one of them.' }) });

/** Ignoring readers: their comments are folded for the caller only (issue 12). */
export const ignoredRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const ignored = deps.useCases.ignored;
  const writeLimit = writeBudget(app, deps);

  app.get(
    '/api/v1/me/ignored',
    {
      schema: {
        tags: ['auth'],
        summary: `The readers the caller ignores, most recent first (at most ${MAX_IGNORED})`,
        response: { 200: Type.Object({ users: Type.Array(Type.Object({ id: Type.String(), displayName: Type.String(), since: Type.String({ format: 'date-time' }) })) }), ...errors(401) },
      },
    },
    async (request) => ({ users: await ignored.list(requireUser(request, deps).user.id) }),
  );

  for (const [method, on] of [['post', true], ['delete', false]] as const) {
    app[method](
      '/api/v1/me/ignored/:userId',
      {
        schema: {
          tags: ['auth'],
          summary: on ? 'Ignore a reader: their comments are folded for the caller (nobody else sees a difference)' : 'Stop ignoring a reader',
          params: UserIdParams,
          response: { 200: IgnoredIds, ...errors(...(on ? [400, 401, 403, 404, 409, 429] : [401, 403, 429])) },
        },
        preHandler: writeLimit,
      },
      async (request) => {
        const { user } = requireUser(request, deps);
        await (on ? ignored.ignore(user, request.params.userId) : ignored.unignore(user, request.params.userId));
        return { ignored: await ignored.ids(user.id) };
      },
    );
  }
};
