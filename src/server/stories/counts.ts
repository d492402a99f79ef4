import { storyCount } from '../comments/counters.js';
import type { SiteStore } from '../sites/store.js';
import type { Db } from '../storage/db.js';
import { normaliseStoryUrl } from './url.js';

/** At most this many URLs per request: a list page, bounded so one request cannot ask for the whole database. */
export const MAX_COUNT_URLS = 200;

/**
 * Published comment counts of many pages at once, keyed by the URL as the caller wrote it. URLs that are not
 * valid, belong to no site or have no story yet count 0. One query per site among the URLs (usually one).
 */
export async function commentCounts(deps: { db: Db; origins: Pick<SiteStore, 'siteForOrigin'> }, urls: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const bySite = new Map<string, Map<string, string[]>>();
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
    const wanted = bySite.get(site.id) ?? new Map<string, string[]>();
    wanted.set(url, [...(wanted.get(url) ?? []), raw]);
    bySite.set(site.id, wanted);
  }
  for (const [siteId, wanted] of bySite) {
    const rows = await deps.db.selectFrom('stories').select(['url', storyCount('stories').as('comment_count')]).where('site_id', '=', siteId).where('url', 'in', [...wanted.keys()]).execute();
    for (const r of rows) for (const raw of wanted.get(r.url) ?? []) out.set(raw, Number(r.comment_count));
  }
  return out;
}
