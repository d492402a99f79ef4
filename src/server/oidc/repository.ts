import type { Db } from '../storage/db.js';
import type { Queryable } from '../storage/tx.js';
import { userWrites } from '../users/writes.js';

/** An identity provider a site's readers may sign in with. The client secret is read apart (`secret`). */
export interface OidcProvider {
  id: string;
  siteId: string;
  /** In the sign-in URL and in user_identities.provider (`oidc:<slug>`). */
  slug: string;
  /** The button's text: "Continue with <label>". */
  label: string;
  issuer: string;
  clientId: string;
  createdAt: string;
}

type Row = { id: string; site_id: string; slug: string; label: string; issuer: string; client_id: string; created_at: string };
const toProvider = (r: Row): OidcProvider => ({ id: r.id, siteId: r.site_id, slug: r.slug, label: r.label, issuer: r.issuer, clientId: r.client_id, createdAt: r.created_at });

/** The provider name of an OIDC identity in user_identities. */
export const identityProvider = (slug: string): string => `oidc:${slug}`;

/** Storage of sites' identity providers and their secrets. Every call names the site. */
export function oidcRepository(db: Db) {
  return {
    async list(siteId: string): Promise<OidcProvider[]> {
      return (await db.selectFrom('oidc_providers').selectAll().where('site_id', '=', siteId).orderBy('created_at').orderBy('slug').execute()).map(toProvider);
    },

    async get(siteId: string, slug: string): Promise<OidcProvider | undefined> {
      const row = await db.selectFrom('oidc_providers').selectAll().where('site_id', '=', siteId).where('slug', '=', slug).executeTakeFirst();
      return row ? toProvider(row) : undefined;
    },

    /** The provider a sign-in started with, unless it was removed since. */
    async byId(siteId: string, id: string): Promise<OidcProvider | undefined> {
      const row = await db.selectFrom('oidc_providers').selectAll().where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
      return row ? toProvider(row) : undefined;
    },

    /** Inserts a provider and its secret; false when the site already has this slug. */
    async insert(p: OidcProvider, clientSecret: string): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        const res = await tx
          .insertInto('oidc_providers')
          .values({ id: p.id, site_id: p.siteId, slug: p.slug, label: p.label, issuer: p.issuer, client_id: p.clientId, created_at: p.createdAt })
          .onConflict((oc) => oc.columns(['site_id', 'slug']).doNothing())
          .executeTakeFirst();
        if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) return false;
        await tx.insertInto('oidc_secrets').values({ provider_id: p.id, client_secret: clientSecret, created_at: p.createdAt }).execute();
        return true;
      });
    },

    /** Removes a provider (its secret goes with it); the accounts made through it stay. False when unknown. */
    async remove(siteId: string, slug: string): Promise<boolean> {
      const res = await db.deleteFrom('oidc_providers').where('site_id', '=', siteId).where('slug', '=', slug).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    async secret(providerId: string): Promise<string> {
      return (await db.selectFrom('oidc_secrets').select('client_secret').where('provider_id', '=', providerId).executeTakeFirstOrThrow()).client_secret;
    },
  };
}
export type OidcRepository = ReturnType<typeof oidcRepository>;

/** The account behind an identity, if it was seen before. */
export async function identityUser(q: Queryable, siteId: string, provider: string, subject: string): Promise<string | undefined> {
  const row = await q.selectFrom('user_identities').select('user_id').where('site_id', '=', siteId).where('provider', '=', provider).where('subject', '=', subject).executeTakeFirst();
  return row?.user_id;
}

/** The account that uses an email address as its login, if any. */
export async function accountByEmail(q: Queryable, email: string): Promise<{ id: string; role: string } | undefined> {
  return q.selectFrom('users').select(['id', 'role']).where('email', '=', email).executeTakeFirst();
}

/**
 * Gives a fresh account the verified email it signed in with, so that the next provider asserting the same verified
 * email finds it. Only when no account uses that email; outside any transaction, because in a race the unique index
 * refuses the loser (who then keeps no email), and on PostgreSQL that error would spoil the transaction around it.
 */
export async function claimEmail(db: Db, userId: string, email: string): Promise<void> {
  if (await accountByEmail(db, email)) return;
  try {
    await userWrites.claimEmail(db, userId, email);
  } catch {
    // Another account took the email between the check and the update: this one goes without.
  }
}
