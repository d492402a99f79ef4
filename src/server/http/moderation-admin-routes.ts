import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { assertAdmin, assertSite, setSiteModerator } from '../moderation/admin/access.js';
import { getSettings, saveSettings, SHIPPED_WORDS } from '../moderation/admin/settings-admin.js';
import { previewThreshold } from '../moderation/admin/threshold-preview.js';
import { retrainSite } from '../moderation/retrain.js';
import { ModerationSettingsSchema } from '../moderation/settings.js';
import { updateStorySettings } from '../stories/manage.js';
import { readStorySettings, StorySettingsSchema } from '../stories/settings.js';
import { getStory } from '../stories/use-cases.js';
import { isFirstParty, setSessionCookie } from './context.js';
import { moderatorScope } from './moderation-routes.js';
import { AuditEntrySchema, literals, SiteParams, SiteUserParams } from './moderation-schemas.js';
import { StoryIdParams } from './schemas.js';
import { presentUser } from './presenters.js';
import { AuthResultSchema, errors, UserSchema } from './schemas.js';

/** The console's own needs: who am I, first-run setup, settings and word lists, audit log, dashboard, retraining, staff. */
export const moderationAdminRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.addSchema(ModerationSettingsSchema);
  const tags = ['moderation'];
  const Settings = Type.Ref(ModerationSettingsSchema);
  const SiteRef = Type.Object({ id: Type.String(), name: Type.String() });

  app.get(
    '/api/v1/admin/moderation/me',
    {
      schema: {
        tags,
        summary: 'The signed-in moderator and the sites they moderate; needsSetup is true while the install has no admin',
        response: { 200: Type.Object({ user: Type.Union([Type.Ref(UserSchema), Type.Null()]), isAdmin: Type.Boolean(), sites: Type.Array(SiteRef), needsSetup: Type.Boolean() }), ...errors(403) },
      },
    },
    async (request) => {
      const setup = await deps.useCases.setup.needed();
      if (!request.auth) return { user: null, isAdmin: false, sites: [], needsSetup: setup };
      const scope = await moderatorScope(request, deps);
      const all = await deps.sites.list();
      const sites = all.filter((s) => scope.siteIds === null || scope.siteIds.includes(s.id)).map((s) => ({ id: s.id, name: s.name }));
      return { user: presentUser(scope.user, true), isAdmin: scope.isAdmin, sites, needsSetup: setup };
    },
  );

  app.post(
    '/api/v1/admin/moderation/setup',
    {
      schema: {
        tags,
        summary: 'First run: create the first admin with the setup token printed in the server log',
        body: Type.Object({ token: Type.String({ maxLength: 200 }), email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 1024 }), displayName: Type.String({ maxLength: 200 }) }),
        response: { 201: AuthResultSchema, ...errors(400, 403, 429) },
      },
      config: { rateLimit: { max: 10, timeWindow: 600_000 } },
    },
    async (request, reply) => {
      const user = await deps.useCases.setup.complete({ ...request.body, lang: request.lang });
      const bearer = await deps.sessions.create(user.id, 'bearer');
      if (isFirstParty(request, deps)) setSessionCookie(reply, deps, (await deps.sessions.create(user.id, 'cookie')).token);
      return reply.status(201).send({ user: presentUser(user, true), token: bearer.token });
    },
  );

  app.get(
    '/api/v1/admin/moderation/sites/:siteId/settings',
    {
      schema: {
        tags,
        summary: 'A site’s moderation settings, with the shipped word lists for reference',
        params: SiteParams,
        response: { 200: Type.Object({ settings: Settings, shippedWords: Type.Object({ banned: Type.Array(Type.String()), suspect: Type.Array(Type.String()), allow: Type.Array(Type.String()) }) }), ...errors(401, 403) },
      },
    },
    async (request) => ({ settings: await getSettings({ moderation: deps.moderation.repo }, await moderatorScope(request, deps), request.params.siteId), shippedWords: { banned: [...SHIPPED_WORDS.banned], suspect: [...SHIPPED_WORDS.suspect], allow: [...SHIPPED_WORDS.allow] } }),
  );

  app.put(
    '/api/v1/admin/moderation/sites/:siteId/settings',
    {
      schema: { tags, summary: 'Replace a site’s moderation settings (mode, thresholds, links, limits, auto-close, words)', params: SiteParams, body: Settings, response: { 200: Type.Object({ settings: Settings }), ...errors(400, 401, 403) } },
    },
    async (request) => {
      const scope = await moderatorScope(request, deps);
      if (!(await deps.sites.get(request.params.siteId))) throw new AppError('NOT_FOUND');
      return { settings: await saveSettings(deps.useCases.settingsAdmin, scope, request.params.siteId, request.body) };
    },
  );

  app.get(
    '/api/v1/admin/moderation/sites/:siteId/threshold-preview',
    {
      schema: {
        tags,
        summary: 'What a toxicity or spam threshold would have caught over the last week, from stored scores; with the model’s own thresholds',
        params: SiteParams,
        querystring: Type.Object({ task: literals(['toxicity', 'spam'] as const), threshold: Type.Number({ minimum: 0, maximum: 1 }) }),
        response: {
          200: Type.Object({ days: Type.Integer(), scored: Type.Integer(), atOrAbove: Type.Integer(), modelDefault: Type.Object({ toxicity: Type.Object({ fr: Type.Number(), en: Type.Number() }), spam: Type.Number() }) }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => previewThreshold(deps.useCases.thresholdPreview, await moderatorScope(request, deps), request.params.siteId, request.query.task, request.query.threshold),
  );

  app.get(
    '/api/v1/admin/moderation/audit',
    {
      schema: {
        tags,
        summary: 'The audit log, newest first: every moderation and settings action with before and after',
        querystring: Type.Object({ siteId: Type.Optional(Type.String({ maxLength: 64 })), targetId: Type.Optional(Type.String({ maxLength: 64 })), actorId: Type.Optional(Type.String({ maxLength: 64 })), action: Type.Optional(Type.String({ maxLength: 64 })), before: Type.Optional(Type.String({ maxLength: 40 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }),
        response: { 200: Type.Object({ entries: Type.Array(AuditEntrySchema) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const scope = await moderatorScope(request, deps);
      const { siteId } = request.query;
      if (siteId) assertSite(scope, siteId);
      const siteIds = siteId ? [siteId] : scope.siteIds;
      return { entries: await deps.moderation.audit.list({ siteIds, before: request.query.before, targetId: request.query.targetId, actorId: request.query.actorId, action: request.query.action, limit: request.query.limit ?? 50 }) };
    },
  );

  app.get(
    '/api/v1/admin/moderation/dashboard',
    {
      schema: {
        tags,
        summary: 'Comments per hour (published, held, rejected) over 48 hours and the week’s most commented stories',
        querystring: Type.Object({ siteId: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: {
          200: Type.Object({
            hours: Type.Array(Type.Object({ hour: Type.String(), published: Type.Integer(), held: Type.Integer(), rejected: Type.Integer() })),
            topStories: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), url: Type.String(), comments: Type.Integer() })),
            totals: Type.Object({ published: Type.Integer(), held: Type.Integer(), rejected: Type.Integer() }),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => {
      const scope = await moderatorScope(request, deps);
      if (request.query.siteId) assertSite(scope, request.query.siteId);
      return deps.useCases.dashboard(scope.siteIds, request.query.siteId);
    },
  );

  const ModelResult = Type.Object({ task: Type.String(), examples: Type.Integer(), heldBack: Type.Integer(), agreementBefore: Type.Union([Type.Number(), Type.Null()]), agreementAfter: Type.Union([Type.Number(), Type.Null()]) });
  app.post(
    '/api/v1/admin/moderation/sites/:siteId/retrain',
    {
      schema: {
        tags,
        summary: 'Retrain the site’s models from its moderators’ decisions',
        params: SiteParams,
        response: { 200: Type.Object({ siteId: Type.String(), models: Type.Array(ModelResult), skipped: Type.Array(Type.Object({ task: Type.String(), examples: Type.Integer() })) }), ...errors(401, 403) },
      },
      config: { rateLimit: { max: 5, timeWindow: 60_000 } },
    },
    async (request) => {
      const scope = await moderatorScope(request, deps);
      assertSite(scope, request.params.siteId);
      return retrainSite(deps.useCases.retrain, request.params.siteId, scope.user.id);
    },
  );

  // A story's own moderation (closed, pre-moderated, auto-close) for any moderator of its site, audited; the story
  // settings route of the publisher API is for global moderators only and keeps no audit.
  const StoryState = Type.Object({ story: Type.Object({ id: Type.String(), siteId: Type.String(), title: Type.String(), url: Type.String(), closed: Type.Boolean() }), settings: StorySettingsSchema });
  const storyState = (story: Awaited<ReturnType<typeof getStory>>, settings: ReturnType<typeof readStorySettings>) => ({
    story: { id: story.id, siteId: story.siteId, title: story.title, url: story.url, closed: story.closed },
    settings,
  });
  app.get(
    '/api/v1/admin/moderation/stories/:storyId',
    { schema: { tags, summary: 'A story’s moderation state: closed, pre-moderated, auto-close', params: StoryIdParams, response: { 200: StoryState, ...errors(401, 403, 404) } } },
    async (request) => {
      const scope = await moderatorScope(request, deps);
      const story = await getStory(deps, request.params.storyId);
      assertSite(scope, story.siteId);
      return storyState(story, readStorySettings(await deps.stories.rawSettings(story.siteId, story.id)));
    },
  );
  app.patch(
    '/api/v1/admin/moderation/stories/:storyId',
    {
      schema: {
        tags,
        summary: 'Close or reopen a story, pre-moderate it on its own, or close it N days after publication',
        params: StoryIdParams,
        body: Type.Object({ closed: Type.Optional(Type.Boolean()), premoderation: Type.Optional(Type.Boolean()), autoCloseDays: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 1, maximum: 3650 })])) }),
        response: { 200: StoryState, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const scope = await moderatorScope(request, deps);
      const story = await getStory(deps, request.params.storyId);
      assertSite(scope, story.siteId);
      const r = await updateStorySettings({ stories: deps.stories, change: deps.change, audit: deps.moderation.audit }, story, request.body, scope.user.id);
      return storyState(r.story, r.settings);
    },
  );

  const Moderator = Type.Object({ id: Type.String(), displayName: Type.String(), email: Type.Union([Type.String(), Type.Null()]) });
  app.get(
    '/api/v1/admin/moderation/sites/:siteId/moderators',
    { schema: { tags, summary: 'The moderators of one site (admins)', params: SiteParams, response: { 200: Type.Object({ moderators: Type.Array(Moderator) }), ...errors(401, 403) } } },
    async (request) => {
      assertAdmin(await moderatorScope(request, deps));
      return { moderators: await deps.moderation.staff.moderatorsOf(request.params.siteId) };
    },
  );

  app.post(
    '/api/v1/admin/moderation/sites/:siteId/moderators',
    {
      schema: {
        tags,
        summary: 'Make an account a moderator of one site, by email or (a single sign-on reader) by account id (admins)',
        params: SiteParams,
        body: Type.Object({ email: Type.Optional(Type.String({ maxLength: 254 })), userId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
        response: { 201: Type.Object({ moderator: Type.Object({ id: Type.String() }) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const scope = await moderatorScope(request, deps);
      assertAdmin(scope);
      if (!(await deps.sites.get(request.params.siteId))) throw new AppError('NOT_FOUND');
      const { email, userId } = request.body;
      if (!email === !userId) throw new AppError('VALIDATION_FAILED', '(give email or userId, one of them)');
      const who = userId ? { userId } : { email: email ?? '' };
      const id = await setSiteModerator(deps.useCases.siteModerators, scope.user.id, request.params.siteId, who, true);
      return reply.status(201).send({ moderator: { id } });
    },
  );

  app.delete(
    '/api/v1/admin/moderation/sites/:siteId/moderators/:userId',
    { schema: { tags, summary: 'Remove a moderator of one site (admins)', params: SiteUserParams, response: { 204: Type.Null(), ...errors(401, 403) } } },
    async (request, reply) => {
      const scope = await moderatorScope(request, deps);
      assertAdmin(scope);
      await setSiteModerator(deps.useCases.siteModerators, scope.user.id, request.params.siteId, { userId: request.params.userId }, false);
      return reply.status(204).send(null);
    },
  );
};
