import { accountStrings } from '../../i18n/accounts.js';
import { discussionStrings, type Lang } from '../../i18n/discussion.js';
import { html, type Raw } from './html.js';
import { layout } from './layout.js';

/**
 * The first-party sign-in window opened by the embed. It runs on Agora's origin, so its session cookie is first
 * party; it hands the embed a bearer token with postMessage, addressed to `targetOrigin` only.
 */
export function renderPopupPage(opts: { lang: Lang; targetOrigin: string | null; signedInAs: string | null; csrfToken: string | null; providers?: Raw | undefined; siteName?: string | undefined }): string {
  const t = discussionStrings[opts.lang];
  const fr = opts.lang === 'fr';
  // The publisher's site heads the window: readers sign in to comment on it, not on "Agora News".
  const site = opts.siteName ? { siteName: opts.siteName } : {};
  if (!opts.targetOrigin) {
    const body = html`<h1>${t.signInTitle}</h1><p role="alert">${fr ? 'Ce site n’est pas autorisé à utiliser cette discussion.' : 'This website is not allowed to use this discussion.'}</p>`;
    return layout({ lang: opts.lang, title: t.signInTitle, body, ...site });
  }
  const body = html`<h1>${t.signInTitle}</h1>
<p id="agora-popup-error" role="alert"></p>
${opts.signedInAs ? html`<p><button type="button" id="agora-continue">${t.continueAs(opts.signedInAs)}</button></p>` : ''}
${opts.providers ?? ''}
<form id="agora-login" class="auth">
<h2>${t.signIn}</h2>
<p><label for="login-email">${t.email}</label><br><input id="login-email" name="email" type="email" autocomplete="email" required></p>
<p><label for="login-password">${t.password}</label><br><input id="login-password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">${t.signIn}</button></p>
<p><a href="/auth/forgot?origin=${encodeURIComponent(opts.targetOrigin)}&amp;lang=${opts.lang}" data-testid="forgot-link">${accountStrings[opts.lang].forgotTitle}</a></p>
<p><a href="#agora-signup" data-show="agora-signup">${t.noAccount}</a></p>
</form>
<form id="agora-signup" class="auth">
<h2>${t.signUp}</h2>
<p><label for="signup-name">${t.displayName}</label><br><input id="signup-name" name="displayName" autocomplete="nickname" maxlength="50" required></p>
<p><label for="signup-email">${t.email}</label><br><input id="signup-email" name="email" type="email" autocomplete="email" required></p>
<p><label for="signup-password">${t.password}</label> (${t.passwordHint})<br><input id="signup-password" name="password" type="password" autocomplete="new-password" minlength="10" required></p>
<p><button type="submit">${t.signUp}</button></p>
<p><a href="#agora-login" data-show="agora-login">${t.haveAccount}</a></p>
</form>
<script src="/popup.js" defer></script>`;
  const head = html`<meta name="agora-origin" content="${opts.targetOrigin}">
${opts.csrfToken ? html`<meta name="agora-csrf" content="${opts.csrfToken}">` : ''}
<style>.auth input{width:100%;max-width:24rem;padding:.5rem;font-size:1rem}.auth button,#agora-continue{padding:.5rem 1rem;font-size:1rem}</style>`;
  return layout({ lang: opts.lang, title: t.signInTitle, body, head, ...site });
}
