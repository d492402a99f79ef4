import type { Command } from 'commander';
import { loadConfig } from '../server/config.js';
import { backupSqlite } from '../server/portability/backup.js';
import { progressBar } from './progress.js';

/** `agora backup FILE`: a consistent copy of the SQLite database, safe while the server runs. */
export function registerBackup(program: Command): void {
  program
    .command('backup <file>')
    .description('copy the SQLite database to FILE, consistently, while the server keeps running')
    .option('--force', 'replace FILE if it exists')
    .action(async (file: string, opts: { force?: boolean }) => {
      const config = loadConfig();
      if (config.databaseUrl) {
        throw new Error('this Agora runs on PostgreSQL: back it up with pg_dump, e.g. pg_dump --format=custom --file=agora.dump "$DATABASE_URL" (restore with pg_restore)');
      }
      const bar = progressBar('Backup');
      try {
        const res = await backupSqlite({ dataDir: config.dataDir, file, overwrite: opts.force ?? false, onProgress: (done, total) => bar.update(done * 4096, total * 4096) });
        bar.stop();
        const counts = Object.entries(res.tables).map(([t, n]) => `${n} ${t}`).join(', ');
        process.stdout.write(`backed up to ${res.file} (${(res.bytes / 1048576).toFixed(1)} MB, integrity ok): ${counts}\n`);
      } finally {
        bar.stop();
      }
    });
}
