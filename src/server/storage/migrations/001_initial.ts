import type { Kysely } from 'kysely';

/** The first schema. Written with Kysely's schema builder only, so it runs unchanged on SQLite and PostgreSQL. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('meta').addColumn('key', 'text', (c) => c.primaryKey()).addColumn('value', 'text', (c) => c.notNull()).execute();

  await db.schema
    .createTable('sites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('origins', 'text', (c) => c.notNull())
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Null for accounts that have no email of ours: imported authors, some single-sign-on readers.
    .addColumn('email', 'text', (c) => c.unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Accounts known to a site by another system's id: single sign-on (`sso`), importers (`disqus`, `wordpress`).
  // Matched by (site, provider, subject), never by email alone.
  await db.schema
    .createTable('user_identities')
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_identities_pk', ['site_id', 'provider', 'subject'])
    .execute();
  await db.schema.createIndex('user_identities_user').on('user_identities').column('user_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('stories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('closed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('published_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('stories_site_url', ['site_id', 'url'])
    .execute();

  await db.schema
    .createTable('articles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('story_id', 'text', (c) => c.notNull().references('stories.id'))
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('standfirst', 'text', (c) => c.notNull())
    .addColumn('byline', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('paragraphs', 'text', (c) => c.notNull())
    .addUniqueConstraint('articles_site_slug', ['site_id', 'slug'])
    .execute();

  await db.schema
    .createTable('comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('story_id', 'text', (c) => c.notNull().references('stories.id'))
    .addColumn('parent_id', 'text', (c) => c.references('comments.id'))
    .addColumn('root_id', 'text')
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('in_reply_to_id', 'text')
    .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('edited_at', 'text')
    .addColumn('deleted_at', 'text')
    .addColumn('reaction_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
    // Id in the system a comment was imported from ('disqus:123'): re-running an import adds nothing.
    .addColumn('external_id', 'text')
    .execute();
  // external_id first: an index led by site_id would tempt the planner into scanning a whole site instead of using
  // the story and thread indexes. Uniqueness is the same, and ON CONFLICT (site_id, external_id) still matches it.
  await db.schema.createIndex('comments_site_external').on('comments').columns(['external_id', 'site_id']).unique().execute();
  // Top-level pages per sort are cursor queries over these indexes; threads are fetched by root.
  await db.schema.createIndex('comments_story_top_created').on('comments').columns(['story_id', 'parent_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('comments_story_top_reactions').on('comments').columns(['story_id', 'parent_id', 'reaction_count', 'created_at', 'id']).execute();
  await db.schema.createIndex('comments_story_top_replies').on('comments').columns(['story_id', 'parent_id', 'reply_count', 'created_at', 'id']).execute();
  await db.schema.createIndex('comments_root').on('comments').columns(['root_id', 'created_at']).execute();
  // Recent comments of a story, whatever their level (flood checks, live catch-up).
  await db.schema.createIndex('comments_story_created').on('comments').columns(['story_id', 'created_at']).execute();
  await db.schema.createIndex('comments_author').on('comments').columns(['author_id', 'created_at']).execute();
  // An author's comments by status (trust: how many were published); three equality columns so the planner prefers
  // it to any per-site index, which would read the whole site.
  await db.schema.createIndex('comments_author_site_status').on('comments').columns(['author_id', 'site_id', 'status']).execute();

  await db.schema
    .createTable('comment_revisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('comment_id', 'text', (c) => c.notNull().references('comments.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('comment_revisions_comment').on('comment_revisions').column('comment_id').execute();

  await db.schema
    .createTable('reactions')
    .addColumn('comment_id', 'text', (c) => c.notNull().references('comments.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reactions_pk', ['comment_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('comment_id', 'text', (c) => c.notNull().references('comments.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('reports_comment_user', ['comment_id', 'user_id'])
    .execute();
}

/** Drops the first schema (used only by tests of the migration itself). */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['reports', 'reactions', 'comment_revisions', 'comments', 'articles', 'stories', 'sessions', 'user_identities', 'users', 'sites', 'meta']) {
    await db.schema.dropTable(t).execute();
  }
}
