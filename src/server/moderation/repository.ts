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

/** Moderation storage read by the pipeline: settings, standing, and what a site's recent history says. Site-scoped. */
export function moderationRepository(db: Db) {
  // The row is read on every comment (so a change made on another node applies to the next one), but parsing and
  // validating it is not redone while its JSON is unchanged. One entry per site; sites are few.
  const parsed = new Map<string, { json: string | undefined; settings: ModerationSettings }>();
  return {
    /** The site's settings; frozen, as the same object is shared by the comments posted until they change. */
    async settings(siteId: string): Promise<ModerationSettings> {
      const row = await db.selectFrom('moderation_settings').select('settings').where('site_id', '=', siteId).executeTakeFirst();
      const hit = parsed.get(siteId);
      if (hit && hit.json === row?.settings) return hit.settings;
      const settings = deepFreeze(parseSettings(row?.settings));
      parsed.set(siteId, { json: row?.settings, settings });
      return settings;
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
     * How many comments the author has published on the site, counted up to `publishedCap` (the rules only ask
     * whether it is below a threshold, and a prolific author's every post must not count all their history), and
     * how many they posted since `since`.
     */
    async authorCounts(siteId: string, userId: string, since: string, publishedCap: number): Promise<{ published: number; recent: number }> {
      const mine = db.selectFrom('comments').where('site_id', '=', siteId).where('author_id', '=', userId);
      const [published, recent] = await Promise.all([
        db
          .selectFrom(mine.select((eb) => eb.lit(1).as('one')).where('status', '=', 'published').limit(publishedCap).as('p'))
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst(),
        mine.select((eb) => eb.fn.countAll<number>().as('n')).where('created_at', '>=', since).executeTakeFirst(),
      ]);
      return { published: count(published), recent: count(recent) };
    },

    /** The author's earlier comments with exactly this text since `since`, grouped as this story / other stories. */
    async sameText(siteId: string, userId: string, storyId: string, body: string, since: string, exceptId?: string): Promise<{ sameStory: boolean; elsewhere: number }> {
      let q = db
        .selectFrom('comments')
        .select('story_id')
        .distinct()
        .where('site_id', '=', siteId)
        .where('author_id', '=', userId)
        .where('body', '=', body)
        .where('created_at', '>=', since)
        .where('status', '!=', 'deleted');
      if (exceptId) q = q.where('id', '!=', exceptId);
      const stories = (await q.limit(100).execute()).map((r) => r.story_id);
      return { sameStory: stories.includes(storyId), elsewhere: stories.filter((s) => s !== storyId).length };
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
