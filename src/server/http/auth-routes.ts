import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../errors.js';
import type { Deps } from '../deps.js';
import type { SessionKind } from '../auth/sessions.js';
import { logIn, signUp } from '../users/use-cases.js';
import { isFirstParty, requireUser, SESSION_COOKIE, setSessionCookie } from './context.js';
import { presentUser } from './presenters.js';
import { AuthResultSchema, errors, UserSchema } from './schemas.js';

/** Sign up, sign in, sign out, current user, and the bearer token for the sign-in popup. */
export const authRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const kindsFor = (firstParty: boolean): SessionKind[] => (firstParty ? ['bearer', 'cookie'] : ['bearer']);

  app.post(
    '/api/v1/auth/signup',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account',
        body: Type.Object({ email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 1024 }), displayName: Type.String({ maxLength: 200 }) }),
        response: { 201: AuthResultSchema, ...errors(400, 409, 429) },
      },
      config: { rateLimit: { max: 20, timeWindow: 3_600_000 } },
    },
    async (request, reply) => {
      const firstParty = isFirstParty(request, deps);
      const { user, sessions } = await signUp(deps.accountDeps, request.body, kindsFor(firstParty));
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
        body: Type.Object({ email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 1024 }) }),
        response: { 200: AuthResultSchema, ...errors(400, 401, 429) },
      },
      config: {
        // Per IP and email: slows password guessing on one account without locking out a whole office behind one IP.
        rateLimit: {
          max: deps.config.loginMaxAttempts,
          timeWindow: deps.config.loginWindowMs,
          keyGenerator: (req) => `${req.ip}|${String((req.body as { email?: unknown } | undefined)?.email ?? '').trim().toLowerCase()}`,
        },
      },
    },
    async (request, reply) => {
      const firstParty = isFirstParty(request, deps);
      const { user, sessions } = await logIn(deps.accountDeps, request.body, kindsFor(firstParty));
      const cookie = sessions.cookie;
      if (cookie) setSessionCookie(reply, deps, cookie.token);
      return { user: presentUser(user, true), token: sessions.bearer?.token ?? '', ...(cookie ? { csrfToken: deps.csrf.issue(cookie.id) } : {}) };
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
        summary: 'Exchange a first-party cookie session for a bearer token (used by the sign-in popup)',
        response: { 200: Type.Object({ user: Type.Ref(UserSchema), token: Type.String() }), ...errors(401, 403) },
      },
    },
    async (request) => {
      const auth = requireUser(request, deps);
      if (auth.via !== 'cookie') throw new AppError('FORBIDDEN');
      const { token } = await deps.sessions.create(auth.user.id, 'bearer');
      return { user: presentUser(auth.user, true), token };
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        response: { 200: Type.Object({ user: Type.Ref(UserSchema), csrfToken: Type.Optional(Type.String()) }), ...errors(401) },
      },
    },
    async (request) => {
      const auth = requireUser(request, deps);
      return { user: presentUser(auth.user, true), ...(auth.via === 'cookie' ? { csrfToken: deps.csrf.issue(auth.sessionId) } : {}) };
    },
  );
};
