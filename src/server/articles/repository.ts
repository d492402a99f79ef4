import { storyCount } from '../comments/counters.js';
import type { Db } from '../storage/db.js';
import type { Lang } from '../../i18n/discussion.js';

/** A first-party article (the demo newsroom, or publishers without a CMS). */
export interface Article {
  id: string;
  siteId: string;
  slug: string;
  storyId: string;
  lang: Lang;
  title: string;
  standfirst: string;
  byline: string;
  publishedAt: string;
  paragraphs: string[];
}

type Row = { id: string; site_id: string; slug: string; story_id: string; lang: string; title: string; standfirst: string; byline: string; published_at: string; paragraphs: string };

function toArticle(r: Row): Article {
  return {
    id: r.id,
    siteId: r.site_id,
    slug: r.slug,
    storyId: r.story_id,
    lang: r.lang === 'fr' ? 'fr' : 'en',
    title: r.title,
    standfirst: r.standfirst,
    byline: r.byline,
    publishedAt: r.published_at,
    paragraphs: JSON.parse(r.paragraphs) as string[],
  };
}

/** Articles storage. */
export function articlesRepository(db: Db) {
  return {
    async list(siteId: string): Promise<(Article & { commentCount: number })[]> {
      const rows = await db
        .selectFrom('articles as a')
        .innerJoin('stories as s', 's.id', 'a.story_id')
        .selectAll('a')
        .select(storyCount('s').as('comment_count'))
        .where('a.site_id', '=', siteId)
        .orderBy('a.published_at', 'desc')
        .execute();
      return rows.map((r) => ({ ...toArticle(r), commentCount: Number(r.comment_count) }));
    },
    async bySlug(siteId: string, slug: string): Promise<Article | undefined> {
      const row = await db.selectFrom('articles').selectAll().where('site_id', '=', siteId).where('slug', '=', slug).executeTakeFirst();
      return row ? toArticle(row) : undefined;
    },
    async insert(a: Article): Promise<void> {
      await db
        .insertInto('articles')
        .values({
          id: a.id,
          site_id: a.siteId,
          slug: a.slug,
          story_id: a.storyId,
          lang: a.lang,
          title: a.title,
          standfirst: a.standfirst,
          byline: a.byline,
          published_at: a.publishedAt,
          paragraphs: JSON.stringify(a.paragraphs),
        })
        .execute();
    },
  };
}
export type ArticlesRepository = ReturnType<typeof articlesRepository>;
