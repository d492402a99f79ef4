import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { AppError, errorBody, errorCatalog } from '../errors.js';
import type { NotifyMode } from '../notifications/settings.js';
import type { Raw } from '../pages/html.js';
import { renderPrivacySection } from '../portability/profile-section.js';
import { pendingDeletion } from '../privacy/use-cases.js';
import { profileMessages, renderProfile, renderProfileSignedOut, renderReauthSection } from '../pages/profile.js';
import { reauthenticate } from '../users/use-cases.js';
import { changePassword } from '../users/recovery.js';
import { requestEmailChange, resendVerification } from '../users/verification.js';
import { renderAccountSection, type Notice } from '../pages/accounts.js';
import { accountStrings } from '../../i18n/accounts.js';
import { pickLang, type Lang } from '../../i18n/discussion.js';
import { RESET_PER_EMAIL } from './account-routes.js';
import { recentlyAuthenticated, requireUser, type AuthContext } from './context.js';
import { presentUser } from './presenters.js';
import { errors, UserSchema } from './schemas.js';
import { securityPolicy } from './security-headers.js';

/** The reader's own page: comments, display name (rate-limited), notification settings. Cookie session only. */
export const profileRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const own = new URL(deps.config.publicUrl).origin;
  const nd = deps.publisher.notificationDeps;

  /** The site whose name heads the profile: the one whose single sign-on made the account, else our own origin's. */
  async function profileSite(auth: AuthContext): Promise<{ name: string }> {
    const home = auth.user.sso?.homeSiteId;
    const site = (home ? await deps.sites.get(home) : undefined) ?? (await deps.origins.siteForOrigin(own));
    return { name: site?.name ?? 'Agora' };
  }

  async function page(request: FastifyRequest, reply: FastifyReply, auth: AuthContext, message: { error: boolean; text: string } | null, status = 200, accountNotice: Notice = null, accountWhat?: string) {
    const s = await nd.readerSettings.get(auth.user.id);
    const lang = s.lang ?? pickLang(request.headers['accept-language']);
    const csrfToken = deps.csrf.issue(auth.sessionId);
    // The readers'-rights section (download, account deletion) of the data-portability feature; its forms bring the
    // reader back here. Those are account-level actions: without a recent password check, the password form first.
    const privacy = deps.useCases.privacy;
    const section: Raw = recentlyAuthenticated(auth, deps)
      ? renderPrivacySection({
          user: auth.user,
          lang,
          csrfToken,
          pendingDeletion: await pendingDeletion(privacy, auth.user.id),
          graceDays: Math.round(privacy.graceMs / 86_400_000),
          returnTo: '/profile',
        })
      : renderReauthSection({ lang, csrfToken, returnTo: '/profile', minutes: Math.round(deps.config.reauthMs / 60_000) });
    const site = await profileSite(auth);
    const c = await deps.users.credentials(auth.user.id);
    const account = renderAccountSection({
      lang,
      csrfToken,
      email: c?.email ?? null,
      verified: c?.verified ?? false,
      hasPassword: !!c?.passwordHash,
      recent: recentlyAuthenticated(auth, deps),
      minutes: Math.round(deps.config.reauthMs / 60_000),
      siteName: site.name,
      notice: accountNotice ?? (await accountDone(auth, accountWhat, lang)),
    });
    const html = renderProfile({ lang, siteName: site.name, displayName: auth.user.displayName, csrfToken, settings: { mode: s.mode, lang: s.lang, hasEmail: s.email !== null }, comments: await deps.useCases.ownComments(auth.user.id), message, accountSection: account, privacySection: section });
    return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'private, no-store').send(html);
  }

  const cookieAuth = (request: FastifyRequest) => (request.auth?.via === 'cookie' ? request.auth : null);

  app.get('/profile', { schema: { hide: true }, helmet: securityPolicy.page }, async (request, reply) => {
    const auth = cookieAuth(request);
    if (!auth) {
      const lang = pickLang(request.headers['accept-language']);
      const site = await deps.origins.siteForOrigin(own);
      return reply.type('text/html; charset=utf-8').send(renderProfileSignedOut(lang, `/auth/popup?origin=${encodeURIComponent(own)}&lang=${lang}`, site?.name));
    }
    const q = (request.query ?? {}) as { saved?: string; account?: string };
    const lang = pickLang(request.headers['accept-language']);
    return page(request, reply, auth, q.saved ? { error: false, text: profileMessages.saved(lang) } : null, 200, null, q.account);
  });

  /** The confirmation a profile account form redirects to (`?account=…`), with the address concerned. */
  async function accountDone(auth: AuthContext, what: string | undefined, lang: Lang): Promise<Notice> {
    const t = accountStrings[lang];
    if (what === 'password') return { error: false, text: t.passwordChanged };
    if (what === 'verify' || what === 'email') {
      // The address is read back from the account's pending link, never from the URL.
      const pending = await deps.accountDeps.mail.tokens.pendingEmail(auth.user.id);
      if (pending) return { error: false, text: what === 'verify' ? t.verifySent(pending) : t.emailChangeSent(pending) };
    }
    return null;
  }

  // HTML forms post urlencoded bodies: accepted here only, and only with the session's CSRF token in the form.
  await app.register(async (plain) => {
    const forms = plain.withTypeProvider<TypeBoxTypeProvider>();
    forms.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
    const formAuth = (request: FastifyRequest): AuthContext => {
      const auth = cookieAuth(request);
      if (!auth) throw new AppError('UNAUTHENTICATED');
      if (!deps.csrf.verify(auth.sessionId, (request.body as { csrf?: string } | undefined)?.csrf)) throw new AppError('CSRF_FAILED');
      return auth;
    };
    const failure = (request: FastifyRequest, reply: FastifyReply, auth: AuthContext, err: unknown) => {
      if (!(err instanceof AppError)) throw err;
      if (err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds));
      return page(request, reply, auth, { error: true, text: errorCatalog[err.code][pickLang(request.headers['accept-language'])] }, err.status);
    };
    // The account forms' failures show in their own section, with the reason (a weak password's, in the reader's language).
    const accountFailure = (request: FastifyRequest, reply: FastifyReply, auth: AuthContext, err: unknown) => {
      if (!(err instanceof AppError)) throw err;
      if (err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds));
      return page(request, reply, auth, null, err.status, { error: true, text: errorBody(err.code, pickLang(request.headers['accept-language']), err.details).error.message });
    };
    const vd = deps.useCases.emailVerification;
    const ownSiteId = async () => (await deps.origins.siteForOrigin(own))?.id ?? null;

    forms.post('/profile/verify-email', { helmet: securityPolicy.page, schema: { hide: true, body: Type.Object({ csrf: Type.Optional(Type.String()) }) }, config: { rateLimit: { max: RESET_PER_EMAIL, timeWindow: 3_600_000 } } }, async (request, reply) => {
      const auth = formAuth(request);
      await resendVerification(vd, auth.user.id, pickLang(request.headers['accept-language']), await ownSiteId());
      return reply.redirect('/profile?account=verify', 303);
    });

    // Changing the address or the password needs a recent password check, like the readers'-rights actions.
    forms.post('/profile/email', { helmet: securityPolicy.page, schema: { hide: true, body: Type.Object({ csrf: Type.Optional(Type.String()), email: Type.String({ maxLength: 254 }) }) }, config: { rateLimit: { max: RESET_PER_EMAIL, timeWindow: 3_600_000 } } }, async (request, reply) => {
      const auth = formAuth(request);
      try {
        if (!recentlyAuthenticated(auth, deps)) throw new AppError('REAUTH_REQUIRED');
        await requestEmailChange(vd, auth.user, request.body.email, pickLang(request.headers['accept-language']), await ownSiteId());
      } catch (err) {
        return accountFailure(request, reply, auth, err);
      }
      return reply.redirect('/profile?account=email', 303);
    });

    forms.post(
      '/profile/password',
      { helmet: securityPolicy.page, schema: { hide: true, body: Type.Object({ csrf: Type.Optional(Type.String()), password: Type.String({ maxLength: 1024 }) }) }, config: { rateLimit: { max: deps.config.loginMaxAttempts, timeWindow: deps.config.loginWindowMs } } },
      async (request, reply) => {
        const auth = formAuth(request);
        try {
          if (!recentlyAuthenticated(auth, deps)) throw new AppError('REAUTH_REQUIRED');
          await changePassword(deps.accountDeps, { userId: auth.user.id, sessionId: auth.sessionId, password: request.body.password, lang: pickLang(request.headers['accept-language']) });
        } catch (err) {
          return accountFailure(request, reply, auth, err);
        }
        return reply.redirect('/profile?account=password', 303);
      },
    );

    forms.post('/profile/name', { helmet: securityPolicy.page, schema: { hide: true, body: Type.Object({ csrf: Type.Optional(Type.String()), displayName: Type.String({ maxLength: 200 }) }) } }, async (request, reply) => {
      const auth = formAuth(request);
      try {
        await deps.useCases.changeDisplayName(auth.user, request.body.displayName);
      } catch (err) {
        return failure(request, reply, auth, err);
      }
      return reply.redirect('/profile?saved=1', 303);
    });

    // The password again, for account-level actions (the privacy section); a wrong one counts as a failed sign-in.
    forms.post(
      '/profile/reauth',
      {
        helmet: securityPolicy.page,
        schema: { hide: true, body: Type.Object({ csrf: Type.Optional(Type.String()), password: Type.String({ maxLength: 1024 }), returnTo: Type.Optional(Type.String({ maxLength: 200 })) }) },
        config: { rateLimit: { max: deps.config.loginMaxAttempts, timeWindow: deps.config.loginWindowMs } },
      },
      async (request, reply) => {
        const auth = formAuth(request);
        try {
          await app.signInFailures.guard(request, () => reauthenticate(deps.accountDeps, { userId: auth.user.id, sessionId: auth.sessionId, password: request.body.password }));
        } catch (err) {
          return failure(request, reply, auth, err);
        }
        // Only back to a profile page of ours: a form field must not become an open redirect.
        return reply.redirect(request.body.returnTo === '/profile/privacy' ? '/profile/privacy' : '/profile', 303);
      },
    );

    forms.post(
      '/profile/notifications',
      { helmet: securityPolicy.page, schema: { hide: true, body: Type.Object({ csrf: Type.Optional(Type.String()), mode: Type.Union([Type.Literal('immediate'), Type.Literal('digest'), Type.Literal('none')]), lang: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('fr')])) }) } },
      async (request, reply) => {
        const auth = formAuth(request);
        await nd.readerSettings.update(auth.user.id, { mode: request.body.mode as NotifyMode, ...(request.body.lang ? { lang: request.body.lang } : {}) });
        return reply.redirect('/profile?saved=1', 303);
      },
    );
  });

  app.patch(
    '/api/v1/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change one’s display name (3 times a day at most)',
        body: Type.Object({ displayName: Type.String({ maxLength: 200 }) }),
        response: { 200: Type.Object({ user: Type.Ref(UserSchema) }), ...errors(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { user } = requireUser(request, deps);
      return { user: presentUser(await deps.useCases.changeDisplayName(user, request.body.displayName), true) };
    },
  );
};
