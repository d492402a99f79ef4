import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { commentUrl } from '../comments/permalink.js';
import { checkUnsubscribeToken } from '../notifications/service.js';
import { NOTIFY_MODES } from '../notifications/settings.js';
import { html } from '../pages/html.js';
import { layout } from '../pages/layout.js';
import { pickLang, type Lang } from '../../i18n/discussion.js';
import { requireUser } from './context.js';
import { errors } from './schemas.js';
import { securityPolicy } from './security-headers.js';

const NotificationSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('reply'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('featured')]),
  commentId: Type.String(),
  url: Type.String({ description: 'The comment’s permalink: its story’s page with #comment-<id>.' }),
  story: Type.Object({ id: Type.String(), title: Type.String(), url: Type.String() }),
  actorName: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  read: Type.Boolean(),
});
const SettingsSchema = Type.Object({
  mode: Type.Union(NOTIFY_MODES.map((m) => Type.Literal(m)), { description: 'immediate: one email each; digest: one a day; none' }),
  lang: Type.Union([Type.Literal('en'), Type.Literal('fr'), Type.Null()]),
  hasEmail: Type.Boolean({ description: 'False when we have no address to write to.' }),
});

const unsubscribePage = (lang: Lang, done: boolean, action: string) => {
  const fr = lang === 'fr';
  const title = fr ? 'Notifications par e-mail' : 'Email notifications';
  const body = done
    ? html`<h1>${title}</h1><p role="status">${fr ? 'C’est fait : vous ne recevrez plus d’e-mails de notification.' : 'Done: you will not receive notification emails any more.'}</p><p><a href="/profile">${fr ? 'Réglages' : 'Settings'}</a></p>`
    : html`<h1>${title}</h1><form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${fr ? 'Ne plus recevoir ces e-mails' : 'Stop these emails'}</button></form>`;
  return layout({ lang, title, body });
};

/** Readers' notifications (the API behind a bell), their settings, and one-click unsubscribe from emails. */
export const notificationRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const nd = deps.publisher.notificationDeps;

  app.get(
    '/api/v1/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The signed-in reader’s notifications, newest first, and how many are unread',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
        response: { 200: Type.Object({ notifications: Type.Array(NotificationSchema), unreadCount: Type.Integer() }), ...errors(401) },
      },
    },
    async (request) => {
      const { user } = requireUser(request, deps);
      const [list, unreadCount] = await Promise.all([nd.notifications.list(user.id, request.query.limit ?? 30), nd.notifications.unreadCount(user.id)]);
      return {
        notifications: list.map((n) => ({ id: n.id, kind: n.kind, commentId: n.commentId, url: commentUrl(n.storyUrl, n.commentId), story: { id: n.storyId, title: n.storyTitle, url: n.storyUrl }, actorName: n.actorName, reason: n.reason, createdAt: n.createdAt, read: n.readAt !== null })),
        unreadCount,
      };
    },
  );

  app.post(
    '/api/v1/notifications/read',
    { schema: { tags: ['notifications'], summary: 'Mark notifications read (all when no ids)', body: Type.Object({ ids: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })) }), response: { 204: Type.Null(), ...errors(401, 403) } } },
    async (request, reply) => {
      const { user } = requireUser(request, deps);
      await nd.notifications.markRead(user.id, request.body.ids ?? null);
      return reply.status(204).send(null);
    },
  );

  const readSettings = async (userId: string) => {
    const s = await nd.readerSettings.get(userId);
    return { mode: s.mode, lang: s.lang, hasEmail: s.email !== null };
  };
  app.get('/api/v1/me/notification-settings', { schema: { tags: ['notifications'], summary: 'How the reader is notified', response: { 200: SettingsSchema, ...errors(401) } } }, async (request) => readSettings(requireUser(request, deps).user.id));
  app.put(
    '/api/v1/me/notification-settings',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Choose immediate emails, a daily digest or none, and the language of emails',
        body: Type.Object({ mode: Type.Optional(SettingsSchema.properties.mode), lang: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('fr')])) }),
        response: { 200: SettingsSchema, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const { user } = requireUser(request, deps);
      await nd.readerSettings.update(user.id, request.body);
      return readSettings(user.id);
    },
  );

  // One-click unsubscribe (RFC 8058): mail clients POST "List-Unsubscribe=One-Click" as a form; the link's token is
  // the credential. A GET (a person clicking) only shows a button, so link scanners that prefetch cannot unsubscribe.
  await app.register(async (plain) => {
    const scoped = plain.withTypeProvider<TypeBoxTypeProvider>();
    scoped.addContentTypeParser(['application/x-www-form-urlencoded', 'multipart/form-data'], { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => done(null, {}));
    const Query = Type.Object({ u: Type.String({ maxLength: 64 }), t: Type.String({ maxLength: 128 }) });
    const check = (q: { u: string; t: string }) => {
      if (!checkUnsubscribeToken(nd.secret, q.u, q.t)) throw new AppError('INVALID_LINK');
    };
    scoped.get('/unsubscribe', { helmet: securityPolicy.emailLink, schema: { hide: true, querystring: Query } }, async (request, reply) => {
      check(request.query);
      const s = await nd.readerSettings.get(request.query.u);
      const lang = s.lang ?? pickLang(request.headers['accept-language']);
      const action = `/unsubscribe?u=${encodeURIComponent(request.query.u)}&t=${encodeURIComponent(request.query.t)}`;
      return reply.type('text/html; charset=utf-8').send(unsubscribePage(lang, s.mode === 'none', action));
    });
    scoped.post('/unsubscribe', { helmet: securityPolicy.emailLink, schema: { hide: true, querystring: Query } }, async (request, reply) => {
      check(request.query);
      await nd.readerSettings.update(request.query.u, { mode: 'none' });
      const s = await nd.readerSettings.get(request.query.u);
      return reply.type('text/html; charset=utf-8').send(unsubscribePage(s.lang ?? 'en', true, ''));
    });
  });
};
