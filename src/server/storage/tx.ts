import { PostgresAdapter, type Kysely, type Transaction } from 'kysely';
import type { Db } from './db.js';
import type { Database } from './schema.js';

/** A transaction in progress: every write of one change goes through the same one. */
export type Tx = Transaction<Database>;

/** The database or a transaction: what read helpers accept, so they work inside a change as outside it. */
export type Queryable = Kysely<Database>;

/**
 * Runs `work` in one transaction: its writes commit together or not at all. Kysely rolls back when `work` throws;
 * nothing that must follow the commit (streams, caches, webhooks) may run inside it.
 */
export function withTx<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}

/** True on PostgreSQL: the few statements that differ by engine ask here, inside the storage seam. */
export function isPostgres(db: Queryable): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
