import type { Db } from '../../storage/db.js';
import { nowIso } from '../../storage/ids.js';
import { EXPORT_FORMAT, EXPORT_VERSION, TABLES, userColumns, type ExportHeader, type TableSpec } from './format.js';
import { afterKey, appliedMigrations, existingTables, loose, type LooseDb, type Row } from './tables.js';

/** A site that is not there: the operator's mistake, told in one line. */
export class ExportError extends Error {}

const PAGE = 1000;

/** The ids of a site's comments, as a subquery. */
const siteComments = (db: LooseDb, siteId: string) => db.selectFrom('comments').select('id').where('site_id', '=', siteId);

/** Rows of one table that belong to the site, page by page in key order (memory: one page). */
async function* rowsOf(db: LooseDb, spec: TableSpec, siteId: string, users: string[]): AsyncGenerator<Row> {
  const scoped = (ids: string[] | null) => {
    let q = db.selectFrom(spec.table).selectAll();
    const col = spec.scope.column;
    if (spec.scope.by === 'site') q = q.where(col, '=', siteId);
    else if (spec.scope.by === 'comment') q = q.where(col, 'in', siteComments(db, siteId));
    else q = q.where(col, 'in', ids ?? []);
    return q;
  };
  // User-scoped tables are read a slice of users at a time, so the IN list stays small.
  const slices = spec.scope.by === 'user' ? Array.from({ length: Math.ceil(users.length / 500) }, (_, i) => users.slice(i * 500, i * 500 + 500)) : [null];
  for (const ids of slices) {
    let last: Row | undefined;
    for (;;) {
      let q = scoped(ids);
      if (last) {
        const l = last;
        q = q.where((eb) => afterKey(eb, spec.key, l));
      }
      for (const k of spec.key) q = q.orderBy(k);
      const page = (await q.limit(PAGE).execute()) as Row[];
      for (const r of page) yield r;
      if (page.length < PAGE) break;
      last = page[page.length - 1];
    }
  }
}

/** Ids of every user a site's rows name: authors, reactors, reporters, identities, moderators… */
async function usersOf(db: LooseDb, specs: TableSpec[], siteId: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const spec of specs) {
    for (const col of userColumns(spec)) {
      let q = db.selectFrom(spec.table).select(col).distinct().where(col, 'is not', null);
      if (spec.scope.by === 'site') q = q.where(spec.scope.column, '=', siteId);
      else q = q.where(spec.scope.column, 'in', siteComments(db, siteId));
      for (const r of await q.execute()) ids.add(String(r[col]));
    }
  }
  return [...ids].sort();
}

/**
 * Writes a site's whole data as an agora-export file (see format.ts) through `write`, which may wait (backpressure).
 * Password hashes and site secrets are left out unless `withSecrets`. Returns the number of rows per table.
 */
export async function exportSite(db: Db, opts: { siteId: string; withSecrets: boolean; write: (line: string) => Promise<void> | void }): Promise<Record<string, number>> {
  const site = await db.selectFrom('sites').select('id').where('id', '=', opts.siteId).executeTakeFirst();
  if (!site) {
    const known = (await db.selectFrom('sites').select('id').orderBy('id').execute()).map((s) => s.id);
    throw new ExportError(`there is no site "${opts.siteId}"${known.length ? ` (sites: ${known.join(', ')})` : ''}`);
  }
  const present = await existingTables(db);
  const specs = TABLES.filter((s) => present.has(s.table) && (opts.withSecrets || !s.secretsOnly));
  const ldb = loose(db);
  const users = await usersOf(ldb, specs, opts.siteId);
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: nowIso(),
    site: opts.siteId,
    withSecrets: opts.withSecrets,
    migrations: await appliedMigrations(db),
    tables: specs.map((s) => s.table),
  };
  await opts.write(`${JSON.stringify(header)}\n`);
  const counts: Record<string, number> = {};
  for (const spec of specs) {
    counts[spec.table] = 0;
    for await (const row of rowsOf(ldb, spec, opts.siteId, users)) {
      if (!opts.withSecrets) for (const c of spec.secretColumns ?? []) if (c in row) row[c] = null;
      for (const c of spec.localColumns ?? []) delete row[c];
      await opts.write(`${JSON.stringify({ table: spec.table, row })}\n`);
      counts[spec.table] = (counts[spec.table] ?? 0) + 1;
    }
  }
  await opts.write(`${JSON.stringify({ end: { rows: counts } })}\n`);
  return counts;
}
