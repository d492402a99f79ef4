import type { Kysely } from 'kysely';

/** Schema for moderation (issue 3): user status, decisions, word lists, audit log. Portable: Kysely's schema builder only. */
export async function up(_db: Kysely<unknown>): Promise<void> {
  // filled in by the feature
}
