import type { Kysely } from 'kysely';

/**
 * Schema for import, export and readers' rights (issue 6): scheduled account deletions and the privacy audit log.
 * Portable: Kysely's schema builder only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One pending deletion per account; the row goes when the deletion is cancelled or carried out.
  await db.schema
    .createTable('privacy_deletions')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    // Who asked: the reader themself, or an admin acting on their request (null: the command line).
    .addColumn('requested_by', 'text')
    .execute();
  await db.schema.createIndex('privacy_deletions_due').on('privacy_deletions').column('due_at').execute();

  // Every export of a reader's data and every step of a deletion: who, what, when. No foreign keys on purpose: the
  // log must outlive the accounts it speaks of, and holds no personal data beyond their ids.
  await db.schema
    .createTable('privacy_audit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('subject_user_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('privacy_audit_subject').on('privacy_audit').columns(['subject_user_id', 'at']).execute();
  await db.schema.createIndex('privacy_audit_at').on('privacy_audit').column('at').execute();
}
