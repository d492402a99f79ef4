import type { Db } from '../storage/db.js';
import type { Selectable } from 'kysely';
import type { StoriesTable } from '../storage/schema.js';
import type { Lang } from '../../i18n/discussion.js';

/** A page that carries a Discussion. */
export interface Story {
  id: string;
  siteId: string;
  url: string;
  title: string;
  lang: Lang;
  closed: boolean;
  commentCount: number;
  createdAt: string;
}

function toStory(row: Selectable<StoriesTable>): Story {
  return {
    id: row.id,
    siteId: row.site_id,
    url: row.url,
    title: row.title,
    lang: row.lang === 'fr' ? 'fr' : 'en',
    closed: row.closed === 1,
    commentCount: row.comment_count,
    createdAt: row.created_at,
  };
}

/** Stories storage. */
export function storiesRepository(db: Db) {
  return {
    async get(id: string): Promise<Story | undefined> {
      const row = await db.selectFrom('stories').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toStory(row) : undefined;
    },
    async findByUrl(siteId: string, url: string): Promise<Story | undefined> {
      const row = await db.selectFrom('stories').selectAll().where('site_id', '=', siteId).where('url', '=', url).executeTakeFirst();
      return row ? toStory(row) : undefined;
    },
    /** Inserts unless (site, url) exists; concurrent first views of a page then agree on one story. */
    async insertIfAbsent(story: Story): Promise<Story> {
      await db
        .insertInto('stories')
        .values({
          id: story.id,
          site_id: story.siteId,
          url: story.url,
          title: story.title,
          lang: story.lang,
          closed: story.closed ? 1 : 0,
          created_at: story.createdAt,
        })
        .onConflict((oc) => oc.columns(['site_id', 'url']).doNothing())
        .execute();
      const stored = await this.findByUrl(story.siteId, story.url);
      if (!stored) throw new Error('story vanished after insert');
      return stored;
    },
  };
}
export type StoriesRepository = ReturnType<typeof storiesRepository>;
