import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { guestsAllowed } from '../guests/use-cases.js';
import type { Story } from '../stories/repository.js';
import { getStory, lookupStory } from '../stories/use-cases.js';
import { presentStory } from './presenters.js';
import { errors, StoryIdParams, StorySchema } from './schemas.js';

/** Finding (and on first view creating) the story of a page. */
export const storyRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const present = async (story: Story) => presentStory(story, { guests: await guestsAllowed(deps.publisher, story.siteId) });

  app.get(
    '/api/v1/stories/lookup',
    {
      schema: {
        tags: ['stories'],
        summary: 'Find the story of a page URL, creating it on first use when the URL’s origin belongs to a site',
        querystring: Type.Object({
          url: Type.String({ minLength: 1, maxLength: 2048 }),
          title: Type.Optional(Type.String({ maxLength: 1000 })),
          lang: Type.Optional(Type.String({ maxLength: 35 })),
        }),
        response: { 200: Type.Object({ story: Type.Ref(StorySchema) }), ...errors(400, 403) },
      },
    },
    async (request) => ({ story: await present(await lookupStory(deps, request.query)) }),
  );

  app.get(
    '/api/v1/stories/:storyId',
    { schema: { tags: ['stories'], summary: 'A story by id', params: StoryIdParams, response: { 200: Type.Object({ story: Type.Ref(StorySchema) }), ...errors(404) } } },
    async (request) => ({ story: await present(await getStory(deps, request.params.storyId)) }),
  );
};
