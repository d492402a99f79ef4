import type { Kysely } from 'kysely';

/**
 * Ignored readers (issue 12): a reader folds the comments of someone they no longer want to read. One row per pair;
 * global rather than per site, as a local account is one person on every site. Keyed by the reader, who is the only
 * one to read their list; the index on the ignored side lets an erasure remove the rows that name an erased account.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ignored_users')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('ignored_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ignored_users_pk', ['user_id', 'ignored_id'])
    .execute();
  await db.schema.createIndex('ignored_users_ignored').on('ignored_users').column('ignored_id').execute();
}
