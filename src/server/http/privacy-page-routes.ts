import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { html } from '../pages/html.js';
import { layout } from '../pages/layout.js';
import { renderReauthSection } from '../pages/profile.js';
import { renderPrivacySection } from '../portability/profile-section.js';
import { errorCatalog } from '../errors.js';
import { cancelDeletion, pendingDeletion, requestDeletion, type PrivacyDeps } from '../privacy/use-cases.js';
import { pickLang, type Lang } from '../../i18n/discussion.js';
import { securityPolicy } from './security-headers.js';
import { recentlyAuthenticated } from './context.js';

const TEXT = {
  en: { title: 'Privacy and your data', signIn: 'Sign in on an article page of this site, then come back here to download or delete your data.', badToken: 'The form expired. Reload the page and try again.' },
  fr: { title: 'Confidentialité et vos données', signIn: 'Connectez-vous depuis une page d’article de ce site, puis revenez ici pour télécharger ou supprimer vos données.', badToken: 'Le formulaire a expiré. Rechargez la page et réessayez.' },
} as const;

const FormBody = Type.Object({ csrf: Type.Optional(Type.String({ maxLength: 200 })), returnTo: Type.Optional(Type.String({ maxLength: 200 })), confirm: Type.Optional(Type.String({ maxLength: 10 })) });

/** Only back to a profile page of ours: a form field must not become an open redirect. */
function safeReturn(to: string | undefined): string {
  return to && /^\/profile(\/[A-Za-z0-9/_-]*)?$/.test(to) ? to : '/profile/privacy';
}

/**
 * The first-party privacy page (/profile/privacy) and the form posts of its section. Form bodies are parsed only
 * inside this plugin, so the JSON API elsewhere keeps refusing them (a cross-site form cannot reach it); here the
 * SameSite=Lax cookie and the CSRF token in a hidden field guard the writes.
 */
export const privacyPageRoutes: FastifyPluginAsyncTypebox<{ deps: Deps; privacy: PrivacyDeps }> = async (app, { deps, privacy }) => {
  await app.register(formbody, { bodyLimit: 4096 });
  // Pages about a reader's own data are never kept by a cache. (Security headers: `securityPolicy.page` on each route.)
  app.addHook('onSend', async (_request, reply) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) reply.header('cache-control', 'no-store');
  });

  const page = (lang: Lang, body: ReturnType<typeof html>) => layout({ lang, title: TEXT[lang].title, body: html`<h1>${TEXT[lang].title}</h1>${body}` });
  // Download and deletion are account-level actions: without a recent password check, the password form first.
  const reauth = (lang: Lang, csrfToken: string) => renderReauthSection({ lang, csrfToken, returnTo: '/profile/privacy', minutes: Math.round(deps.config.reauthMs / 60_000) });

  app.get('/profile/privacy', { helmet: securityPolicy.page, schema: { hide: true, querystring: Type.Object({ lang: Type.Optional(Type.String({ maxLength: 35 })) }) } }, async (request, reply) => {
    const lang = pickLang(request.query.lang ?? request.headers['accept-language']);
    const auth = request.auth?.via === 'cookie' ? request.auth : null;
    reply.type('text/html; charset=utf-8');
    if (!auth) return reply.status(401).send(page(lang, html`<p data-testid="privacy-signin">${TEXT[lang].signIn}</p>`));
    if (!recentlyAuthenticated(auth, deps)) return reply.send(page(lang, reauth(lang, deps.csrf.issue(auth.sessionId))));
    const section = renderPrivacySection({
      user: auth.user,
      lang,
      csrfToken: deps.csrf.issue(auth.sessionId),
      pendingDeletion: await pendingDeletion(privacy, auth.user.id),
      graceDays: Math.round(privacy.graceMs / 86_400_000),
    });
    return reply.send(page(lang, section));
  });

  for (const [path, action] of [
    ['/profile/privacy/deletion', 'request'],
    ['/profile/privacy/deletion/cancel', 'cancel'],
  ] as const) {
    app.post(path, { helmet: securityPolicy.page, schema: { hide: true, body: FormBody } }, async (request, reply) => {
      const lang = pickLang(request.headers['accept-language']);
      const auth = request.auth?.via === 'cookie' ? request.auth : null;
      if (!auth || !deps.csrf.verify(auth.sessionId, request.body.csrf)) {
        return reply.status(auth ? 403 : 401).type('text/html; charset=utf-8').send(page(lang, html`<p role="alert">${auth ? TEXT[lang].badToken : TEXT[lang].signIn}</p>`));
      }
      const actor = { kind: 'self' as const, id: auth.user.id };
      if (action === 'request' && !recentlyAuthenticated(auth, deps)) {
        const alert = html`<p role="alert">${errorCatalog.REAUTH_REQUIRED[lang]}</p>`;
        return reply.status(403).type('text/html; charset=utf-8').send(page(lang, html`${alert}${reauth(lang, deps.csrf.issue(auth.sessionId))}`));
      }
      if (action === 'request') {
        // The checkbox is `required` in the form; a post without it is a mistake, not a request.
        if (request.body.confirm === 'yes') await requestDeletion(privacy, auth.user.id, actor);
      } else await cancelDeletion(privacy, auth.user.id, actor);
      return reply.redirect(safeReturn(request.body.returnTo), 303);
    });
  }
};
