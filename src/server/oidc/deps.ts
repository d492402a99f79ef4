import type { Config } from '../config.js';
import type { SiteStore } from '../sites/store.js';
import type { Db } from '../storage/db.js';
import type { OidcAdminDeps } from './admin.js';
import { oidcClients } from './client.js';
import { oidcRepository } from './repository.js';

/** The address providers send readers back to: one per instance, registered with every provider. */
export const callbackPath = '/auth/oidc/callback';

/** Sign-in with identity providers: storage, clients, and the key that signs a sign-in in progress. */
export function createOidcDeps(config: Config, db: Db, o: { secret: string; sites: SiteStore }) {
  const repo = oidcRepository(db);
  const redirectUri = new URL(callbackPath, config.publicUrl).href;
  const clients = oidcClients({ egress: { internalOrigins: config.oidcInternalIssuers, timeoutMs: config.oidcTimeoutMs }, redirectUri });
  const admin: OidcAdminDeps = { siteStore: o.sites, oidc: repo, internalOrigins: config.oidcInternalIssuers, forget: (id) => clients.forget(id) };
  return { repo, clients, admin, redirectUri, flowSecret: o.secret };
}
export type OidcDeps = ReturnType<typeof createOidcDeps>;
