import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * One transaction per change (issue 10). Domain events are recorded in `outbox` in the transaction of the change
 * they describe, and a dispatcher, leased through `leases` so that one node at a time runs it, delivers them.
 * Webhook deliveries and notifications remember the event they came from, and a unique index makes a second
 * delivery of one event (a dispatcher that died after its work but before it forgot the event) add nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('outbox')
    // Numbered in insertion order so the dispatcher takes the oldest first; not a cursor (on PostgreSQL ids are
    // taken before commit, so a later id may commit first): rows are removed once dispatched.
    .addColumn('id', pg ? sql`bigserial` : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text')
    .addColumn('story_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('webhook_deliveries').addColumn('event_id', 'text').execute();
  await db.schema.alterTable('webhook_deliveries').addColumn('comment_id', 'text').execute();
  await db.schema.createIndex('webhook_deliveries_event').on('webhook_deliveries').columns(['event_id', 'webhook_id', 'event_type']).unique().execute();
  await db.schema.createIndex('webhook_deliveries_comment').on('webhook_deliveries').column('comment_id').execute();

  await db.schema.alterTable('notifications').addColumn('event_id', 'text').execute();
  await db.schema.createIndex('notifications_event').on('notifications').columns(['event_id', 'user_id', 'kind']).unique().execute();
  await db.schema.createIndex('notifications_comment').on('notifications').column('comment_id').execute();
}
