import { sql, type Kysely } from 'kysely';

/**
 * Top-level pages read in index order on PostgreSQL too. The indexes of 001 lead with (story_id, parent_id), and a
 * page asks for `parent_id IS NULL`: SQLite takes that as an equality and walks the index in sort order, but
 * PostgreSQL does not (IS NULL makes no equivalence class), so it read every top-level comment of the story after the
 * cursor and sorted them for each page. Partial indexes on top-level comments leave story_id as the only equality
 * before the sort columns, which both planners then follow: one short range scan per page, whatever the sort.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, key] of [
    ['comments_top_created', []],
    ['comments_top_reactions', ['reaction_count']],
    ['comments_top_replies', ['reply_count']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('comments')
      .columns(['story_id', ...key, 'created_at', 'id'])
      .where(sql.ref('parent_id'), 'is', null)
      .execute();
  }
  // Served only top-level pages, which the partial indexes above now serve. comments_story_top_created stays: the
  // counter recount looks up the direct replies of a comment by (story_id, parent_id).
  await db.schema.dropIndex('comments_story_top_reactions').execute();
  await db.schema.dropIndex('comments_story_top_replies').execute();
}
