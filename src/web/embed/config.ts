import { pickLang, type ReadStrings, type Lang } from '../../i18n/discussion.js';
import type { Comment, Story, User } from './types.js';

/** The page's hooks (`Agora.render` options; README, "The embed API"). Each is optional. */
export interface EmbedHooks {
  /** The Discussion is shown: its story, and the reader if signed in. */
  onReady?(info: { story: Story; user: User | null }): void;
  /** The reader posted a comment or a reply (it may be held for moderation: see `status`). */
  onCommentPosted?(comment: Comment): void;
  /** Set, "Sign in" (and Reply, Respect, Report while signed out) call it instead of Agora's sign-in. */
  onLoginRequest?(): void;
  /** The reader signed out of the Discussion. */
  onLogout?(): void;
  /** Something failed that the page may want to know: a refused single sign-on token, a Discussion not loaded. */
  onError?(error: { code: string; message: string }): void;
  /** Gives a fresh single sign-on token (or null: nobody signed in), when there is none yet or it expired. */
  getToken?(): Promise<string | null | undefined> | string | null | undefined;
}

/** What a page can pass: the script tag's data-* attributes (same names, camelCased) or `Agora.render` options. */
export interface EmbedOptions extends EmbedHooks {
  storyId?: string;
  storyUrl?: string;
  lang?: string;
  api?: string;
  container?: string;
  /** The publisher's single sign-on JWT for its signed-in reader (`data-sso-token`). */
  ssoToken?: string;
  /** The page's CSP nonce, for the widget's styles in browsers without constructed stylesheets (the script tag's own). */
  nonce?: string;
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
  nonce?: string;
  /** The options as given, for their hooks (a script tag's give none). */
  hooks: EmbedHooks;
}

/** A widget's settings once its language's reading strings are loaded, with the shadow root it renders into. */
export type ReadyConfig = Config & { s: ReadStrings; root: ShadowRoot };

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
    nonce: o.nonce,
    hooks: o,
  };
}

type Hook = Exclude<keyof EmbedHooks, 'getToken'>;

/**
 * Calls the page's hook `name`, if it gave a function, in a microtask of its own: one that throws is reported by the
 * browser and cannot break the widget, and the reader's click still counts for a window the hook opens.
 */
export function emit<K extends Hook>(cfg: Config, name: K, ...arg: Parameters<NonNullable<EmbedHooks[K]>>): void {
  const f = cfg.hooks[name] as unknown;
  if (typeof f == 'function') queueMicrotask(() => (f as (...a: unknown[]) => void)(...arg));
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
