import { sql } from 'kysely';
import type { Db } from '../storage/db.js';
import type { Queryable } from '../storage/tx.js';
import { nowIso } from '../storage/ids.js';
import { parseSettings, storyModeOf, type ModerationSettings, type StoryMode } from './settings.js';

/** A user's standing on one site. */
export interface Standing {
  banned: boolean;
  suspendedUntil: string | null;
  premoderate: boolean;
}

export const GOOD_STANDING: Standing = { banned: false, suspendedUntil: null, premoderate: false };

const count = (rows: { n: number | string | bigint } | undefined) => Number(rows?.n ?? 0);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** How long a site's moderation settings are reused before the row is read again. */
const SETTINGS_TTL_MS = 1000;

/** Moderation storage read by the pipeline: settings, standing, and what a site's recent history says. Site-scoped. */
export function moderationRepository(db: Db) {
  // The row is read at most once a second per site (a change made on another node applies within a second; one
  // made here, at once), and parsing and validating it is not redone while its JSON is unchanged. Under a burst of
  // comments that is one read a second instead of one a comment. One entry per site; sites are few.
  const parsed = new Map<string, { json: string | undefined; settings: ModerationSettings; at: number }>();
  return {
    /** The site's settings; frozen, as the same object is shared by the comments posted until they change. */
    async settings(siteId: string, now = Date.now()): Promise<ModerationSettings> {
      const hit = parsed.get(siteId);
      if (hit && now - hit.at < SETTINGS_TTL_MS) return hit.settings;
      const row = await db.selectFrom('moderation_settings').select('settings').where('site_id', '=', siteId).executeTakeFirst();
      if (hit && hit.json === row?.settings) {
        hit.at = now;
        return hit.settings;
      }
      const settings = deepFreeze(parseSettings(row?.settings));
      parsed.set(siteId, { json: row?.settings, settings, at: now });
      return settings;
    },

    /** Forgets the cached settings of a site (after a transaction that changed them committed). */
    forgetSettings(siteId: string): void {
      parsed.delete(siteId);
    },

    /** Writes through `q`, the transaction that also records the audit entry. */
    async saveSettings(q: Queryable, siteId: string, settings: ModerationSettings): Promise<void> {
      const json = JSON.stringify(settings);
      const at = nowIso();
      await q
        .insertInto('moderation_settings')
        .values({ site_id: siteId, settings: json, updated_at: at })
        .onConflict((oc) => oc.column('site_id').doUpdateSet({ settings: json, updated_at: at }))
        .execute();
      parsed.delete(siteId);
    },

    async standing(siteId: string, userId: string): Promise<Standing> {
      const row = await db.selectFrom('user_standing').selectAll().where('site_id', '=', siteId).where('user_id', '=', userId).executeTakeFirst();
      return row ? { banned: row.banned === 1, suspendedUntil: row.suspended_until, premoderate: row.premoderate === 1 } : { ...GOOD_STANDING };
    },

    async saveStanding(q: Queryable, siteId: string, userId: string, s: Standing): Promise<void> {
      const values = { banned: s.banned ? 1 : 0, suspended_until: s.suspendedUntil, premoderate: s.premoderate ? 1 : 0, updated_at: nowIso() };
      await q
        .insertInto('user_standing')
        .values({ site_id: siteId, user_id: userId, ...values })
        .onConflict((oc) => oc.columns(['site_id', 'user_id']).doUpdateSet(values))
        .execute();
    },

    /** The story's own moderation mode (from its settings). */
    async storyMode(siteId: string, storyId: string): Promise<StoryMode> {
      const row = await db.selectFrom('stories').select('settings').where('site_id', '=', siteId).where('id', '=', storyId).executeTakeFirst();
      return storyModeOf(row?.settings);
    },

    /**
     * What the pipeline asks of an author on a story, in ONE statement of scalar subqueries (on PostgreSQL each query
     * is a round trip, on both a statement to build and run): their standing, how many comments they published
     * (counted up to `publishedCap`), how many they posted since `recentSince`, and whether they posted this exact
     * text since `sameSince` on this story and on how many others (one pass over their recent comments, in FROM: as
     * two scalar subqueries it read every row twice, and those rows carry the bodies).
     */
    async authorFacts(q: {
      siteId: string;
      userId: string;
      storyId: string;
      body: string;
      recentSince: string;
      sameSince: string;
      publishedCap: number;
      exceptId?: string | undefined;
    }): Promise<Standing & { published: number; recent: number; sameStory: boolean; elsewhere: number }> {
      // Plain SQL (portable: scalar subqueries and LIMIT inside them work on both engines): it is built on every
      // comment, and Kysely's builder costs more to assemble seven subqueries than the database takes to run them.
      const except = q.exceptId ? sql`and id <> ${q.exceptId}` : sql``;
      const stories = sql`select distinct story_id from comments where site_id = ${q.siteId} and author_id = ${q.userId} and body = ${q.body} and created_at >= ${q.sameSince} and status <> 'deleted' ${except} limit 100`;
      const standing = (column: string) => sql`(select ${sql.ref(column)} from user_standing where site_id = ${q.siteId} and user_id = ${q.userId})`;
      const { rows } = await sql<{ banned: number | null; suspended_until: string | null; premoderate: number | null; published: number | string; recent: number | string; same_story: number | string; elsewhere: number | string }>`select
        ${standing('banned')} as banned,
        ${standing('suspended_until')} as suspended_until,
        ${standing('premoderate')} as premoderate,
        (select count(*) from (select 1 as one from comments where site_id = ${q.siteId} and author_id = ${q.userId} and status = 'published' limit ${q.publishedCap}) as p) as published,
        (select count(*) from comments where site_id = ${q.siteId} and author_id = ${q.userId} and created_at >= ${q.recentSince}) as recent,
        coalesce(same.same_story, 0) as same_story,
        coalesce(same.elsewhere, 0) as elsewhere
        from (select sum(case when s.story_id = ${q.storyId} then 1 else 0 end) as same_story, sum(case when s.story_id <> ${q.storyId} then 1 else 0 end) as elsewhere from (${stories}) as s) as same`.execute(db);
      const row = rows[0] ?? { banned: null, suspended_until: null, premoderate: null, published: 0, recent: 0, same_story: 0, elsewhere: 0 };
      return {
        banned: Number(row.banned ?? 0) === 1,
        suspendedUntil: row.suspended_until ?? null,
        premoderate: Number(row.premoderate ?? 0) === 1,
        published: Number(row.published ?? 0),
        recent: Number(row.recent ?? 0),
        sameStory: Number(row.same_story ?? 0) > 0,
        elsewhere: Number(row.elsewhere ?? 0),
      };
    },

    /** Comments on a story since `since` by accounts created after `newSince`. */
    async newAccountComments(siteId: string, storyId: string, since: string, newSince: string): Promise<number> {
      const row = await db
        .selectFrom('comments as c')
        .innerJoin('users as u', 'u.id', 'c.author_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('c.site_id', '=', siteId)
        .where('c.story_id', '=', storyId)
        .where('c.created_at', '>=', since)
        .where('u.created_at', '>=', newSince)
        .executeTakeFirst();
      return count(row);
    },
  };
}
export type ModerationRepository = ReturnType<typeof moderationRepository>;
