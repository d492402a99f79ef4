import type { Kysely } from 'kysely';

/** Schema for publisher integration (issue 5): SSO, webhooks, notifications, jobs. Portable: Kysely's schema builder only. */
export async function up(_db: Kysely<unknown>): Promise<void> {
  // filled in by the feature
}
