import { createHmac, randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db } from '../../storage/db.js';
import type { Database } from '../../storage/schema.js';
import { findOrCreateIdentities } from '../../users/identities.js';
import { normaliseDisplayName } from '../../users/use-cases.js';
import type { SourceAuthor } from './model.js';

/**
 * The comment id of an imported comment, derived from the site and its external id with a random salt kept in the
 * database: the same source comment gets the same id on every run into the same site (so a reply can name a parent
 * that is written later, and a re-run finds what it wrote), the same source id in two sites gives two comments, and
 * ids stay unguessable from outside. Comments imported before ids were scoped by site keep the id they have: the
 * importer finds them by their stored external id and never derives their id again.
 * A dry run reads the salt but never writes it (an ephemeral one stands in on a database that has none yet).
 */
export async function importIds(db: Db, siteId: string, opts: { dryRun?: boolean } = {}): Promise<(externalId: string) => string> {
  const fresh = randomBytes(32).toString('base64url');
  if (!opts.dryRun) await db.insertInto('meta').values({ key: 'import_id_salt', value: fresh }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const salt = (await db.selectFrom('meta').select('value').where('key', '=', 'import_id_salt').executeTakeFirst())?.value ?? fresh;
  return (externalId: string) => createHmac('sha256', salt).update(`${siteId}\u0000${externalId}`).digest('base64url').slice(0, 16);
}

function displayName(name: string, fallback: string): string {
  try {
    return normaliseDisplayName(name);
  } catch {
    try {
      return normaliseDisplayName([...name.normalize('NFKC').replace(/\s+/g, ' ').trim()].slice(0, 50).join(''));
    } catch {
      return fallback;
    }
  }
}

/**
 * Authors of imported comments, as accounts without email or password, known to the site through
 * user_identities(site, provider, subject): re-running an import finds them instead of making new ones. The
 * cache holds one entry per distinct author of the file.
 */
export function authorResolver(opts: { siteId: string; provider: string; anonymousName: string }) {
  const cache = new Map<string, string>();
  let created = 0;
  return {
    get created(): number {
      return created;
    },
    /** User ids for these authors, creating the missing ones inside `tx`. */
    async resolve(tx: Transaction<Database>, authors: SourceAuthor[], firstSeen: string): Promise<Map<string, string>> {
      const wanted = new Map<string, SourceAuthor>();
      for (const a of authors) if (!cache.has(a.subject)) wanted.set(a.subject, a);
      const list = [...wanted.values()].map((a) => ({ siteId: opts.siteId, provider: opts.provider, subject: a.subject, displayName: displayName(a.name, opts.anonymousName) }));
      const { ids, created: fresh } = await findOrCreateIdentities(tx, list, firstSeen);
      for (const [subject, id] of ids) cache.set(subject, id);
      created += fresh.size;
      return cache;
    },
    /** For a dry run: counts the authors that would be created, reading only. */
    async count(db: Db, authors: SourceAuthor[]): Promise<void> {
      const subjects = [...new Set(authors.map((a) => a.subject))].filter((s) => !cache.has(s));
      for (let at = 0; at < subjects.length; at += 400) {
        const chunk = subjects.slice(at, at + 400);
        const known = await db.selectFrom('user_identities').select(['subject', 'user_id']).where('site_id', '=', opts.siteId).where('provider', '=', opts.provider).where('subject', 'in', chunk).execute();
        const found = new Map(known.map((k) => [k.subject, k.user_id]));
        for (const s of chunk) {
          cache.set(s, found.get(s) ?? '');
          if (!found.has(s)) created++;
        }
      }
    },
  };
}
