import { accountStrings } from '../../i18n/accounts.js';
import type { Lang } from '../../i18n/discussion.js';
import { TOKEN_TTL_MS } from '../users/tokens.js';
import { html, type Raw } from './html.js';
import { layout } from './layout.js';

/** A message above a form: an error (role alert) or a confirmation (role status). */
export type Notice = { error: boolean; text: string } | null;

const STYLE = html`<style>.account input{width:100%;max-width:24rem;padding:.5rem;font-size:1rem}.account button{padding:.5rem 1rem;font-size:1rem}.error{color:#a00}.saved{color:#060}.account fieldset{border:1px solid #ddd;margin:1rem 0}</style>`;

const notice = (n: Notice): Raw => (n ? html`<p role="${n.error ? 'alert' : 'status'}" class="${n.error ? 'error' : 'saved'}" data-testid="account-notice">${n.text}</p>` : html``);

function page(lang: Lang, siteName: string, title: string, body: Raw): string {
  return layout({ lang, title: `${title} — ${siteName}`, siteName, head: STYLE, body: html`<h1>${title}</h1>${body}` });
}

/**
 * "Forgot password?": the address form, or after it was sent the same neutral answer whatever the address.
 * `origin`: the publisher's page the reader came from (kept through the form, names the site in the email).
 */
export function renderForgotPage(opts: { lang: Lang; siteName: string; origin: string | null; sent: boolean; notice?: Notice }): string {
  const t = accountStrings[opts.lang];
  const body = opts.sent
    ? html`<p role="status" data-testid="forgot-sent">${t.forgotSent(TOKEN_TTL_MS.reset / 60_000)}</p><p><small>${t.forgotSso}</small></p>`
    : html`${notice(opts.notice ?? null)}<p>${t.forgotIntro}</p>
<form method="post" action="/auth/forgot" class="account"><input type="hidden" name="lang" value="${opts.lang}">${opts.origin ? html`<input type="hidden" name="origin" value="${opts.origin}">` : ''}
<p><label for="forgot-email">${t.email}</label><br><input id="forgot-email" name="email" type="email" autocomplete="email" required maxlength="254"></p>
<p><button type="submit">${t.sendLink}</button></p>
</form>`;
  return page(opts.lang, opts.siteName, t.forgotTitle, body);
}

/** The new-password form of a reset link (the token in a hidden field), or the page of a link that no longer works. */
export function renderResetPage(opts: { lang: Lang; siteName: string; token: string | null; done?: boolean; notice?: Notice }): string {
  const t = accountStrings[opts.lang];
  if (opts.done) return page(opts.lang, opts.siteName, t.resetTitle, html`<p role="status" data-testid="reset-done">${t.resetDone}</p>`);
  if (!opts.token) return page(opts.lang, opts.siteName, t.resetTitle, html`${notice(opts.notice ?? null)}<p><a href="/auth/forgot?lang=${opts.lang}">${t.askAgain}</a></p>`);
  const body = html`${notice(opts.notice ?? null)}
<form method="post" action="/auth/reset" class="account"><input type="hidden" name="t" value="${opts.token}"><input type="hidden" name="lang" value="${opts.lang}">
<p><label for="reset-password">${t.newPassword}</label> (${t.passwordHint})<br><input id="reset-password" name="password" type="password" autocomplete="new-password" minlength="10" maxlength="1024" required></p>
<p><button type="submit">${t.savePassword}</button></p>
</form>`;
  return page(opts.lang, opts.siteName, t.resetTitle, body);
}

/**
 * A verification link's page: a button that confirms (a POST, so a mail scanner fetching the link confirms
 * nothing), then the confirmation; or the page of a link that no longer works.
 */
export function renderVerifyPage(opts: { lang: Lang; siteName: string; token: string | null; email: string | null; done?: boolean; notice?: Notice }): string {
  const t = accountStrings[opts.lang];
  if (opts.done && opts.email) return page(opts.lang, opts.siteName, t.verifyTitle, html`<p role="status" data-testid="verify-done">${t.verifyDone(opts.email)}</p>`);
  if (!opts.token || !opts.email) return page(opts.lang, opts.siteName, t.verifyTitle, notice(opts.notice ?? null));
  const body = html`${notice(opts.notice ?? null)}<p>${t.verifyIntro(opts.email)}</p>
<form method="post" action="/auth/verify" class="account"><input type="hidden" name="t" value="${opts.token}"><input type="hidden" name="lang" value="${opts.lang}">
<p><button type="submit">${t.confirm}</button></p>
</form>`;
  return page(opts.lang, opts.siteName, t.verifyTitle, body);
}

/**
 * The profile's "Your account" section: the address and whether it is confirmed, and forms to change it or the
 * password. Those need a recent password check: without one, a password form first (POST /profile/reauth).
 */
export function renderAccountSection(opts: {
  lang: Lang;
  csrfToken: string;
  email: string | null;
  verified: boolean;
  hasPassword: boolean;
  recent: boolean;
  minutes: number;
  siteName: string;
  notice: Notice;
}): Raw {
  const t = accountStrings[opts.lang];
  const csrf = html`<input type="hidden" name="csrf" value="${opts.csrfToken}">`;
  const head = html`<h2 id="account-title">${t.accountTitle}</h2>${notice(opts.notice)}`;
  if (!opts.hasPassword || !opts.email) return html`<section class="account" aria-labelledby="account-title" data-testid="account-section">${head}<p>${t.noPassword(opts.siteName)}</p></section>`;
  const status = html`<p>${t.email}<br><strong data-testid="account-email">${opts.email}</strong> (${opts.verified ? t.verified : t.unverified})</p>
${opts.verified ? '' : html`<form method="post" action="/profile/verify-email">${csrf}<p><button type="submit" data-testid="account-resend">${t.resend}</button></p></form>`}`;
  const forms = opts.recent
    ? html`<form method="post" action="/profile/email">${csrf}<fieldset><legend>${t.changeEmail}</legend>
<p><label for="account-new-email">${t.newEmail}</label><br><input id="account-new-email" name="email" type="email" autocomplete="email" maxlength="254" required><br><small>${t.changeEmailHint}</small></p>
<p><button type="submit">${t.changeEmail}</button></p></fieldset></form>
<form method="post" action="/profile/password">${csrf}<fieldset><legend>${t.changePassword}</legend>
<p><label for="account-new-password">${t.newPassword}</label> (${t.passwordHint})<br><input id="account-new-password" name="password" type="password" autocomplete="new-password" minlength="10" maxlength="1024" required></p>
<p><button type="submit">${t.changePassword}</button></p></fieldset></form>`
    : html`<p>${t.reauthIntro(opts.minutes)}</p>
<form method="post" action="/profile/reauth">${csrf}<input type="hidden" name="returnTo" value="/profile">
<p><label for="account-reauth-password">${t.password}</label><br><input id="account-reauth-password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">${t.confirm}</button></p></form>`;
  return html`<section class="account" aria-labelledby="account-title" data-testid="account-section">${head}${status}${forms}</section>`;
}
