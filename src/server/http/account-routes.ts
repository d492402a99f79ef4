import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { changePassword, requestPasswordReset, resetPassword } from '../users/recovery.js';
import { confirmEmail, requestEmailChange, resendVerification } from '../users/verification.js';
import { addressKey } from './client-key.js';
import { requireAccountSession, requireUser } from './context.js';
import { errors } from './schemas.js';
import { accountPages } from './account-pages.js';

const Email = Type.String({ maxLength: 254 });
const Password = Type.String({ maxLength: 1024 });
const LinkToken = Type.String({ maxLength: 200 });

/** Reset requests per address (an IPv6 /64 as one) and per email, each per hour: enough for a typo, too few to mail-bomb. */
export const RESET_PER_ADDRESS = 20;
export const RESET_PER_EMAIL = 5;
const HOUR = 3_600_000;

/** The email of a reset request as the per-email limit keys it (case and spaces do not make a new email). */
const emailKey = (req: FastifyRequest) => String((req.body as { email?: unknown } | undefined)?.email ?? '').trim().toLowerCase();

/**
 * Accounts readers can recover: password reset, email verification, change of email or password. The JSON API here;
 * the pages on Agora's origin (links from emails, the forms that work without JavaScript) in account-pages.ts.
 */
export const accountRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const own = new URL(deps.config.publicUrl).origin;
  const ad = deps.accountDeps;
  const vd = deps.useCases.emailVerification;
  const byAddress = app.createRateLimit({ max: RESET_PER_ADDRESS, timeWindow: HOUR, keyGenerator: (req) => `reset-address:${addressKey(req.ip)}` });
  const byEmail = app.createRateLimit({ max: RESET_PER_EMAIL, timeWindow: HOUR, keyGenerator: (req) => `reset-email:${emailKey(req)}` });

  /** Throws RATE_LIMITED (with Retry-After) past either allowance; the same for every email, known or not. */
  async function resetAllowance(request: FastifyRequest): Promise<void> {
    for (const limit of [byAddress, byEmail]) {
      const r = await limit(request);
      if (!r.isAllowed && r.isExceeded) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: Math.max(1, r.ttlInSeconds) });
    }
  }

  /** The site of a publisher's page the reader came from (allowed origins only), else the site of our own origin. */
  async function siteOf(origin: string | undefined): Promise<{ id: string | null; name: string }> {
    const site = (origin ? await deps.origins.siteForOrigin(origin) : undefined) ?? (await deps.origins.siteForOrigin(own));
    return { id: site?.id ?? null, name: site?.name ?? 'Agora' };
  }

  app.post(
    '/api/v1/auth/password-reset',
    {
      schema: {
        tags: ['auth'],
        summary: 'Ask for a password-reset link by email; the same 202 whether or not the address has an account',
        body: Type.Object({ email: Email, origin: Type.Optional(Type.String({ maxLength: 300, description: 'The publisher page the reader came from (its site names the email).' })) }),
        response: { 202: Type.Object({}), ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const start = Date.now();
      await resetAllowance(request);
      await requestPasswordReset(ad, { email: request.body.email, lang: request.lang, siteId: (await siteOf(request.body.origin)).id }, start);
      return reply.status(202).send({});
    },
  );

  app.post(
    '/api/v1/auth/password-reset/confirm',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with the token of a reset link; every session of the account ends',
        body: Type.Object({ token: LinkToken, password: Password }),
        response: { 204: Type.Null(), ...errors(400, 429, 503) },
      },
      config: { rateLimit: { max: deps.config.loginMaxAttempts, timeWindow: deps.config.loginWindowMs } },
    },
    async (request, reply) => {
      await resetPassword(ad, { ...request.body, lang: request.lang });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/verify-email',
    {
      schema: {
        tags: ['auth'],
        summary: 'Confirm an email address (the account’s, or the new one of a change) with the token of a verification link',
        body: Type.Object({ token: LinkToken }),
        response: { 200: Type.Object({ email: Type.String() }), ...errors(400, 409, 429) },
      },
      config: { rateLimit: { max: deps.config.loginMaxAttempts, timeWindow: deps.config.loginWindowMs } },
    },
    async (request) => ({ email: (await confirmEmail(vd, request.body.token)).email }),
  );

  app.post(
    '/api/v1/auth/verify-email/resend',
    {
      schema: {
        tags: ['auth'],
        summary: 'Send the signed-in reader’s verification link again (sent: false when the address is confirmed already)',
        response: { 202: Type.Object({ sent: Type.Boolean() }), ...errors(401, 403, 429) },
      },
      config: { rateLimit: { max: RESET_PER_EMAIL, timeWindow: HOUR, keyGenerator: (req) => `verify-resend:${req.auth?.user.id ?? addressKey(req.ip)}` } },
    },
    async (request, reply) => {
      const auth = requireUser(request, deps);
      const site = auth.siteId ? { id: auth.siteId } : await siteOf(undefined);
      const sent = await resendVerification(vd, auth.user.id, request.lang, site.id);
      return reply.status(202).send({ sent: sent !== null });
    },
  );

  app.post(
    '/api/v1/me/email',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change one’s email address: a link goes to the new address (the change happens when it is opened), a notice to the current one. Cookie session, recent password check.',
        body: Type.Object({ email: Email }),
        response: { 202: Type.Object({ pending: Type.String() }), ...errors(400, 401, 403, 409, 429) },
      },
      config: { rateLimit: { max: RESET_PER_EMAIL, timeWindow: HOUR } },
    },
    async (request, reply) => {
      const auth = requireAccountSession(request, deps, { recent: true });
      const pending = await requestEmailChange(vd, auth.user, request.body.email, request.lang, (await siteOf(undefined)).id);
      return reply.status(202).send({ pending });
    },
  );

  app.put(
    '/api/v1/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change one’s password; every other session ends. Cookie session, recent password check.',
        body: Type.Object({ password: Password }),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 429, 503) },
      },
      config: { rateLimit: { max: deps.config.loginMaxAttempts, timeWindow: deps.config.loginWindowMs } },
    },
    async (request, reply) => {
      const auth = requireAccountSession(request, deps, { recent: true });
      await changePassword(ad, { userId: auth.user.id, sessionId: auth.sessionId, password: request.body.password, lang: request.lang });
      return reply.status(204).send(null);
    },
  );

  await app.register(accountPages, { deps, resetAllowance, siteOf });
};
