import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import * as client from 'openid-client';
import { pickLang, type Lang } from '../../i18n/discussion.js';
import { AppError, errorCatalog, type ErrorCode } from '../errors.js';
import type { Deps } from '../deps.js';
import { addProvider, listProviders, removeProvider } from '../oidc/admin.js';
import { callbackPath } from '../oidc/deps.js';
import { FLOW_COOKIE, FLOW_TTL_MS, openFlow, sealFlow, type Flow } from '../oidc/flow.js';
import { renderOidcDone, renderOidcError } from '../oidc/pages.js';
import { requireRole, setSessionCookie } from './context.js';
import { errors } from './schemas.js';
import { securityPolicy } from './security-headers.js';

const ProviderSchema = Type.Object({
  siteId: Type.String(),
  slug: Type.String(),
  label: Type.String(),
  issuer: Type.String(),
  clientId: Type.String(),
  clientSecretHint: Type.String({ description: 'The secret’s last four characters; the secret itself is never returned.' }),
  createdAt: Type.String({ format: 'date-time' }),
});
const SiteParams = Type.Object({ siteId: Type.String({ minLength: 1, maxLength: 64 }) });
// The sign-in pages take one request per click and the start asks the provider (discovery): bounded per address.
const PAGE_RATE = { rateLimit: { max: 30, timeWindow: 60_000 } };

/**
 * Sign-in with identity providers: the start (a provider's button in the sign-in window) and the callback (the
 * provider sends the reader back), both pages of the sign-in window; and the admins' API of a site's providers.
 */
export const oidcRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const { oidc } = deps;
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: deps.config.publicUrl.startsWith('https:'), path: callbackPath };

  /** The page of a failed sign-in: the catalog's status and message, and (when the page is known) a way back. */
  function fail(reply: FastifyReply, lang: Lang, err: unknown, retry: { origin: string } | null) {
    const code: ErrorCode = err instanceof AppError ? err.code : 'INTERNAL';
    // The operator reads what the reader is not told: which check failed, which provider was down.
    if (code !== 'OIDC_CANCELLED') reply.log.warn({ err, code }, 'OpenID Connect sign-in failed');
    const retryHref = retry ? `/auth/popup?origin=${encodeURIComponent(retry.origin)}&lang=${lang}` : null;
    return reply.status(errorCatalog[code].status).type('text/html; charset=utf-8').send(renderOidcError({ lang, code, retryHref }));
  }

  app.get(
    '/auth/oidc/:provider/start',
    {
      helmet: securityPolicy.popup,
      config: PAGE_RATE,
      schema: {
        hide: true,
        params: Type.Object({ provider: Type.String({ minLength: 1, maxLength: 32 }) }),
        querystring: Type.Object({ origin: Type.Optional(Type.String({ maxLength: 300 })), lang: Type.Optional(Type.String({ maxLength: 35 })) }),
      },
    },
    async (request, reply) => {
      const lang = pickLang(request.query.lang ?? request.headers['accept-language']);
      const origin = request.query.origin ?? '';
      // The same rule as the sign-in window: a token is only ever handed to a page of an allowed origin.
      const site = origin === '' ? undefined : await deps.origins.siteForOrigin(origin);
      if (!site) return fail(reply, lang, new AppError('ORIGIN_NOT_ALLOWED'), null);
      // A site that signs readers in itself only (local accounts off) opens no sign-in window; its providers wait.
      if (site.settings.localAccounts === false) return fail(reply, lang, new AppError('LOCAL_ACCOUNTS_DISABLED'), null);
      try {
        const provider = await oidc.repo.get(site.id, request.params.provider);
        if (!provider) throw new AppError('OIDC_PROVIDER_NOT_FOUND');
        const flow: Flow = {
          providerId: provider.id,
          siteId: site.id,
          origin,
          lang,
          state: client.randomState(),
          nonce: client.randomNonce(),
          verifier: client.randomPKCECodeVerifier(),
          expiresAt: Date.now() + FLOW_TTL_MS,
        };
        const url = await oidc.clients.authorizationUrl(provider, await oidc.repo.secret(provider.id), flow, { lang });
        reply.setCookie(FLOW_COOKIE, sealFlow(oidc.flowSecret, flow), { ...cookieOptions, maxAge: FLOW_TTL_MS / 1000 });
        return reply.redirect(url.href, 302);
      } catch (err) {
        return fail(reply, lang, err, { origin });
      }
    },
  );

  app.get(
    callbackPath,
    {
      helmet: securityPolicy.popup,
      config: PAGE_RATE,
      // Providers add parameters of their own (iss, scope, session_state): only ours are read, none refused.
      schema: { hide: true, querystring: Type.Object({ state: Type.Optional(Type.String({ maxLength: 2048 })), error: Type.Optional(Type.String({ maxLength: 256 })) }) },
    },
    async (request, reply) => {
      const flow = openFlow(oidc.flowSecret, request.cookies[FLOW_COOKIE]);
      // One use: whatever happens next, this flow is over.
      reply.clearCookie(FLOW_COOKIE, cookieOptions);
      const lang = flow?.lang ?? pickLang(request.headers['accept-language']);
      const retry = flow ? { origin: flow.origin } : null;
      try {
        if (!flow) throw new AppError('OIDC_STATE_INVALID', '(no sign-in in progress in this browser, or it expired)');
        // The state is checked before anything else, the provider's error included: an answer to another browser's
        // sign-in (login CSRF) is refused as such.
        if (request.query.state !== flow.state) throw new AppError('OIDC_STATE_INVALID', '(state does not match)');
        const providerError = request.query.error;
        if (providerError === 'access_denied') throw new AppError('OIDC_CANCELLED');
        // RFC 6749 §4.1.2.1: the provider's own trouble is not a failed check.
        if (providerError === 'server_error' || providerError === 'temporarily_unavailable') throw new AppError('OIDC_PROVIDER_UNAVAILABLE', `(${providerError})`);
        if (providerError) throw new AppError('OIDC_TOKEN_REFUSED', `(${providerError})`);
        const provider = await oidc.repo.byId(flow.siteId, flow.providerId);
        if (!provider) throw new AppError('OIDC_PROVIDER_NOT_FOUND');
        const claims = await oidc.clients.exchange(provider, await oidc.repo.secret(provider.id), new URL(request.url, deps.config.publicUrl), flow);
        const { userId, outcome } = await deps.useCases.oidcAccountFor(provider, claims, flow.lang);
        const user = await deps.users.get(userId);
        if (!user) throw new Error('OIDC account vanished');
        // The provider has just authenticated the reader: as recent a sign-in as a password (export, deletion).
        const session = await deps.sessions.create(userId, 'cookie', { authenticated: true });
        setSessionCookie(reply, deps, session.token);
        request.log.info({ provider: provider.slug, site: provider.siteId, outcome }, 'OpenID Connect sign-in');
        const page = renderOidcDone({ lang: flow.lang, targetOrigin: flow.origin, displayName: user.displayName, csrfToken: deps.csrf.issue(session.id) });
        return reply.type('text/html; charset=utf-8').send(page);
      } catch (err) {
        return fail(reply, lang, err, retry);
      }
    },
  );

  app.get(
    '/api/v1/admin/sites/:siteId/oidc-providers',
    {
      schema: {
        tags: ['sites'],
        summary: 'A site’s OpenID Connect sign-in providers, and the redirect URI to register with them (admins)',
        params: SiteParams,
        response: { 200: Type.Object({ providers: Type.Array(ProviderSchema), redirectUri: Type.String() }), ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      requireRole(request, deps, 'admin');
      return { providers: await listProviders(oidc.admin, request.params.siteId), redirectUri: oidc.redirectUri };
    },
  );

  app.post(
    '/api/v1/admin/sites/:siteId/oidc-providers',
    {
      schema: {
        tags: ['sites'],
        summary: 'Add an OpenID Connect sign-in provider to a site: a preset (google, microsoft) or any issuer (admins)',
        params: SiteParams,
        body: Type.Object({
          preset: Type.Optional(Type.Union([Type.Literal('google'), Type.Literal('microsoft')])),
          slug: Type.Optional(Type.String({ maxLength: 32, description: 'Name in URLs; defaults to the preset' })),
          label: Type.Optional(Type.String({ maxLength: 40, description: 'Button text: "Continue with <label>"' })),
          issuer: Type.Optional(Type.String({ maxLength: 500 })),
          clientId: Type.String({ maxLength: 255 }),
          clientSecret: Type.String({ maxLength: 1024 }),
        }),
        response: { 201: Type.Object({ provider: ProviderSchema }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      requireRole(request, deps, 'admin');
      return reply.status(201).send({ provider: await addProvider(oidc.admin, request.params.siteId, request.body) });
    },
  );

  app.delete(
    '/api/v1/admin/sites/:siteId/oidc-providers/:slug',
    {
      schema: {
        tags: ['sites'],
        summary: 'Remove a sign-in provider; its readers keep their accounts (admins)',
        params: Type.Object({ siteId: SiteParams.properties.siteId, slug: Type.String({ maxLength: 32 }) }),
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      requireRole(request, deps, 'admin');
      await removeProvider(oidc.admin, request.params.siteId, request.params.slug);
      return reply.status(204).send(null);
    },
  );
};
