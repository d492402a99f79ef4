import { once } from 'node:events';
import type { Command } from 'commander';
import { exportSite } from '../server/portability/export/exporter.js';
import { withDatabase } from './db.js';

/** Writes to stdout, waiting when the pipe is full so a large export never piles up in memory. */
async function writeOut(line: string): Promise<void> {
  if (!process.stdout.write(line)) await once(process.stdout, 'drain');
}

/** `agora export --site SITE [--with-secrets] > site.jsonl`. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a site\'s data as JSON lines (format "agora-export" v1) on stdout; restore with "agora import agora FILE"')
    .requiredOption('--site <site>', 'id of the site to export')
    .option('--with-secrets', 'include password hashes and site secrets (keep the file safe)')
    .action(async (opts: { site: string; withSecrets?: boolean }) => {
      if (process.stdout.isTTY) throw new Error('the export goes to stdout: redirect it to a file, e.g. agora export --site demo > site.jsonl');
      const counts = await withDatabase((db) => exportSite(db, { siteId: opts.site, withSecrets: opts.withSecrets ?? false, write: writeOut }));
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      process.stderr.write(`exported site "${opts.site}": ${total} rows (${Object.entries(counts).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ')})\n`);
    });
}
