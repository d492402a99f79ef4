import { sql, type Kysely } from 'kysely';

/**
 * Scoped sessions (issue 11). A bearer token handed to a publisher's page is readable by that page's scripts, so it
 * becomes an `embed` session: commenting on that page's site only. Account-level actions (data export, account
 * deletion) need a cookie session on Agora's own origin whose password was checked recently: `authenticated_at`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('scope', 'text', (c) => c.notNull().defaultTo('full')).execute();
  await db.schema.alterTable('sessions').addColumn('site_id', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('authenticated_at', 'text').execute();
  // Bearer tokens issued until now cannot be told apart (a page's or an API client's), and a full-account one may
  // sit in a publisher's page: they end. The embed forgets a refused token and the reader signs in again.
  await sql`delete from sessions where kind = 'bearer'`.execute(db);
  // Cookie sessions were only ever opened by a password sign-in, when they were created.
  await sql`update sessions set authenticated_at = created_at where kind = 'cookie'`.execute(db);
}
