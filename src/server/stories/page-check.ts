import type { ArticlesRepository } from '../articles/repository.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { SiteStore } from '../sites/store.js';
import { systemResolve } from '../webhooks/egress.js';
import { fetchPageHead } from './page-fetch.js';
import { decodePage, pageTitle } from './page-title.js';

/** Time allowed to fetch a page's head, redirects included: a first view waits for it, so it stays short. */
export const PAGE_TIMEOUT_MS = 3000;
/** Bytes of a page read at most: heads are a few kB, and what comes after the head is never read. */
export const PAGE_MAX_BYTES = 512 * 1024;

/**
 * Reads the page a story would be made for. The page must exist (answer 2xx) and its title is the page's own, so an
 * anonymous caller can neither invent stories for pages that do not exist nor choose what feeds, emails, the console
 * and webhooks show as their title.
 */
export interface PageReader {
  /** The title of an existing page of the site, null when it has none; throws STORY_PAGE_* when there is no page. */
  title(url: string, siteId: string): Promise<string | null>;
}

/**
 * The page reader of this configuration, or null when AGORA_STORY_PAGE_CHECK=false (stories are then made for any
 * URL of an allowed origin, titled by the caller: tests and development only). Pages on Agora's own origin are the
 * first-party articles it renders itself: read from the database, never fetched over the network.
 */
export function pageReader(deps: { config: Config; origins: Pick<SiteStore, 'siteForOrigin'>; articles: Pick<ArticlesRepository, 'bySlug'> }): PageReader | null {
  const { config } = deps;
  if (!config.storyPageCheck) return null;
  const own = new URL(config.publicUrl).origin;
  return {
    async title(url, siteId) {
      const page = new URL(url);
      if (page.origin === own) {
        const slug = /^\/articles\/([^/]+)$/.exec(page.pathname)?.[1];
        const article = slug && !page.search ? await deps.articles.bySlug(siteId, slug) : undefined;
        if (!article) throw new AppError('STORY_PAGE_NOT_FOUND', '(HTTP 404)');
        return article.title;
      }
      const head = await fetchPageHead(url, {
        // Internal addresses are refused as for webhooks, and AGORA_WEBHOOK_ALLOW_PRIVATE opens them for both: it is
        // the operator saying this server may reach their own network.
        policy: { allowPrivate: config.webhookAllowPrivate, resolve: systemResolve },
        timeoutMs: PAGE_TIMEOUT_MS,
        maxBytes: PAGE_MAX_BYTES,
        userAgent: `Agora (story title check; +${config.publicUrl})`,
        mayFollow: async (next) => (await deps.origins.siteForOrigin(next.origin))?.id === siteId,
        ...(config.storyPageLoopbackForTests ? { allowLoopbackLiteralForTests: true } : {}),
      });
      return pageTitle(decodePage(head.bytes, head.contentType));
    },
  };
}
