import { randomBytes } from 'node:crypto';
import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import { readSettings, type PublisherSettings } from './settings.js';

/** A site as its admins see it: the public part plus our settings (secrets apart). */
export interface SiteRecord {
  id: string;
  name: string;
  origins: string[];
  lang: 'en' | 'fr';
  settings: PublisherSettings;
  createdAt: string;
}

type Row = { id: string; name: string; origins: string; lang: string; settings: string; created_at: string };

function toRecord(r: Row): SiteRecord {
  return { id: r.id, name: r.name, origins: JSON.parse(r.origins) as string[], lang: r.lang === 'fr' ? 'fr' : 'en', settings: readSettings(r.settings), createdAt: r.created_at };
}

/** A fresh HS256 key: 256 random bits, the size RFC 7518 asks of an HS256 secret. */
export function newSsoSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A publisher's site as readers' paths need it: the tenant every story, comment and setting belongs to. */
export type Site = Pick<SiteRecord, 'id' | 'name' | 'origins' | 'lang'>;

/**
 * The one accessor of sites: their records, settings and secrets, for every feature. Readers' paths (which site an
 * origin belongs to, a site's settings on each page view or post) read one cache of all sites, kept `ttlMs` at most
 * (a change made by another process, a second node or the command line, is seen within that time) and dropped at
 * once by any change made through this store. Sites are few: the whole table fits.
 */
export function siteStore(db: Db, opts: { ttlMs?: number } = {}) {
  const ttlMs = opts.ttlMs ?? 5_000;
  let cache: { at: number; byId: Map<string, SiteRecord>; byOrigin: Map<string, SiteRecord> } | undefined;
  async function snapshot() {
    if (cache && Date.now() - cache.at < ttlMs) return cache;
    const all = (await db.selectFrom('sites').selectAll().orderBy('id').execute()).map(toRecord);
    const byOrigin = new Map<string, SiteRecord>();
    for (const site of all) for (const o of site.origins) if (!byOrigin.has(o)) byOrigin.set(o, site);
    cache = { at: Date.now(), byId: new Map(all.map((x) => [x.id, x])), byOrigin };
    return cache;
  }
  const invalidate = () => void (cache = undefined);
  return {
    /** Which site an origin belongs to (asked by every cross-origin request), from the cache. */
    async siteForOrigin(origin: string): Promise<SiteRecord | undefined> {
      return (await snapshot()).byOrigin.get(origin);
    },
    /** Drops the cache: the next read sees the database. */
    invalidate,
    async list(): Promise<SiteRecord[]> {
      return (await db.selectFrom('sites').selectAll().orderBy('id').execute()).map(toRecord);
    },
    async get(id: string): Promise<SiteRecord | undefined> {
      const row = await db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    /** A site's settings for readers' paths, from the cache; undefined for an unknown site. */
    async cachedSettings(id: string): Promise<PublisherSettings | undefined> {
      return (await snapshot()).byId.get(id)?.settings;
    },
    /** Creates a site (no settings, no secret yet) unless its id exists; false when another process got there first. */
    async createIfAbsent(site: Site): Promise<boolean> {
      const res = await db
        .insertInto('sites')
        .values({ id: site.id, name: site.name, origins: JSON.stringify(site.origins), lang: site.lang, created_at: nowIso() })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      invalidate();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async setOrigins(id: string, origins: string[]): Promise<void> {
      await db.updateTable('sites').set({ origins: JSON.stringify(origins) }).where('id', '=', id).execute();
      invalidate();
    },
    /** The raw settings JSON, to merge a patch into without touching other features' keys. */
    async rawSettings(id: string): Promise<string | undefined> {
      return (await db.selectFrom('sites').select('settings').where('id', '=', id).executeTakeFirst())?.settings;
    },
    /** Inserts a site and its secret; false when the id is taken. */
    async insert(site: Omit<SiteRecord, 'settings' | 'createdAt'> & { settingsJson: string }, ssoSecret: string): Promise<boolean> {
      const inserted = await db.transaction().execute(async (tx) => {
        const at = nowIso();
        const res = await tx
          .insertInto('sites')
          .values({ id: site.id, name: site.name, origins: JSON.stringify(site.origins), lang: site.lang, settings: site.settingsJson, created_at: at })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) return false;
        await tx.insertInto('site_secrets').values({ site_id: site.id, sso_secret: ssoSecret, created_at: at, rotated_at: null }).execute();
        return true;
      });
      invalidate();
      return inserted;
    },
    async update(id: string, patch: { name?: string; origins?: string[]; lang?: string; settingsJson?: string }): Promise<void> {
      const set: { name?: string; origins?: string; lang?: string; settings?: string } = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.origins !== undefined) set.origins = JSON.stringify(patch.origins);
      if (patch.lang !== undefined) set.lang = patch.lang;
      if (patch.settingsJson !== undefined) set.settings = patch.settingsJson;
      if (Object.keys(set).length > 0) await db.updateTable('sites').set(set).where('id', '=', id).execute();
      invalidate();
    },
    /**
     * The site's HS256 secret. Sites made before this feature (the demo seed, imports) get one on first use;
     * the insert races safely because the row is keyed by site.
     */
    async ssoSecret(siteId: string): Promise<string> {
      const row = await db.selectFrom('site_secrets').select('sso_secret').where('site_id', '=', siteId).executeTakeFirst();
      if (row) return row.sso_secret;
      await db
        .insertInto('site_secrets')
        .values({ site_id: siteId, sso_secret: newSsoSecret(), created_at: nowIso(), rotated_at: null })
        .onConflict((oc) => oc.column('site_id').doNothing())
        .execute();
      return (await db.selectFrom('site_secrets').select('sso_secret').where('site_id', '=', siteId).executeTakeFirstOrThrow()).sso_secret;
    },
    async rotateSsoSecret(siteId: string): Promise<string> {
      await this.ssoSecret(siteId);
      const secret = newSsoSecret();
      await db.updateTable('site_secrets').set({ sso_secret: secret, rotated_at: nowIso() }).where('site_id', '=', siteId).execute();
      return secret;
    },
  };
}
export type SiteStore = ReturnType<typeof siteStore>;
