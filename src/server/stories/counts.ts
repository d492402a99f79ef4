import { storyCount } from '../comments/counters.js';
import type { SiteStore } from '../sites/store.js';
import type { Db } from '../storage/db.js';
import { normaliseStoryUrl, pickStoryUrl, storyUrlKey, storyUrlVariants } from './url.js';

/** At most this many URLs per request: a list page, bounded so one request cannot ask for the whole database. */
export const MAX_COUNT_URLS = 200;

/**
 * Published comment counts of many pages at once, keyed by the URL as the caller wrote it. URLs are matched to
 * stories as lookups match them (url.ts: tracking parameters, scheme and trailing slash do not matter); URLs that are
 * not valid, belong to no site or have no story yet count 0. One query per site among the URLs (usually one).
 */
export async function commentCounts(deps: { db: Db; origins: Pick<SiteStore, 'siteForOrigin'> }, urls: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  // Per site: the normalised URL each raw URL asked for.
  const bySite = new Map<string, Map<string, string>>();
  for (const raw of urls) {
    out.set(raw, 0);
    let url: string;
    try {
      url = normaliseStoryUrl(raw);
    } catch {
      continue;
    }
    const site = await deps.origins.siteForOrigin(new URL(url).origin);
    if (!site) continue;
    const wanted = bySite.get(site.id) ?? new Map<string, string>();
    wanted.set(raw, url);
    bySite.set(site.id, wanted);
  }
  for (const [siteId, wanted] of bySite) {
    const variants = [...new Set([...wanted.values()].flatMap(storyUrlVariants))];
    const rows = await deps.db.selectFrom('stories').select(['url', storyCount('stories').as('comment_count')]).where('site_id', '=', siteId).where('url', 'in', variants).execute();
    const byKey = new Map<string, { url: string; comment_count: number | string }[]>();
    for (const r of rows) {
      const key = storyUrlKey(r.url);
      byKey.set(key, [...(byKey.get(key) ?? []), r]);
    }
    for (const [raw, url] of wanted) {
      const found = byKey.get(storyUrlKey(url)) ?? [];
      const chosen = pickStoryUrl(found.map((r) => r.url), url);
      out.set(raw, Number(found.find((r) => r.url === chosen)?.comment_count ?? 0));
    }
  }
  return out;
}
