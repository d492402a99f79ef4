import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import type { Lang } from '../../i18n/discussion.js';

/** A publisher's site: the tenant every story, comment and setting belongs to. */
export interface Site {
  id: string;
  name: string;
  origins: string[];
  lang: Lang;
}

function toSite(row: { id: string; name: string; origins: string; lang: string }): Site {
  return { id: row.id, name: row.name, origins: JSON.parse(row.origins) as string[], lang: row.lang === 'fr' ? 'fr' : 'en' };
}

/** Sites storage. */
export function sitesRepository(db: Db) {
  return {
    async list(): Promise<Site[]> {
      const rows = await db.selectFrom('sites').selectAll().orderBy('id').execute();
      return rows.map(toSite);
    },
    async get(id: string): Promise<Site | undefined> {
      const row = await db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toSite(row) : undefined;
    },
    async create(site: Site): Promise<void> {
      await db
        .insertInto('sites')
        .values({ id: site.id, name: site.name, origins: JSON.stringify(site.origins), lang: site.lang, created_at: nowIso() })
        .execute();
    },
    /** Creates the site unless its id exists; false when another process got there first. */
    async createIfAbsent(site: Site): Promise<boolean> {
      const res = await db
        .insertInto('sites')
        .values({ id: site.id, name: site.name, origins: JSON.stringify(site.origins), lang: site.lang, created_at: nowIso() })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async setOrigins(id: string, origins: string[]): Promise<void> {
      await db.updateTable('sites').set({ origins: JSON.stringify(origins) }).where('id', '=', id).execute();
    },
  };
}
export type SitesRepository = ReturnType<typeof sitesRepository>;

/**
 * Which site an origin belongs to. Cached because every cross-origin request asks; the cache is short-lived so a
 * site's new origin works within seconds without a restart.
 */
export function originIndex(repo: SitesRepository, ttlMs = 5_000) {
  let cache: { at: number; byOrigin: Map<string, Site> } | undefined;
  async function load(): Promise<Map<string, Site>> {
    if (cache && Date.now() - cache.at < ttlMs) return cache.byOrigin;
    const byOrigin = new Map<string, Site>();
    for (const site of await repo.list()) for (const o of site.origins) if (!byOrigin.has(o)) byOrigin.set(o, site);
    cache = { at: Date.now(), byOrigin };
    return byOrigin;
  }
  return {
    async siteForOrigin(origin: string): Promise<Site | undefined> {
      return (await load()).get(origin);
    },
    invalidate(): void {
      cache = undefined;
    },
  };
}
export type OriginIndex = ReturnType<typeof originIndex>;
