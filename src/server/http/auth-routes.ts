import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { Deps } from '../deps.js';
import { logIn, reauthenticate, signUp, type SessionRequest } from '../users/use-cases.js';
import { isFirstParty, requireUser, SESSION_COOKIE, setSessionCookie } from './context.js';
import { presentSelf, presentUser } from './presenters.js';
import { moderatedSites } from '../moderation/admin/access.js';
import { AuthResultSchema, errors, UserSchema } from './schemas.js';

const PageOrigin = Type.Optional(
  Type.String({ maxLength: 300, description: 'First-party sign-in window only: the origin of the page the bearer token is for (one of a site’s allowed origins).' }),
);

/** Sign up, sign in, sign out, re-authenticate, current user, and the bearer token for the sign-in popup. */
export const authRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const own = new URL(deps.config.publicUrl).origin;

  /**
   * The sessions a sign-in from `request` opens. A bearer token that a publisher's page receives is readable by that
   * page's scripts, so it is an embed token for that page's site: the calling page's (Origin), or for the sign-in
   * window on our own origin, the page it hands the token to (`pageOrigin`, which must be allowed). A token kept by
   * our own pages (the console) or by a client that sends no Origin (a script, an app) is a full one: no other
   * site's scripts can read it. A cookie comes only on our origin.
   */
  async function sessionsFor(request: FastifyRequest, pageOrigin: string | undefined): Promise<SessionRequest> {
    const origin = request.headers.origin;
    const firstParty = isFirstParty(request, deps);
    const page = firstParty ? (pageOrigin ?? own) : typeof origin === 'string' ? origin : pageOrigin;
    if (page === undefined || page === own) return { bearer: { scope: 'full' }, cookie: firstParty };
    const site = await deps.origins.siteForOrigin(page);
    // The sign-in window hands tokens only to allowed pages. A page of no site (another origin calling directly)
    // gets a token that reaches no site's stories.
    if (!site && firstParty) throw new AppError('ORIGIN_NOT_ALLOWED');
    // The window refuses to open for a site with local accounts off; a direct call naming its page is refused too.
    if (site?.settings.localAccounts === false) throw new AppError('LOCAL_ACCOUNTS_DISABLED');
    return { bearer: { scope: 'embed', siteId: site?.id ?? null }, cookie: firstParty };
  }

  app.post(
    '/api/v1/auth/signup',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account (the password must not be easy to guess: WEAK_PASSWORD says why)',
        body: Type.Object({ email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 1024 }), displayName: Type.String({ maxLength: 200 }), origin: PageOrigin }),
        response: { 201: AuthResultSchema, ...errors(400, 403, 409, 429, 503) },
      },
      config: { rateLimit: { max: 20, timeWindow: 3_600_000 } },
    },
    async (request, reply) => {
      const { origin, ...input } = request.body;
      const open = await sessionsFor(request, origin);
      // The verification email names the site the reader signs up on: the page's, else our own origin's.
      const siteId = open.bearer.siteId ?? (await deps.origins.siteForOrigin(own))?.id ?? null;
      const { user, sessions } = await signUp(deps.accountDeps, { ...input, lang: request.lang, siteId }, open);
      const cookie = sessions.cookie;
      if (cookie) setSessionCookie(reply, deps, cookie.token);
      return reply.status(201).send({ user: presentUser(user, true), token: sessions.bearer?.token ?? '', ...(cookie ? { csrfToken: deps.csrf.issue(cookie.id) } : {}) });
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password',
        body: Type.Object({ email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 1024 }), origin: PageOrigin }),
        response: { 200: AuthResultSchema, ...errors(400, 401, 403, 429, 503) },
      },
      config: {
        // Per IP and email: slows password guessing on one account without locking out a whole office behind one IP.
        // Failures across emails are capped per address as well (signInFailures): password spraying.
        rateLimit: {
          max: deps.config.loginMaxAttempts,
          timeWindow: deps.config.loginWindowMs,
          keyGenerator: (req) => `${req.ip}|${String((req.body as { email?: unknown } | undefined)?.email ?? '').trim().toLowerCase()}`,
        },
      },
    },
    async (request, reply) => {
      const { origin, ...input } = request.body;
      const open = await sessionsFor(request, origin);
      const { user, sessions } = await app.signInFailures.guard(request, () => logIn(deps.accountDeps, input, open));
      const cookie = sessions.cookie;
      if (cookie) setSessionCookie(reply, deps, cookie.token);
      // A moderator signing in on the article page gets the menu at once, without a reload.
      const moderates = await moderatedSites(deps.moderation.staff, user, open.bearer?.scope === 'embed' ? (open.bearer.siteId ?? null) : undefined);
      return { user: presentSelf(user, moderates), token: sessions.bearer?.token ?? '', ...(cookie ? { csrfToken: deps.csrf.issue(cookie.id) } : {}) };
    },
  );

  app.post(
    '/api/v1/auth/reauth',
    {
      schema: {
        tags: ['auth'],
        summary: 'Enter the password again in a first-party cookie session, before an account-level action (data export, account deletion)',
        body: Type.Object({ password: Type.String({ maxLength: 1024 }) }),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 429, 503) },
      },
      config: { rateLimit: { max: deps.config.loginMaxAttempts, timeWindow: deps.config.loginWindowMs } },
    },
    async (request, reply) => {
      const auth = requireUser(request, deps);
      if (auth.via !== 'cookie') throw new AppError('FIRST_PARTY_REQUIRED');
      await app.signInFailures.guard(request, () => reauthenticate(deps.accountDeps, { userId: auth.user.id, sessionId: auth.sessionId, password: request.body.password }));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags: ['auth'], summary: 'End the current session (bearer or cookie)', response: { 204: Type.Null(), ...errors(401, 403) } } },
    async (request, reply) => {
      const auth = requireUser(request, deps);
      await deps.sessions.destroy(auth.sessionId);
      if (auth.via === 'cookie') reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a first-party cookie session for a bearer token: an embed token for one site’s page at `origin` (used by the sign-in popup)',
        body: Type.Optional(Type.Object({ origin: PageOrigin })),
        response: { 200: Type.Object({ user: Type.Ref(UserSchema), token: Type.String() }), ...errors(401, 403) },
      },
    },
    async (request) => {
      const auth = requireUser(request, deps);
      if (auth.via !== 'cookie') throw new AppError('FORBIDDEN');
      const page = request.body?.origin ?? own;
      let token: string;
      // For our own pages the token stays on our origin; for a publisher's page, only its site and commenting.
      if (page === own) token = (await deps.sessions.create(auth.user.id, 'bearer', { scope: 'full' })).token;
      else {
        const site = await deps.origins.siteForOrigin(page);
        if (!site) throw new AppError('ORIGIN_NOT_ALLOWED');
        token = (await deps.sessions.create(auth.user.id, 'bearer', { scope: 'embed', siteId: site.id })).token;
      }
      return { user: presentSelf(auth.user, await moderatedSites(deps.moderation.staff, auth.user, page === own ? undefined : (await deps.origins.siteForOrigin(page))?.id ?? null)), token };
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        response: {
          200: Type.Object({
            user: Type.Ref(UserSchema),
            csrfToken: Type.Optional(Type.String()),
            ignored: Type.Array(Type.String(), { description: 'Ids of the readers this user ignores (POST/DELETE /api/v1/me/ignored/:userId): fold their comments.' }),
          }),
          ...errors(401),
        },
      },
    },
    async (request) => {
      const auth = requireUser(request, deps);
      const ignored = await deps.useCases.ignored.ids(auth.user.id);
      const moderates = await moderatedSites(deps.moderation.staff, auth.user, auth.scope === 'embed' ? auth.siteId : undefined);
      return { user: presentSelf(auth.user, moderates), ...(auth.via === 'cookie' ? { csrfToken: deps.csrf.issue(auth.sessionId) } : {}), ignored };
    },
  );
};
