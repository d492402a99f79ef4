import type { Kysely } from 'kysely';

/**
 * The public event log of each story, for live readers. Events are numbered per story (stories.event_seq) in the
 * same transaction that appends them, so a reader who reconnects with Last-Event-ID gets exactly what it missed,
 * whichever node it lands on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stories').addColumn('event_seq', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('story_events')
    .addColumn('story_id', 'text', (c) => c.notNull().references('stories.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // The comment an event carries, so its text can be scrubbed from the log when it is deleted.
    .addColumn('comment_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('story_events_pk', ['story_id', 'seq'])
    .execute();
  await db.schema.createIndex('story_events_created').on('story_events').column('created_at').execute();
  await db.schema.createIndex('story_events_comment').on('story_events').column('comment_id').execute();
}
