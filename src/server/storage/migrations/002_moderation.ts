import type { Kysely } from 'kysely';

/**
 * Schema for moderation (issue 3): why each comment was held or published, per-site settings and word lists,
 * per-site user standing (ban, suspension, pre-moderation, notes), per-site moderators, the audit log, the labelled
 * examples moderators' decisions make, and the models retrained from them. Portable: Kysely's schema builder only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Columns on comments: the pipeline's verdict (JSON, for moderators), the reason shown to the author on a
  // rejection, the featured flag, and who last moderated it and when (null: no moderator has looked at it yet).
  for (const [name, type] of [
    ['moderation', 'text'],
    ['rejection_reason', 'text'],
    ['moderated_by', 'text'],
    ['moderated_at', 'text'],
  ] as const) {
    await db.schema.alterTable('comments').addColumn(name, type).execute();
  }
  await db.schema.alterTable('comments').addColumn('featured', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Queues list a site's comments by status, newest first.
  await db.schema.createIndex('comments_site_status').on('comments').columns(['site_id', 'status', 'created_at']).execute();

  await db.schema
    .createTable('moderation_settings')
    .addColumn('site_id', 'text', (c) => c.primaryKey().references('sites.id'))
    // JSON, validated by moderation/settings.ts on every read and write.
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('user_standing')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('banned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('suspended_until', 'text')
    .addColumn('premoderate', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_standing_pk', ['site_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('moderator_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('moderator_notes_user').on('moderator_notes').columns(['site_id', 'user_id', 'created_at']).execute();

  // Moderators of one site only. Global moderators and admins are users.role; this table never widens a role.
  await db.schema
    .createTable('site_moderators')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('site_moderators_pk', ['site_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('moderation_audit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('moderation_audit_site').on('moderation_audit').columns(['site_id', 'created_at']).execute();

  // One labelled text per moderator decision on a comment (the latest decision wins): the training data of retrain.
  await db.schema
    .createTable('moderation_examples')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('comment_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('label', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('moderation_examples_pk', ['site_id', 'comment_id'])
    .execute();

  await db.schema
    .createTable('moderation_models')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('task', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('examples', 'integer', (c) => c.notNull())
    .addColumn('trained_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('moderation_models_pk', ['site_id', 'task'])
    .execute();
}
