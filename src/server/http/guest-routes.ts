import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { GUEST_TOKEN } from '../guests/repository.js';
import { guestChallenge, postAsGuest, type GuestDeps } from '../guests/use-cases.js';
import { getStory } from '../stories/use-cases.js';
import { presentComment } from './presenters.js';
import { writeBudget } from './write-budget.js';
import { CommentSchema, errors, StoryIdParams } from './schemas.js';

/** Guest comments: a proof-of-work challenge, then a comment with a name, an email and, after the first, the guest's token. */
export const guestRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const gd: GuestDeps = { siteStore: deps.publisher.siteStore, guests: deps.useCases.guests, users: deps.users, commentDeps: deps.commentDeps, secret: deps.publisher.secret };

  app.get(
    '/api/v1/stories/:storyId/guest-challenge',
    {
      schema: {
        tags: ['guests'],
        summary: 'A proof-of-work challenge: find a nonce so that SHA-256("<challenge>:<nonce>") starts with `difficulty` zero bits',
        params: StoryIdParams,
        response: { 200: Type.Object({ challenge: Type.String(), difficulty: Type.Integer(), expiresAt: Type.String({ format: 'date-time' }) }), ...errors(403, 404) },
      },
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return guestChallenge(gd, await getStory(deps, request.params.storyId));
    },
  );

  app.post(
    '/api/v1/stories/:storyId/guest-comments',
    {
      schema: {
        tags: ['guests'],
        summary: 'Post as a guest (name shown, email never shown); held for review unless the site says otherwise',
        params: StoryIdParams,
        body: Type.Object({
          body: Type.String({ maxLength: 200_000 }),
          parentId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
          name: Type.String({ maxLength: 200 }),
          email: Type.String({ maxLength: 254 }),
          challenge: Type.String({ maxLength: 300 }),
          nonce: Type.String({ maxLength: 64 }),
          guestToken: Type.Optional(Type.String({ pattern: GUEST_TOKEN.source, description: 'The token a previous guest comment returned: comment again as the same guest' })),
        }),
        response: {
          201: Type.Object({
            comment: Type.Ref(CommentSchema),
            guestToken: Type.String({ description: 'Keep it (never share it) to comment again as the same guest; without it each comment is a new guest' }),
          }),
          ...errors(400, 403, 404, 409, 413, 429),
        },
      },
      // Per address: a tighter limit of its own, and the write budget every reader write shares.
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
      preHandler: writeBudget(app, deps),
    },
    async (request, reply) => {
      const story = await getStory(deps, request.params.storyId);
      const { comment, guestToken } = await postAsGuest(gd, { story, ...request.body, parentId: request.body.parentId ?? undefined });
      return reply.status(201).send({ comment: presentComment(comment, null), guestToken });
    },
  );
};
