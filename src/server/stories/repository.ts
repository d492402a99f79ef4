import { queryShapes, slot } from '../storage/query-shapes.js';
import { storyCount } from '../comments/counters.js';
import type { Db } from '../storage/db.js';
import type { Queryable } from '../storage/tx.js';
import type { Selectable } from 'kysely';
import type { StoriesTable } from '../storage/schema.js';
import type { Lang } from '../../i18n/discussion.js';
import { closesAt, readStorySettings, type StorySettings } from './settings.js';
import { pickStoryUrl, storyUrlVariants } from './url.js';

/** A page that carries a Discussion. */
export interface Story {
  id: string;
  siteId: string;
  url: string;
  title: string;
  lang: Lang;
  /** Closed by a moderator, or past its auto-close time. */
  closed: boolean;
  commentCount: number;
  createdAt: string;
  /** Per-story settings (stories.settings); absent on a story being created. */
  settings?: StorySettings;
  publishedAt?: string | null;
  /** When the story closes by itself (settings.autoCloseDays), if it does. */
  closesAt?: string | null;
  /** The note shown above the discussion, if any. */
  message?: string | null;
}

function toStory(row: Selectable<StoriesTable> & { live_count?: number | string }, now = Date.now()): Story {
  const settings = readStorySettings(row.settings);
  const closes = closesAt(settings, row.published_at, row.created_at);
  return {
    id: row.id,
    siteId: row.site_id,
    url: row.url,
    title: row.title,
    lang: row.lang === 'fr' ? 'fr' : 'en',
    closed: row.closed === 1 || (closes !== null && Date.parse(closes) <= now),
    commentCount: Number(row.live_count ?? row.comment_count),
    createdAt: row.created_at,
    settings,
    publishedAt: row.published_at,
    closesAt: closes,
    message: settings.message,
  };
}

/** Stories storage. */
export function storiesRepository(db: Db) {
  // The story of every page read and every write, built once (storage/query-shapes.ts).
  const shaped = queryShapes(db);
  return {
    async get(id: string): Promise<Story | undefined> {
      // The same shape as getWithSeq's: the first statement of every write to a story too.
      const [row] = await shaped('story', () => db.selectFrom('stories').selectAll().select(storyCount('stories').as('live_count')).where('id', '=', slot<string>(0)), [id]);
      return row ? toStory(row) : undefined;
    },
    /**
     * A story with its event number, in one statement (the event number is a column of the story's row): what a
     * page read needs first, where a second statement per page cost a round trip on PostgreSQL.
     */
    async getWithSeq(id: string): Promise<{ story: Story; eventSeq: number } | undefined> {
      const [row] = await shaped('story', () => db.selectFrom('stories').selectAll().select(storyCount('stories').as('live_count')).where('id', '=', slot<string>(0)), [id]);
      return row ? { story: toStory(row), eventSeq: Number(row.event_seq) } : undefined;
    },
    async findByUrl(siteId: string, url: string): Promise<Story | undefined> {
      const row = await db.selectFrom('stories').selectAll().select(storyCount('stories').as('live_count')).where('site_id', '=', siteId).where('url', '=', url).executeTakeFirst();
      return row ? toStory(row) : undefined;
    },
    /**
     * The story of a page under any of its URL variants (scheme, trailing slash, see url.ts): the one place a
     * reader's URL is matched to a stored story, so lookups find what the importer or an older lookup stored.
     */
    async findByPage(siteId: string, url: string): Promise<Story | undefined> {
      const rows = await db.selectFrom('stories').selectAll().where('site_id', '=', siteId).where('url', 'in', storyUrlVariants(url)).execute();
      const chosen = pickStoryUrl(rows.map((r) => r.url), url);
      const row = rows.find((r) => r.url === chosen);
      return row ? toStory(row) : undefined;
    },
    /** Inserts unless (site, url) exists, so concurrent first views of a page agree on one story; true if inserted. */
    async insertIfAbsent(q: Queryable, story: Story): Promise<boolean> {
      const res = await q
        .insertInto('stories')
        .values({ id: story.id, site_id: story.siteId, url: story.url, title: story.title, lang: story.lang, closed: story.closed ? 1 : 0, created_at: story.createdAt })
        .onConflict((oc) => oc.columns(['site_id', 'url']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    /** The stored settings JSON, to merge a patch into. */
    async rawSettings(siteId: string, id: string): Promise<string | undefined> {
      return (await db.selectFrom('stories').select('settings').where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst())?.settings;
    },
    /** Changes the moderator-set state of a story: open/closed, settings, publication time. */
    async updateSettings(q: Queryable, siteId: string, id: string, patch: { closed?: boolean; settingsJson?: string; publishedAt?: string | null }): Promise<void> {
      const set: { closed?: number; settings?: string; published_at?: string | null } = {};
      if (patch.closed !== undefined) set.closed = patch.closed ? 1 : 0;
      if (patch.settingsJson !== undefined) set.settings = patch.settingsJson;
      if (patch.publishedAt !== undefined) set.published_at = patch.publishedAt;
      if (Object.keys(set).length > 0) await q.updateTable('stories').set(set).where('site_id', '=', siteId).where('id', '=', id).execute();
    },
  };
}
export type StoriesRepository = ReturnType<typeof storiesRepository>;
