import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';

/** A backup that cannot be made as asked, in words an operator can act on. */
export class BackupError extends Error {}

/** What a backup wrote. */
export interface BackupResult {
  file: string;
  bytes: number;
  tables: Record<string, number>;
}

/**
 * Copies the SQLite database of `dataDir` to `file` while the server keeps running: SQLite's online backup copies
 * pages in steps and restarts when a writer changes a page it already copied, so the copy is one consistent moment
 * of the database, never a half-written file (copying agora.db with cp while writes happen is not). The copy is
 * written beside its destination and renamed into place only after an integrity check, so a failed backup never
 * leaves a file that looks good. An existing file is kept unless `overwrite`.
 */
export async function backupSqlite(opts: { dataDir: string; file: string; overwrite?: boolean; onProgress?: (done: number, total: number) => void }): Promise<BackupResult> {
  const source = join(opts.dataDir, 'agora.db');
  const dest = resolve(opts.file);
  if (!existsSync(source)) throw new BackupError(`there is no database at ${source} (check AGORA_DATA_DIR)`);
  if (dest === resolve(source)) throw new BackupError('the backup file cannot be the database itself');
  if (existsSync(dest) && !opts.overwrite) throw new BackupError(`${dest} already exists; choose another name or pass --force to replace it`);
  const partial = `${dest}.partial`;
  const db = new SQLite(source, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        opts.onProgress?.(totalPages - remainingPages, totalPages);
        // Pages per step: small enough that the server's writers are never held up for long.
        return 256;
      },
    });
  } catch (err) {
    rmSync(partial, { force: true });
    throw new BackupError(`the backup failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    db.close();
  }
  const copy = new SQLite(partial, { readonly: true, fileMustExist: true });
  let tables: Record<string, number>;
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`the copy failed its integrity check: ${String(check)}`);
    tables = {};
    for (const t of ['sites', 'stories', 'users', 'comments']) {
      tables[t] = (copy.prepare(`select count(*) as n from ${t}`).get() as { n: number }).n;
    }
  } catch (err) {
    copy.close();
    rmSync(partial, { force: true });
    throw err instanceof BackupError ? err : new BackupError(`the copy cannot be read back: ${err instanceof Error ? err.message : String(err)}`);
  }
  copy.close();
  renameSync(partial, dest);
  return { file: dest, bytes: statSync(dest).size, tables };
}
