import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { COMMENT_SORTS, REPORT_REASONS } from '../comments/model.js';
import { deleteComment, editComment, listComments, postComment, reportComment, setReaction } from '../comments/use-cases.js';
import { commentContext } from '../comments/context.js';
import { commentUrl } from '../comments/permalink.js';
import { guestsAllowed } from '../guests/use-cases.js';
import { getStory } from '../stories/use-cases.js';
import { requireUser } from './context.js';
import { presentComment, presentStory } from './presenters.js';
import { CommentSchema, errors, IdParams, StoryIdParams, StorySchema } from './schemas.js';
import { writeBudget } from './write-budget.js';

const literalUnion = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const CommentResult = Type.Object({ comment: Type.Ref(CommentSchema) });
const ReactionResult = Type.Object({ reactionCount: Type.Integer(), reacted: Type.Boolean() });
const ContextResult = Type.Object({
  story: Type.Ref(StorySchema),
  url: Type.String({ description: 'The comment’s permalink: the story’s page with #comment-<id>.' }),
  ancestors: Type.Array(Type.Ref(CommentSchema), { description: 'The comment’s visible ancestors, the top-level comment first, each without its replies.' }),
  comment: Type.Ref(CommentSchema),
  thread: Type.Ref(CommentSchema, { description: 'The top-level comment with every visible reply nested: one item of a page of comments, to put in the list.' }),
});

/** Reading, posting, editing, deleting, reacting to and reporting comments. */
export const commentRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const cd = deps.commentDeps;
  // One budget per reader across every write route (write-budget.ts), not one per route.
  const writeLimit = writeBudget(app, deps);

  app.get(
    '/api/v1/stories/:storyId/comments',
    {
      schema: {
        tags: ['comments'],
        summary: 'A page of top-level comments, each with its replies nested',
        params: StoryIdParams,
        querystring: Type.Object({
          sort: Type.Optional(literalUnion(COMMENT_SORTS)),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: {
          200: Type.Object({
            comments: Type.Array(Type.Ref(CommentSchema)),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
            totalCount: Type.Integer(),
            eventSeq: Type.Integer({ description: 'The story’s event number when read: open the live stream with ?lastEventId= this to miss nothing.' }),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (request, reply) => {
      const viewerId = request.auth?.user.id ?? null;
      const sort = request.query.sort ?? 'newest';
      const limit = request.query.limit ?? 20;
      const { storyId } = request.params;
      // Anonymous first pages are the hot path of a busy story: served pre-serialised from the cache.
      const cacheKey = viewerId === null && !request.query.cursor ? `${storyId}:${sort}:${limit}` : null;
      const { cache, events } = deps.realtime;
      if (!cacheKey) {
        const story = await getStory(deps, storyId);
        // Read before the page: an event in between is then sent again rather than missed (the widget dedupes).
        const eventSeq = (await events.currentSeq(story.id)) ?? 0;
        const page = await listComments(cd, { story, viewerId, sort, limit, cursor: request.query.cursor });
        return { ...page, comments: page.comments.map((c) => presentComment(c, viewerId)), eventSeq };
      }
      const body = await cache.load(cacheKey, storyId, () => events.currentSeq(storyId), async () => {
        const story = await getStory(deps, storyId);
        const seq = (await events.currentSeq(story.id)) ?? 0;
        const page = await listComments(cd, { story, viewerId: null, sort, limit });
        return { seq, body: Buffer.from(JSON.stringify({ ...page, comments: page.comments.map((c) => presentComment(c, null)), eventSeq: seq })) };
      });
      // Bytes are sent as they are: Fastify serialises only objects.
      return reply.type('application/json; charset=utf-8').send(body as never);
    },
  );

  app.get(
    '/api/v1/comments/:id/context',
    {
      schema: {
        tags: ['comments'],
        summary: 'One comment in its thread, for its permalink (#comment-<id>), wherever it is in the discussion',
        description: 'A comment readers cannot see (held, rejected, deleted) answers 404 COMMENT_NOT_FOUND, as an unknown id does; its own author still gets a held comment.',
        params: IdParams,
        response: { 200: ContextResult, ...errors(404) },
      },
    },
    async (request) => {
      const viewerId = request.auth?.user.id ?? null;
      const ctx = await commentContext(cd, { commentId: request.params.id, viewerId });
      const now = Date.now();
      return {
        story: presentStory(ctx.story, { guests: await guestsAllowed(deps.publisher, ctx.story.siteId) }),
        url: commentUrl(ctx.story.url, ctx.comment.id),
        ancestors: ctx.ancestors.map((c) => presentComment(c, viewerId, now)),
        comment: presentComment(ctx.comment, viewerId, now),
        thread: presentComment(ctx.thread, viewerId, now),
      };
    },
  );

  app.post(
    '/api/v1/stories/:storyId/comments',
    {
      schema: {
        tags: ['comments'],
        summary: 'Post a comment, or a reply with parentId',
        params: StoryIdParams,
        body: Type.Object({ body: Type.String({ maxLength: 200_000 }), parentId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])) }),
        response: { 201: CommentResult, ...errors(400, 401, 403, 404, 409, 413, 429) },
      },
      preHandler: writeLimit,
    },
    async (request, reply) => {
      const { user } = requireUser(request, deps);
      const story = await getStory(deps, request.params.storyId);
      const comment = await postComment(cd, { story, author: user, body: request.body.body, parentId: request.body.parentId ?? undefined });
      return reply.status(201).send({ comment: presentComment(comment, user.id) });
    },
  );

  app.patch(
    '/api/v1/comments/:id',
    {
      schema: {
        tags: ['comments'],
        summary: 'Edit one’s own comment within 5 minutes of posting (previous versions are kept)',
        params: IdParams,
        body: Type.Object({ body: Type.String({ maxLength: 200_000 }) }),
        response: { 200: CommentResult, ...errors(400, 401, 403, 404, 409, 413, 429) },
      },
      preHandler: writeLimit,
    },
    async (request) => {
      const { user } = requireUser(request, deps);
      return { comment: presentComment(await editComment(cd, { commentId: request.params.id, user, body: request.body.body }), user.id) };
    },
  );

  app.delete(
    '/api/v1/comments/:id',
    { schema: { tags: ['comments'], summary: 'Delete one’s own comment (a tombstone keeps its replies in place)', params: IdParams, response: { 200: CommentResult, ...errors(401, 403, 404, 429) } }, preHandler: writeLimit },
    async (request) => {
      const { user } = requireUser(request, deps);
      return { comment: presentComment(await deleteComment(cd, { commentId: request.params.id, user }), user.id) };
    },
  );

  for (const [method, on] of [['post', true], ['delete', false]] as const) {
    app[method](
      '/api/v1/comments/:id/reaction',
      { schema: { tags: ['comments'], summary: on ? 'Give “Respect”' : 'Take back “Respect”', params: IdParams, response: { 200: ReactionResult, ...errors(401, 403, 404, 409, 429) } }, preHandler: writeLimit },
      async (request) => {
        const { user } = requireUser(request, deps);
        return setReaction(cd, { commentId: request.params.id, user, on });
      },
    );
  }

  app.post(
    '/api/v1/comments/:id/reports',
    {
      schema: {
        tags: ['comments'],
        summary: 'Report a comment to the moderators',
        params: IdParams,
        body: Type.Object({ reason: literalUnion(REPORT_REASONS), note: Type.Optional(Type.String({ maxLength: 1000 })) }),
        response: { 201: Type.Object({ report: Type.Object({ id: Type.String() }) }), ...errors(400, 401, 403, 404, 409, 429) },
      },
      preHandler: writeLimit,
    },
    async (request, reply) => {
      const { user } = requireUser(request, deps);
      const report = await reportComment(cd, { commentId: request.params.id, user, reason: request.body.reason, note: request.body.note });
      return reply.status(201).send({ report });
    },
  );
};
