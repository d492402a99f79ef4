import { createHash } from 'node:crypto';
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './db.js';

const SLOT = '\u0000agora-slot:';

/**
 * Leads the SQL of a shape: `/*prepared:<name>*\/`. On PostgreSQL the pool's clients run such SQL as a named
 * prepared statement (storage/db.ts), which skips parsing and planning after the first runs on a connection: a
 * page's queries took 0.5–0.9 ms to plan and 0.2 ms to run (EXPLAIN ANALYZE). SQLite ignores the comment.
 */
export const PREPARED = '/*prepared:';

/** A placeholder for the i-th value of a call, in a query built by a `queryShapes` builder. */
export const slot = <T>(i: number): T => `${SLOT}${i}` as T;

/** The database or a transaction: whatever runs a compiled query. */
interface Executor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

interface Shape<R> {
  query: CompiledQuery<R>;
  /** Where each parameter comes from: the call's value at that index, or a constant of the shape. */
  from: (number | { constant: unknown })[];
}

/**
 * Hot queries built and compiled once per shape rather than on every call. Kysely builds an immutable tree
 * and compiles it to SQL on each call: 40–100 µs for a page's 22-column join, as long as SQLite takes to run it.
 * A shape is built once with `slot(i)` where the call's values go, compiled, and then run with each call's values
 * in their places (same SQL, same query node, so the SQLite driver still sends it to its read connection).
 * `key` must name everything that changes the SQL (a sort, whether a cursor is given, the length of an IN list);
 * shapes are kept for the life of the process (and, on PostgreSQL, prepared on each connection), so keys must come
 * from a small set.
 */
export function queryShapes(db: Db) {
  const shapes = new Map<string, Shape<unknown>>();
  /** `on`: where to run it, when not on `db` (a change's transaction, for the write path's statements). */
  return async function run<R>(key: string, build: () => Compilable<R>, values: readonly unknown[], on: Executor = db): Promise<R[]> {
    let shape = shapes.get(key) as Shape<R> | undefined;
    if (!shape) {
      const compiled = build().compile();
      const name = createHash('sha256').update(compiled.sql).digest('base64url').slice(0, 24);
      const query = { ...compiled, sql: `${PREPARED}${name}*/ ${compiled.sql}` };
      const from = query.parameters.map((p) => (typeof p === 'string' && p.startsWith(SLOT) ? Number(p.slice(SLOT.length)) : { constant: p }));
      shape = { query, from };
      shapes.set(key, shape as Shape<unknown>);
    }
    const parameters = shape.from.map((f) => (typeof f === 'number' ? values[f] : f.constant));
    return (await on.executeQuery<R>({ ...shape.query, parameters })).rows;
  };
}
