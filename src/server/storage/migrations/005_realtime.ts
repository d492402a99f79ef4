import type { Kysely } from 'kysely';

/** Schema for live updates (issue 4): story event log. Portable: Kysely's schema builder only. */
export async function up(_db: Kysely<unknown>): Promise<void> {
  // filled in by the feature
}
