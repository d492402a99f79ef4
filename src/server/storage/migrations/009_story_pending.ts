import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * No hot row (issue 20). A change no longer numbers its story's public events nor moves the story's count: both
 * would update the story's row, and on PostgreSQL every writer of a busy story then queues on that row's lock until
 * the commit before it. The change inserts its public events and count deltas here instead (insert only, no lock
 * shared with other writers); one leased sequencer then numbers them per story, in the order it sees them commit,
 * and folds the deltas into `stories`. Reads of a count add the deltas still waiting, so a count is never behind.
 * Numbered in insertion order for the sequencer; not a cursor (on PostgreSQL a later id may commit first).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('story_pending')
    .addColumn('id', pg ? sql`bigserial` : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('story_id', 'text', (c) => c.notNull())
    // Null for a row that only moves the count.
    .addColumn('type', 'text')
    .addColumn('payload', 'text')
    .addColumn('comment_id', 'text')
    .addColumn('count_delta', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('story_pending_story').on('story_pending').column('story_id').execute();
  await db.schema.createIndex('story_pending_comment').on('story_pending').column('comment_id').execute();
}
