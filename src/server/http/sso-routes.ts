import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import type { Deps } from '../deps.js';
import { revokeSso, signInWithSso } from '../sso/use-cases.js';
import { presentSelf } from './presenters.js';
import { moderatedSites } from '../moderation/admin/access.js';
import { errors, UserSchema } from './schemas.js';
import { html } from '../pages/html.js';
import { layout } from '../pages/layout.js';
import { pickLang } from '../../i18n/discussion.js';

const SsoBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 8192, description: 'The JWT the publisher signed for its signed-in reader.' }),
  siteId: Type.Optional(Type.String({ maxLength: 64, description: 'The Agora site id; must equal the token’s aud. Defaults to aud.' })),
});

/** Single sign-on: exchange a publisher's JWT for an Agora session, and revoke on the publisher's logout. */
export const ssoRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const limit = { rateLimit: { max: 60, timeWindow: 60_000 } };
  app.post(
    '/api/v1/auth/sso',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a publisher’s single sign-on token (JWT) for a bearer session',
        body: SsoBody,
        response: { 200: Type.Object({ user: Type.Ref(UserSchema), token: Type.String(), siteId: Type.String() }), ...errors(400, 401, 429, 503) },
      },
      config: limit,
    },
    async (request) => {
      const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const current = request.auth?.via === 'bearer' && request.auth.scope === 'embed' && presented ? { userId: request.auth.user.id, token: presented, siteId: request.auth.siteId } : undefined;
      const r = await signInWithSso(deps.publisher.ssoDeps, { ...request.body, current });
      // A reader the publisher made a moderator of its site (by account id) gets the Discussion's menu at once.
      return { user: presentSelf(r.user, await moderatedSites(deps.moderation.staff, r.user, r.siteId)), token: r.token, siteId: r.siteId };
    },
  );

  app.post(
    '/api/v1/auth/sso/revoke',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign a reader out for the publisher: refuses this token and older ones of the same reader, ends their sessions',
        body: SsoBody,
        response: { 204: Type.Null(), ...errors(400, 401, 429, 503) },
      },
      config: limit,
    },
    async (request, reply) => {
      await revokeSso(deps.publisher.ssoDeps, request.body);
      return reply.status(204).send(null);
    },
  );
};

/**
 * Enforces "local accounts off" for a site: password sign-up and sign-in from its pages, and the sign-in window
 * opened for it, are refused. A hook rather than a change to the account routes, which stay site-agnostic.
 */
export const localAccountsGuard = fp(async (app: FastifyInstance, opts: { deps: Deps }) => {
  const { deps } = opts;
  const localOff = async (origin: string | undefined) => {
    if (!origin) return false;
    const site = await deps.origins.siteForOrigin(origin);
    if (!site || origin === new URL(deps.config.publicUrl).origin) return false;
    return (await deps.publisher.siteStore.get(site.id))?.settings.localAccounts === false;
  };
  app.addHook('preHandler', async (request, reply) => {
    const url = request.routeOptions.url;
    if (request.method === 'POST' && (url === '/api/v1/auth/login' || url === '/api/v1/auth/signup')) {
      if (await localOff(request.headers.origin)) throw new AppError('LOCAL_ACCOUNTS_DISABLED');
    } else if (request.method === 'GET' && url === '/auth/popup') {
      const origin = (request.query as { origin?: string }).origin;
      if (await localOff(origin)) {
        const lang = pickLang((request.query as { lang?: string }).lang ?? request.headers['accept-language']);
        const msg = lang === 'fr' ? 'Connectez-vous avec votre compte sur le site du journal : la discussion vous reconnaîtra.' : 'Sign in with your account on the newspaper’s website: the discussion will recognise you.';
        const body = html`<h1>${lang === 'fr' ? 'Connexion' : 'Sign in'}</h1><p role="alert">${msg}</p>`;
        return reply.status(403).type('text/html; charset=utf-8').send(layout({ lang, title: lang === 'fr' ? 'Connexion' : 'Sign in', body }));
      }
    }
  });
});
