import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Db } from '../../storage/db.js';

/** Tables named at run time (the export format's list), seen with columns of unknown type. */
export type Loose = Record<string, Record<string, unknown>>;
export type LooseDb = Kysely<Loose>;
export type Row = Record<string, string | number | null>;

/** The same database, for queries on tables named by the export format rather than by the typed schema. */
export function loose(db: Db): LooseDb {
  return db as unknown as LooseDb;
}

/** Tables this database has, with their columns (features not installed have no tables). */
export async function existingTables(db: Db): Promise<Map<string, Set<string>>> {
  const tables = await db.introspection.getTables();
  return new Map(tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
}

/** Migrations applied to this database, oldest first. */
export async function appliedMigrations(db: Db): Promise<string[]> {
  const rows = await loose(db).selectFrom('kysely_migration').select('name').orderBy('name').execute();
  return rows.map((r) => String(r.name));
}

/** Keyset condition "after `last` in the order of `key`": (k0 > v0) or (k0 = v0 and k1 > v1) or … */
export function afterKey(eb: ExpressionBuilder<Loose, string>, key: string[], last: Row) {
  const ors = key.map((k, i) => eb.and([...key.slice(0, i).map((p) => eb(p, '=', last[p] ?? null)), eb(k, '>', last[k] ?? null)]));
  return eb.or(ors);
}
