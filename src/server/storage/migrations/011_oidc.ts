import type { Kysely } from 'kysely';

/**
 * Sign-in with identity providers (issue 12): each site lists the OpenID Connect providers its readers may use.
 * Client secrets live apart, like the SSO secret (site_secrets), so that listing or presenting providers cannot leak
 * them. Readers signed in this way are user_identities rows with provider `oidc:<slug>`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_providers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    // In URLs (/auth/oidc/<slug>/start) and in user_identities.provider: removing and adding it again keeps accounts.
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('oidc_providers_site_slug', ['site_id', 'slug'])
    .execute();

  await db.schema
    .createTable('oidc_secrets')
    .addColumn('provider_id', 'text', (c) => c.primaryKey().references('oidc_providers.id').onDelete('cascade'))
    .addColumn('client_secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
