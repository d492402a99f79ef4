import type { Kysely } from 'kysely';

/**
 * Accounts readers can recover (issue 12). Single-use links sent by email (password reset, email verification and
 * email change) are rows of `account_tokens`, of which only a SHA-256 of the link's token is kept. Whether a reader
 * proved they receive mail at their address is `users.email_verified_at`: accounts made before this migration never
 * did, so they count as unverified (a site that requires verification lets them ask for a link from their profile).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_verified_at', 'text').execute();
  await db.schema
    .createTable('account_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('account_tokens_user').on('account_tokens').columns(['user_id', 'purpose']).execute();
}
