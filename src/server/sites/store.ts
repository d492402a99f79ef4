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

/**
 * Storage of sites' settings and secrets, for the admin use cases and single sign-on. `settingsTtlMs` bounds how
 * stale `cachedSettings` may be after another process (a second node, the CLI) changed a site; changes made through
 * this store are seen at once.
 */
export function siteStore(db: Db, opts: { settingsTtlMs?: number } = {}) {
  const ttlMs = opts.settingsTtlMs ?? 5_000;
  // One entry per site asked about, and sites are few; readers' story payloads would otherwise read the site's row
  // and parse its settings on every page view.
  const cache = new Map<string, { at: number; settings: PublisherSettings | undefined }>();
  return {
    async list(): Promise<SiteRecord[]> {
      return (await db.selectFrom('sites').selectAll().orderBy('id').execute()).map(toRecord);
    },
    async get(id: string): Promise<SiteRecord | undefined> {
      const row = await db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    /** A site's settings for readers' paths, cached for a few seconds; undefined for an unknown site. */
    async cachedSettings(id: string): Promise<PublisherSettings | undefined> {
      const hit = cache.get(id);
      if (hit && Date.now() - hit.at < ttlMs) return hit.settings;
      const settings = (await this.get(id))?.settings;
      cache.set(id, { at: Date.now(), settings });
      return settings;
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
      cache.delete(site.id);
      return inserted;
    },
    async update(id: string, patch: { name?: string; origins?: string[]; lang?: string; settingsJson?: string }): Promise<void> {
      const set: { name?: string; origins?: string; lang?: string; settings?: string } = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.origins !== undefined) set.origins = JSON.stringify(patch.origins);
      if (patch.lang !== undefined) set.lang = patch.lang;
      if (patch.settingsJson !== undefined) set.settings = patch.settingsJson;
      if (Object.keys(set).length > 0) await db.updateTable('sites').set(set).where('id', '=', id).execute();
      cache.delete(id);
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
