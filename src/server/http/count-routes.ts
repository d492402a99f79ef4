import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { commentCounts, MAX_COUNT_URLS } from '../stories/counts.js';
import { getStory } from '../stories/use-cases.js';
import { renderAtom } from '../feeds/atom.js';
import { discussionStrings, pickLang } from '../../i18n/discussion.js';
import { errors, StoryIdParams } from './schemas.js';

/** Comment counts for list pages (count.js), and the Atom feed of a story's comments. */
export const countRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.get(
    '/api/v1/counts',
    {
      schema: {
        tags: ['stories'],
        summary: 'Published comment counts of many pages in one request, with the text to show ("12 commentaires")',
        querystring: Type.Object({
          url: Type.Array(Type.String({ maxLength: 2048 }), { minItems: 1, maxItems: MAX_COUNT_URLS }),
          lang: Type.Optional(Type.String({ maxLength: 35 })),
        }),
        response: { 200: Type.Object({ counts: Type.Record(Type.String(), Type.Object({ count: Type.Integer(), text: Type.String() })) }), ...errors(400) },
      },
    },
    async (request, reply) => {
      const t = discussionStrings[pickLang(request.query.lang ?? request.headers['accept-language'])];
      const counts = await commentCounts(deps, request.query.url);
      // Public and identical for every reader: let browsers and CDNs keep it a minute, and serve stale while refreshing.
      reply.header('cache-control', 'public, max-age=60, stale-while-revalidate=300');
      return { counts: Object.fromEntries([...counts].map(([url, count]) => [url, { count, text: t.commentCount(count) }])) };
    },
  );

  app.get(
    '/api/v1/stories/:storyId/comments.atom',
    { schema: { tags: ['stories'], summary: 'Atom feed of the story’s latest published comments', params: StoryIdParams, produces: ['application/atom+xml'] } },
    async (request, reply) => {
      const story = await getStory(deps, request.params.storyId);
      const self = `${deps.config.publicUrl}/api/v1/stories/${encodeURIComponent(story.id)}/comments.atom`;
      const xml = renderAtom(story, await deps.useCases.latestPublished(story), self, story.lang);
      return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=60').send(xml);
    },
  );
};
