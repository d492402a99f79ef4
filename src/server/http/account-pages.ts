import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { AppError, errorBody } from '../errors.js';
import { renderForgotPage, renderResetPage, renderVerifyPage, type Notice } from '../pages/accounts.js';
import { requestPasswordReset, resetPassword } from '../users/recovery.js';
import { confirmEmail } from '../users/verification.js';
import { pickLang, type Lang } from '../../i18n/discussion.js';
import { securityPolicy } from './security-headers.js';

const Query = Type.Object({ t: Type.Optional(Type.String({ maxLength: 200 })), lang: Type.Optional(Type.String({ maxLength: 35 })), origin: Type.Optional(Type.String({ maxLength: 300 })) });
const Lang_ = Type.Optional(Type.String({ maxLength: 35 }));

/**
 * The pages of account recovery on Agora's own origin: "Forgot password?", the new-password page of a reset link
 * and the confirmation page of a verification link. Plain HTML forms, no script: they work without JavaScript and
 * from any mail client. Form bodies are parsed only inside this plugin. The headers are those of pages reached
 * from an email link (no script, no referrer: the URL holds the link's token).
 */
export const accountPages: FastifyPluginAsyncTypebox<{
  deps: Deps;
  resetAllowance: (request: FastifyRequest) => Promise<void>;
  siteOf: (origin: string | undefined) => Promise<{ id: string | null; name: string }>;
}> = async (app, { deps, resetAllowance, siteOf }) => {
  await app.register(formbody, { bodyLimit: 4096 });
  app.addHook('onSend', async (_request, reply) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) reply.header('cache-control', 'no-store');
  });
  const ad = deps.accountDeps;
  const langOf = (request: FastifyRequest, asked: string | undefined): Lang => pickLang(asked ?? request.headers['accept-language']);
  const send = (reply: FastifyReply, status: number, body: string) => reply.status(status).type('text/html; charset=utf-8').send(body);
  /** An AppError as a page notice (its status for the response); anything else is not ours to show. */
  const asNotice = (err: unknown, lang: Lang): { status: number; notice: Notice } => {
    if (!(err instanceof AppError)) throw err;
    return { status: err.status, notice: { error: true, text: errorBody(err.code, lang, err.details).error.message } };
  };
  const opts = { helmet: securityPolicy.emailLink };
  /** Only an allowed origin is kept: it is echoed into the form and names a site in the email. */
  const allowedOrigin = async (origin: string | undefined) => (origin && (await deps.origins.siteForOrigin(origin)) ? origin : null);

  app.get('/auth/forgot', { ...opts, schema: { hide: true, querystring: Query } }, async (request, reply) => {
    const lang = langOf(request, request.query.lang);
    const site = await siteOf(request.query.origin);
    return send(reply, 200, renderForgotPage({ lang, siteName: site.name, origin: await allowedOrigin(request.query.origin), sent: false }));
  });

  app.post('/auth/forgot', { ...opts, schema: { hide: true, body: Type.Object({ email: Type.String({ maxLength: 254 }), lang: Lang_, origin: Type.Optional(Type.String({ maxLength: 300 })) }) } }, async (request, reply) => {
    const start = Date.now();
    const lang = langOf(request, request.body.lang);
    const site = await siteOf(request.body.origin);
    try {
      await resetAllowance(request);
      await requestPasswordReset(ad, { email: request.body.email, lang, siteId: site.id }, start);
    } catch (err) {
      const { status, notice } = asNotice(err, lang);
      if (err instanceof AppError && err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds));
      return send(reply, status, renderForgotPage({ lang, siteName: site.name, origin: await allowedOrigin(request.body.origin), sent: false, notice }));
    }
    return send(reply, 200, renderForgotPage({ lang, siteName: site.name, origin: null, sent: true }));
  });

  /** The site a link was asked from, for the page's heading. */
  const linkSite = async (siteId: string | null) => (siteId ? ((await deps.sites.get(siteId))?.name ?? 'Agora') : (await siteOf(undefined)).name);
  const invalid = (lang: Lang): Notice => ({ error: true, text: errorBody('INVALID_LINK', lang).error.message });

  app.get('/auth/reset', { ...opts, schema: { hide: true, querystring: Query } }, async (request, reply) => {
    const lang = langOf(request, request.query.lang);
    const link = request.query.t ? await ad.mail.tokens.peek(request.query.t, 'reset') : undefined;
    const siteName = await linkSite(link?.siteId ?? null);
    if (!link) return send(reply, 400, renderResetPage({ lang, siteName, token: null, notice: invalid(lang) }));
    return send(reply, 200, renderResetPage({ lang, siteName, token: request.query.t ?? null }));
  });

  app.post(
    '/auth/reset',
    { ...opts, schema: { hide: true, body: Type.Object({ t: Type.String({ maxLength: 200 }), password: Type.String({ maxLength: 1024 }), lang: Lang_ }) }, config: { rateLimit: { max: deps.config.loginMaxAttempts, timeWindow: deps.config.loginWindowMs } } },
    async (request, reply) => {
      const lang = langOf(request, request.body.lang);
      const link = await ad.mail.tokens.peek(request.body.t, 'reset');
      const siteName = await linkSite(link?.siteId ?? null);
      try {
        await resetPassword(ad, { token: request.body.t, password: request.body.password, lang });
      } catch (err) {
        const { status, notice } = asNotice(err, lang);
        // A weak password keeps the form (the link still works); a dead link offers a new one.
        const keep = err instanceof AppError && err.code !== 'INVALID_LINK';
        return send(reply, status, renderResetPage({ lang, siteName, token: keep ? request.body.t : null, notice }));
      }
      return send(reply, 200, renderResetPage({ lang, siteName, token: null, done: true }));
    },
  );

  app.get('/auth/verify', { ...opts, schema: { hide: true, querystring: Query } }, async (request, reply) => {
    const lang = langOf(request, request.query.lang);
    const link = request.query.t ? await ad.mail.tokens.peek(request.query.t, 'verify') : undefined;
    const siteName = await linkSite(link?.siteId ?? null);
    if (!link) return send(reply, 400, renderVerifyPage({ lang, siteName, token: null, email: null, notice: invalid(lang) }));
    return send(reply, 200, renderVerifyPage({ lang, siteName, token: request.query.t ?? null, email: link.email }));
  });

  app.post(
    '/auth/verify',
    { ...opts, schema: { hide: true, body: Type.Object({ t: Type.String({ maxLength: 200 }), lang: Lang_ }) }, config: { rateLimit: { max: deps.config.loginMaxAttempts, timeWindow: deps.config.loginWindowMs } } },
    async (request, reply) => {
      const lang = langOf(request, request.body.lang);
      const link = await ad.mail.tokens.peek(request.body.t, 'verify');
      const siteName = await linkSite(link?.siteId ?? null);
      try {
        const { email } = await confirmEmail(deps.useCases.emailVerification, request.body.t);
        return send(reply, 200, renderVerifyPage({ lang, siteName, token: null, email, done: true }));
      } catch (err) {
        const { status, notice } = asNotice(err, lang);
        return send(reply, status, renderVerifyPage({ lang, siteName, token: null, email: null, notice }));
      }
    },
  );
};
