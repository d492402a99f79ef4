import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { guestsAllowed } from '../guests/use-cases.js';
import { pageReader } from '../stories/page-check.js';
import type { Story } from '../stories/repository.js';
import { getStory, lookupStory, type StoryDeps } from '../stories/use-cases.js';
import { clientKey } from './client-key.js';
import { presentStory } from './presenters.js';
import { errors, StoryIdParams, StorySchema } from './schemas.js';

/** Finding (and on first view creating) the story of a page. */
export const storyRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const present = async (story: Story) => presentStory(story, { guests: await guestsAllowed(deps.publisher, story.siteId) });
  const storyDeps: StoryDeps = { stories: deps.stories, origins: deps.origins, change: deps.change, pages: pageReader(deps), creating: new Map() };

  // Counted only when a lookup would create a story: each creation costs a fetch of the publisher's page, an insert
  // and a story.created webhook, and 120 anonymous lookups of made-up URLs once made 120 stories. Reading existing
  // stories stays unlimited (every reader of every article does it). The key is prefixed because this limiter's
  // counters share the rate-limit store (Redis on several nodes) with the per-route ones.
  const creations = app.createRateLimit({ max: deps.config.storyCreationsPerHour, timeWindow: 3_600_000, keyGenerator: (req) => `story-create:${clientKey(req)}` });
  const admitCreation = (request: FastifyRequest) => async () => {
    const verdict = await creations(request);
    if (!verdict.isAllowed && verdict.isExceeded) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: Math.max(1, verdict.ttlInSeconds) });
  };

  app.get(
    '/api/v1/stories/lookup',
    {
      schema: {
        tags: ['stories'],
        summary: 'Find the story of a page URL, creating it on first use when the URL’s origin belongs to a site and the page exists',
        description:
          'A new story is made only for a page that answers 2xx when Agora fetches it, and takes the page’s title (og:title, else <title>); `title` is ignored unless the operator turned that check off (AGORA_STORY_PAGE_CHECK=false). Creations are limited per client (AGORA_STORY_CREATIONS_PER_HOUR).',
        querystring: Type.Object({
          url: Type.String({ minLength: 1, maxLength: 2048 }),
          title: Type.Optional(Type.String({ maxLength: 1000 })),
          lang: Type.Optional(Type.String({ maxLength: 35 })),
        }),
        response: { 200: Type.Object({ story: Type.Ref(StorySchema) }), ...errors(400, 403, 422, 429) },
      },
    },
    async (request) => ({ story: await present(await lookupStory(storyDeps, request.query, admitCreation(request))) }),
  );

  app.get(
    '/api/v1/stories/:storyId',
    { schema: { tags: ['stories'], summary: 'A story by id', params: StoryIdParams, response: { 200: Type.Object({ story: Type.Ref(StorySchema) }), ...errors(404) } } },
    async (request) => ({ story: await present(await getStory(deps, request.params.storyId)) }),
  );
};
