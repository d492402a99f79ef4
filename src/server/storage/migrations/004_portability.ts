import type { Kysely } from 'kysely';

/** Schema for import, export and readers' rights (issue 6). Portable: Kysely's schema builder only. */
export async function up(_db: Kysely<unknown>): Promise<void> {
  // filled in by the feature
}
