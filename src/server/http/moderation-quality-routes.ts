import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { assertSite } from '../moderation/admin/access.js';
import { moderatorScope } from './moderation-routes.js';
import { SiteParams } from './moderation-schemas.js';
import { errors } from './schemas.js';

const Figures = { holdPrecision: Type.Union([Type.Number(), Type.Null()]), missedRejections: Type.Union([Type.Number(), Type.Null()]) };

/** The console's "model quality" view (issue 15): shipped vs site model on the site's last decisions. Read-only. */
export const moderationQualityRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.get(
    '/api/v1/admin/moderation/sites/:siteId/model-quality',
    {
      schema: {
        tags: ['moderation'],
        summary: 'How the shipped and the site’s own models would have decided the site’s last decisions',
        params: SiteParams,
        querystring: Type.Object({ last: Type.Optional(Type.Integer({ minimum: 10, maximum: 1000, default: 200 })) }),
        response: {
          200: Type.Object({
            models: Type.Array(
              Type.Object({
                task: Type.String(),
                decisions: Type.Integer(),
                rejected: Type.Integer(),
                shipped: Type.Object(Figures),
                site: Type.Union([Type.Object({ ...Figures, trainedAt: Type.String(), examples: Type.Integer() }), Type.Null()]),
              }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const scope = await moderatorScope(request, deps);
      assertSite(scope, request.params.siteId);
      return { models: await deps.useCases.modelQuality(request.params.siteId, request.query.last ?? 200) };
    },
  );
};
