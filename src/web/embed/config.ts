import { pickLang, type ReadStrings, type Lang } from '../../i18n/discussion.js';

/** What a page can pass: the script tag's data-* attributes (same names, camelCased) or `Agora.render` options. */
export interface EmbedOptions {
  storyId?: string;
  storyUrl?: string;
  lang?: string;
  api?: string;
  container?: string;
  /** The publisher's single sign-on JWT for its signed-in reader (`data-sso-token`). */
  ssoToken?: string;
}

/** One widget's settings, resolved against the page it runs on. */
export interface Config {
  /** API base without trailing slash, e.g. `https://comments.example`. */
  api: string;
  apiOrigin: string;
  /** Cookie mode: the API shares the page's origin, so its session cookie is first-party. */
  firstParty: boolean;
  lang: Lang;
  storyId?: string;
  storyUrl?: string;
  ssoToken?: string;
}

/** A widget's settings once its language's reading strings are loaded. */
export type ReadyConfig = Config & { s: ReadStrings };

/** Resolves options; the API defaults to the origin the script was loaded from. */
export function resolveConfig(o: EmbedOptions, scriptSrc: string | undefined, host: Element): Config {
  const api = o.api
    ? new URL(o.api, location.href).href.replace(/\/+$/, '')
    : new URL(scriptSrc || location.href, location.href).origin;
  const apiOrigin = new URL(api).origin;
  return {
    api,
    apiOrigin,
    // Decided on the API's origin, not the script's: cookies follow the API calls.
    firstParty: apiOrigin === location.origin,
    // The host's closest lang (e.g. <section lang="fr">) is more precise than <html lang>.
    lang: pickLang(o.lang || host.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang),
    storyId: o.storyId,
    storyUrl: o.storyUrl,
    ssoToken: o.ssoToken,
  };
}

/** API path that returns this page's story: by id, or looked up (and created on first use) by URL. */
export function storyPath(cfg: Config): string {
  if (cfg.storyId) return `/stories/${encodeURIComponent(cfg.storyId)}`;
  const meta = (sel: string) => document.querySelector<HTMLMetaElement>(sel)?.content;
  const url = cfg.storyUrl
    ? new URL(cfg.storyUrl, location.href).href
    : document.querySelector<HTMLLinkElement>('link[rel="canonical"]')?.href || location.href.split('#')[0]!;
  const title = meta('meta[property="og:title"]') || document.title;
  return `/stories/lookup?${new URLSearchParams({ url, title, lang: cfg.lang })}`;
}
