import { createHmac, randomBytes } from 'node:crypto';
import type { Insertable, Transaction } from 'kysely';
import type { Db } from '../../storage/db.js';
import type { CommentsTable, Database } from '../../storage/schema.js';
import { findOrCreateIdentities } from '../../users/identities.js';
import { normaliseDisplayName } from '../../users/use-cases.js';
import type { SourceAuthor } from './model.js';

/**
 * The comment id of an imported comment, derived from its external id with a random salt kept in the database:
 * the same source comment gets the same id on every run (so a reply can name a parent that is written later, and a
 * re-run finds what it wrote), while ids stay unguessable from outside.
 */
export async function importIds(db: Db): Promise<(externalId: string) => string> {
  const fresh = randomBytes(32).toString('base64url');
  await db.insertInto('meta').values({ key: 'import_id_salt', value: fresh }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const salt = (await db.selectFrom('meta').select('value').where('key', '=', 'import_id_salt').executeTakeFirstOrThrow()).value;
  return (externalId: string) => createHmac('sha256', salt).update(externalId).digest('base64url').slice(0, 16);
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

const ROWS_PER_INSERT = 1000;

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
  };
}

/** Inserts comment rows, skipping those already stored (same id or same external id); returns how many were new. */
export async function insertComments(tx: Transaction<Database>, rows: Insertable<CommentsTable>[]): Promise<number> {
  let inserted = 0;
  // 15 columns a row: 1,000 rows stay below SQLite's (32,766) and PostgreSQL's (65,535) bound-parameter limits.
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
    const res = await tx
      .insertInto('comments')
      .values(rows.slice(at, at + ROWS_PER_INSERT))
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    inserted += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/** Links replies written before their parent (the parent came later in the file) once the parent exists. */
export async function linkLateParents(tx: Transaction<Database>, links: { id: string; parentId: string }[]): Promise<void> {
  for (const l of links) await tx.updateTable('comments').set({ parent_id: l.parentId }).where('id', '=', l.id).where('parent_id', 'is', null).execute();
}
