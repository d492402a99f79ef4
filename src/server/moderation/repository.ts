import type { Db } from '../storage/db.js';
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

/** Moderation storage read by the pipeline: settings, standing, and what a site's recent history says. Site-scoped. */
export function moderationRepository(db: Db) {
  return {
    async settings(siteId: string): Promise<ModerationSettings> {
      const row = await db.selectFrom('moderation_settings').select('settings').where('site_id', '=', siteId).executeTakeFirst();
      return parseSettings(row?.settings);
    },

    async saveSettings(siteId: string, settings: ModerationSettings): Promise<void> {
      const json = JSON.stringify(settings);
      const at = nowIso();
      await db
        .insertInto('moderation_settings')
        .values({ site_id: siteId, settings: json, updated_at: at })
        .onConflict((oc) => oc.column('site_id').doUpdateSet({ settings: json, updated_at: at }))
        .execute();
    },

    async standing(siteId: string, userId: string): Promise<Standing> {
      const row = await db.selectFrom('user_standing').selectAll().where('site_id', '=', siteId).where('user_id', '=', userId).executeTakeFirst();
      return row ? { banned: row.banned === 1, suspendedUntil: row.suspended_until, premoderate: row.premoderate === 1 } : { ...GOOD_STANDING };
    },

    async saveStanding(siteId: string, userId: string, s: Standing): Promise<void> {
      const values = { banned: s.banned ? 1 : 0, suspended_until: s.suspendedUntil, premoderate: s.premoderate ? 1 : 0, updated_at: nowIso() };
      await db
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

    /** How many comments the author has published on the site, and posted since `since`. */
    async authorCounts(siteId: string, userId: string, since: string): Promise<{ published: number; recent: number }> {
      const base = db.selectFrom('comments').select((eb) => eb.fn.countAll<number>().as('n')).where('site_id', '=', siteId).where('author_id', '=', userId);
      const [published, recent] = await Promise.all([base.where('status', '=', 'published').executeTakeFirst(), base.where('created_at', '>=', since).executeTakeFirst()]);
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
