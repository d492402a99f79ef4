import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { createSite, getSite, listSites, rotateSiteSsoSecret, siteSsoSecret, updateSite, type SiteAdminDeps } from '../sites/admin.js';
import { PublisherSettingsSchema, SettingsPatchSchema } from '../sites/settings.js';
import type { SiteRecord } from '../sites/store.js';
import { updateStorySettings } from '../stories/manage.js';
import { StorySettingsSchema } from '../stories/settings.js';
import { getStory } from '../stories/use-cases.js';
import { guestsAllowed } from '../guests/use-cases.js';
import { requiresVerifiedEmail } from '../users/verification.js';
import { assertSite, scopeOf } from '../moderation/admin/access.js';
import { requireRole, requireUser } from './context.js';
import { presentStory } from './presenters.js';
import { errors, StoryIdParams, StorySchema } from './schemas.js';

export const SiteSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    origins: Type.Array(Type.String()),
    lang: Type.String(),
    settings: PublisherSettingsSchema,
    accounts: Type.Optional(Type.Object({ requireVerifiedEmail: Type.Boolean({ description: 'Accounts must confirm their email address before they post.' }) })),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Site' },
);

const SiteParams = Type.Object({ siteId: Type.String({ minLength: 1, maxLength: 64 }) });
const SiteFields = {
  name: Type.Optional(Type.String({ maxLength: 200 })),
  origins: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 50 })),
  lang: Type.Optional(Type.String({ maxLength: 5 })),
  settings: Type.Optional(SettingsPatchSchema),
  accounts: Type.Optional(Type.Object({ requireVerifiedEmail: Type.Boolean() })),
};

/** The public shape of a site for admins (secrets only where asked for), with the accounts feature's own setting. */
export const presentSite = async (deps: Deps, s: SiteRecord) => ({ ...s, accounts: { requireVerifiedEmail: requiresVerifiedEmail((await deps.publisher.siteStore.rawSettings(s.id)) ?? '{}') } });

/** Sites for admins (create, list, update, SSO secret), and story settings for moderators. */
export const siteRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addSchema(SiteSchema);
  const admin: SiteAdminDeps = { siteStore: deps.publisher.siteStore, origins: deps.origins };
  const SiteResult = Type.Object({ site: Type.Ref(SiteSchema) });
  const SiteWithSecret = Type.Object({ site: Type.Ref(SiteSchema), ssoSecret: Type.String({ description: 'HS256 key of the site’s single sign-on tokens.' }) });

  app.get('/api/v1/admin/sites', { schema: { tags: ['sites'], summary: 'Every site (admins)', response: { 200: Type.Object({ sites: Type.Array(Type.Ref(SiteSchema)) }), ...errors(401, 403) } } }, async (request) => {
    requireRole(request, deps, 'admin');
    return { sites: await Promise.all((await listSites(admin)).map((s) => presentSite(deps, s))) };
  });

  app.post(
    '/api/v1/admin/sites',
    { schema: { tags: ['sites'], summary: 'Create a site (admins); returns its SSO secret', body: Type.Object({ id: Type.String({ maxLength: 64 }), ...SiteFields }), response: { 201: SiteWithSecret, ...errors(400, 401, 403, 409) } } },
    async (request, reply) => {
      requireRole(request, deps, 'admin');
      const { accounts, ...input } = request.body;
      const { site, ssoSecret } = await createSite(admin, input);
      if (accounts) await deps.useCases.setRequireVerifiedEmail(site.id, accounts.requireVerifiedEmail);
      return reply.status(201).send({ site: await presentSite(deps, site), ssoSecret });
    },
  );

  app.get(
    '/api/v1/admin/sites/:siteId',
    { schema: { tags: ['sites'], summary: 'A site with its SSO secret (admins)', params: SiteParams, response: { 200: SiteWithSecret, ...errors(401, 403, 404) } } },
    async (request) => {
      requireRole(request, deps, 'admin');
      const site = await getSite(admin, request.params.siteId);
      return { site: await presentSite(deps, site), ssoSecret: await siteSsoSecret(admin, site.id) };
    },
  );

  app.patch(
    '/api/v1/admin/sites/:siteId',
    { schema: { tags: ['sites'], summary: 'Change a site’s name, origins, language, settings or accounts.requireVerifiedEmail (admins)', params: SiteParams, body: Type.Object(SiteFields), response: { 200: SiteResult, ...errors(400, 401, 403, 404) } } },
    async (request) => {
      requireRole(request, deps, 'admin');
      const { accounts, ...input } = request.body;
      const site = await updateSite(admin, request.params.siteId, input);
      if (accounts) {
        await deps.useCases.setRequireVerifiedEmail(site.id, accounts.requireVerifiedEmail);
        deps.origins.invalidate();
      }
      return { site: await presentSite(deps, site) };
    },
  );

  app.post(
    '/api/v1/admin/sites/:siteId/sso-secret',
    { schema: { tags: ['sites'], summary: 'Rotate the site’s SSO secret (admins): tokens signed with the old one stop working', params: SiteParams, response: { 200: Type.Object({ ssoSecret: Type.String() }), ...errors(401, 403, 404) } } },
    async (request) => {
      requireRole(request, deps, 'admin');
      return { ssoSecret: await rotateSiteSsoSecret(admin, request.params.siteId) };
    },
  );

  app.patch(
    '/api/v1/stories/:storyId/settings',
    {
      schema: {
        tags: ['stories'],
        summary: 'Open or close a story, auto-close it N days after publication, pre-moderate it, set its message (its site’s moderators)',
        params: StoryIdParams,
        body: Type.Object({
          closed: Type.Optional(Type.Boolean()),
          premoderation: Type.Optional(Type.Boolean()),
          autoCloseDays: Type.Optional(StorySettingsSchema.properties.autoCloseDays),
          message: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
          publishedAt: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
        }),
        response: { 200: Type.Object({ story: Type.Ref(StorySchema), settings: StorySettingsSchema }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { user } = requireUser(request, deps);
      const story = await getStory(deps, request.params.storyId);
      // Admins, global moderators, and the story's site's own moderators (site_moderators).
      assertSite(await scopeOf(deps.moderation.staff, user), story.siteId);
      const r = await updateStorySettings({ stories: deps.stories, change: deps.change, audit: deps.moderation.audit }, story, request.body, user.id);
      return { story: presentStory(r.story, { guests: await guestsAllowed(deps.publisher, story.siteId) }), settings: r.settings };
    },
  );
};
