import { sql, SqliteAdapter } from 'kysely';
import type { Db } from './db.js';

/** Page cache for bulk writes on SQLite: the comment indexes of a 100,000-comment import fit, so pages are not re-read. */
const BULK_CACHE_KIB = 64 * 1024;

/**
 * Prepares a connection for a long run of batched writes (imports, restores). On SQLite the default 2 MiB page cache
 * makes every batch re-read index pages it just wrote; a larger one for this connection halves an import's time.
 * PostgreSQL manages its own buffers: nothing to do. The difference stays here, in the storage seam.
 */
export async function prepareForBulkWrites(db: Db): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) await sql.raw(`PRAGMA cache_size = -${BULK_CACHE_KIB}`).execute(db);
}
