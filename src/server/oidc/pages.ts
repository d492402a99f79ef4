import type { Lang } from '../../i18n/discussion.js';
import { oidcStrings } from '../../i18n/oidc.js';
import { errorCatalog, type ErrorCode } from '../errors.js';
import { html, type Raw } from '../pages/html.js';
import { layout } from '../pages/layout.js';
import type { OidcProvider } from './repository.js';

/** Where a provider's button starts the sign-in: for that page's origin, in the reader's language. */
export const startHref = (slug: string, origin: string, lang: Lang): string =>
  `/auth/oidc/${encodeURIComponent(slug)}/start?origin=${encodeURIComponent(origin)}&lang=${lang}`;

const STYLE = '.oidc{list-style:none;padding:0;margin:0 0 1rem}.oidc li{margin:.5rem 0}.oidc a{display:inline-block;min-width:16rem;padding:.5rem 1rem;border:1px solid #555;border-radius:.25rem;text-decoration:none;color:#1a1a1a;font:1rem system-ui,sans-serif}';

/**
 * The sign-in window's provider buttons: plain links, so they work without script, each starting the sign-in for the
 * page the window will hand the token to. Empty when the site has no provider.
 */
export function providerButtons(providers: readonly Pick<OidcProvider, 'slug' | 'label'>[], opts: { origin: string; lang: Lang }): Raw {
  if (providers.length === 0) return html``;
  const t = oidcStrings[opts.lang];
  return html`<style>${STYLE}</style><nav aria-label="${t.providersLabel}"><ul class="oidc">${providers.map(
    (p) => html`<li><a href="${startHref(p.slug, opts.origin, opts.lang)}" data-oidc="${p.slug}">${t.continueWith(p.label)}</a></li>`,
  )}</ul></nav><p>${t.orWithEmail}</p>`;
}

/** A sign-in that failed, in the reader's language, with the way back to the sign-in window when there is one. */
export function renderOidcError(opts: { lang: Lang; code: ErrorCode; retryHref: string | null }): string {
  const t = oidcStrings[opts.lang];
  const body = html`<h1>${t.failedTitle}</h1>
<p role="alert" data-code="${opts.code}">${errorCatalog[opts.code][opts.lang]}</p>
<p>${opts.retryHref ? html`<a href="${opts.retryHref}">${t.tryAgain}</a>` : t.close}</p>`;
  return layout({ lang: opts.lang, title: t.failedTitle, body });
}

/**
 * The end of a sign-in: the reader has a session on Agora's origin, and the sign-in window's own script (/popup.js)
 * exchanges it for the page's token and posts it to `targetOrigin`, exactly as after a password sign-in. The meta
 * `agora-oidc-done` asks it to do so at once; the button stays for a browser that blocked it.
 */
export function renderOidcDone(opts: { lang: Lang; targetOrigin: string; displayName: string; csrfToken: string }): string {
  const t = oidcStrings[opts.lang];
  const body = html`<h1>${t.signingIn}</h1>
<p>${t.signedIn(opts.displayName)}</p>
<p id="agora-popup-error" role="alert"></p>
<p><button type="button" id="agora-continue">${t.handOver(opts.displayName)}</button></p>
<script src="/popup.js" defer></script>`;
  const head = html`<meta name="agora-origin" content="${opts.targetOrigin}">
<meta name="agora-csrf" content="${opts.csrfToken}">
<meta name="agora-oidc-done" content="1">
<style>#agora-continue{padding:.5rem 1rem;font-size:1rem}</style>`;
  return layout({ lang: opts.lang, title: t.signingIn, body, head });
}
