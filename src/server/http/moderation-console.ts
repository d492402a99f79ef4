import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { featuredComments, MAX_FEATURED } from '../moderation/featured.js';
import { getStory } from '../stories/use-cases.js';
import { presentComment } from './presenters.js';
import { CommentSchema, errors, StoryIdParams } from './schemas.js';
import { moderationAdminRoutes } from './moderation-admin-routes.js';
import { moderationQualityRoutes } from './moderation-quality-routes.js';
import { moderationRoutes } from './moderation-routes.js';
import { securityPolicy } from './security-headers.js';
import { streamModerationRoutes } from './stream-moderation-routes.js';
import { moderationLiveRoutes } from './moderation-live-routes.js';

const SHELL = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Agora · Moderation</title>
<style>body{margin:0;font:15px/1.45 system-ui,sans-serif;background:#f6f6f4;color:#1d1d1b}</style></head>
<body><div id="app"><p style="padding:1rem">Chargement… / Loading…</p></div>
<noscript><p style="padding:1rem">La console de modération a besoin de JavaScript. The moderation console needs JavaScript.</p></noscript>
<script src="/admin.js" defer></script></body></html>`;

/**
 * The moderation console at /admin (a single-page app, /admin.js) and its API. On start, an install without an admin
 * prints a one-time setup token in the log: the first-run path to the first admin.
 */
export const moderationConsole: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  await app.register(moderationRoutes, { deps });
  await app.register(moderationAdminRoutes, { deps });
  await app.register(moderationQualityRoutes, { deps });
  await app.register(streamModerationRoutes, { deps });
  await app.register(moderationLiveRoutes, { deps });

  // Readers' side of featuring: the comments moderators picked, for the Discussion's Featured tab.
  app.get(
    '/api/v1/stories/:storyId/featured',
    {
      schema: {
        tags: ['comments'],
        summary: `The story's featured comments, newest first (at most ${MAX_FEATURED})`,
        params: StoryIdParams,
        response: { 200: Type.Object({ comments: Type.Array(Type.Ref(CommentSchema)) }), ...errors(404) },
      },
    },
    async (request) => {
      const story = await getStory(deps, request.params.storyId);
      const viewerId = request.auth?.user.id ?? null;
      return { comments: (await featuredComments(deps, story.siteId, story.id)).map((c) => presentComment(c, viewerId)) };
    },
  );

  for (const path of ['/admin', '/admin/*']) {
    app.get(path, { schema: { hide: true }, helmet: securityPolicy.console }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(SHELL),
    );
  }

  app.addHook('onReady', async () => {
    const token = await deps.useCases.setup.issueToken();
    if (token) app.log.warn(`No administrator yet. Open ${deps.config.publicUrl}/admin and use the setup token ${token} (or run: npx agora admin create --email … --password …)`);
  });
};
