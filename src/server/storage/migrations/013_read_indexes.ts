import { sql, type Kysely } from 'kysely';

/**
 * The replies of a page found by their thread. comments_root (root_id, created_at) also held every top-level
 * comment under root_id NULL, so the statistics SQLite gathers said each root_id value matched hundreds of rows,
 * and the planner read the page's replies through comments_site_status instead: every comment of the site, for
 * every page (EXPLAIN QUERY PLAN: `SEARCH c USING INDEX comments_site_status (site_id=?)`). An index of replies
 * only has the statistics of replies (a few per thread); led by site_id, which the query also names (with root_id
 * first, SQLite still preferred comments_site_status for `site_id = ? AND root_id IN (…)`). `root_id IN (…)` implies
 * `root_id IS NOT NULL`, which lets either planner use a partial index. It replaces comments_root, which served
 * only this query.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('comments_thread').on('comments').columns(['site_id', 'root_id', 'created_at', 'id']).where(sql.ref('root_id'), 'is not', null).execute();
  await db.schema.dropIndex('comments_root').execute();
}
