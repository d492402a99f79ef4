import type { Db } from '../../storage/db.js';
import { nowIso } from '../../storage/ids.js';

/** Bounds the rows read for the hourly chart, so a huge site cannot make one dashboard view expensive. */
const MAX_ROWS = 100_000;

export interface Dashboard {
  hours: { hour: string; published: number; held: number; rejected: number }[];
  topStories: { id: string; title: string; url: string; comments: number }[];
  totals: { published: number; held: number; rejected: number };
}

/**
 * The home dashboard: comments per hour over the last `hours` hours split by outcome, and the most commented stories
 * of the last week. Hours are bucketed here rather than in SQL, because date functions differ between SQLite and
 * PostgreSQL and the rows are few.
 */
export async function dashboard(db: Db, siteIds: string[] | null, siteId: string | undefined, hours = 48, now = Date.now()): Promise<Dashboard> {
  const start = Math.floor(now / 3_600_000) * 3_600_000 - (hours - 1) * 3_600_000;
  let rows = db.selectFrom('comments').select(['created_at', 'status']).where('created_at', '>=', nowIso(start)).where('status', '!=', 'deleted');
  if (siteIds) rows = rows.where('site_id', 'in', siteIds.length ? siteIds : ['\u0000']);
  if (siteId) rows = rows.where('site_id', '=', siteId);
  const buckets = Array.from({ length: hours }, (_, i) => ({ hour: nowIso(start + i * 3_600_000), published: 0, held: 0, rejected: 0 }));
  const totals = { published: 0, held: 0, rejected: 0 };
  for (const r of await rows.limit(MAX_ROWS).execute()) {
    const b = buckets[Math.floor((Date.parse(r.created_at) - start) / 3_600_000)];
    const k = r.status === 'published' ? 'published' : r.status === 'pending' ? 'held' : 'rejected';
    if (b) b[k]++;
    totals[k]++;
  }
  let top = db
    .selectFrom('comments as c')
    .innerJoin('stories as s', 's.id', 'c.story_id')
    .select(['s.id', 's.title', 's.url', (eb) => eb.fn.countAll<number>().as('n')])
    .where('c.created_at', '>=', nowIso(now - 7 * 86_400_000))
    .where('c.status', '!=', 'deleted');
  if (siteIds) top = top.where('c.site_id', 'in', siteIds.length ? siteIds : ['\u0000']);
  if (siteId) top = top.where('c.site_id', '=', siteId);
  const topRows = await top.groupBy(['s.id', 's.title', 's.url']).orderBy('n', 'desc').limit(10).execute();
  return { hours: buckets, topStories: topRows.map((r) => ({ id: r.id, title: r.title, url: r.url, comments: Number(r.n) })), totals };
}
