import { access, constants } from 'node:fs/promises';
import type { Command } from 'commander';
import { disqusFormat } from '../server/portability/import/disqus.js';
import { importFile, type ImportSummary } from '../server/portability/import/importer.js';
import { SKIP_REASONS, THREAD_PROBLEMS, type SourceFormat } from '../server/portability/import/model.js';
import { wordpressFormat } from '../server/portability/import/wordpress.js';
import { restoreExport, type RestoreSummary } from '../server/portability/export/restore.js';
import { withDatabase } from './db.js';
import { progressBar } from './progress.js';

/** Refuses a path that cannot be read, in words an operator can act on. */
export async function readableFile(path: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new Error(`cannot read ${path}: no such file, or no permission`);
  }
}

/** The closing summary of an import, for a person reading the terminal. */
export function formatSummary(s: ImportSummary): string {
  const lines = [
    `Imported ${s.source} export into site "${s.siteId}" in ${(s.durationMs / 1000).toFixed(1)} s`,
    `  stories:  ${s.stories.created} new, ${s.stories.existing} already there${s.stories.folded ? `, ${s.stories.folded} duplicate URLs folded into them` : ''}${s.stories.closed ? `, ${s.stories.closed} closed` : ''}`,
    `  comments: ${s.comments.imported} new, ${s.comments.alreadyImported} already imported (in the file: ${s.comments.tombstones} deleted, kept as tombstones; ${s.comments.pending} awaiting moderation)`,
    `  authors:  ${s.users.created} new`,
  ];
  if (s.comments.parentMissing) lines.push(`  ${s.comments.parentMissing} replies whose parent is missing or was not imported became top-level comments`);
  const skipped = Object.entries(s.skipped).filter(([, n]) => n);
  const total = skipped.reduce((a, [, n]) => a + n, 0);
  lines.push(`  skipped:  ${total} comments${total ? ':' : ''}`);
  for (const [k, n] of skipped) lines.push(`    ${String(n).padStart(7)}  ${SKIP_REASONS[k as keyof typeof SKIP_REASONS]}`);
  const problems = Object.entries(s.threadProblems).filter(([, n]) => n);
  for (const [k, n] of problems) lines.push(`  ${n} ${THREAD_PROBLEMS[k as keyof typeof THREAD_PROBLEMS]}`);
  return `${lines.join('\n')}\n`;
}

function formatRestore(s: RestoreSummary): string {
  const rows = Object.entries(s.tables).map(([t, c]) => `  ${t.padEnd(22)} ${c.inserted} restored, ${c.existing} already there`);
  return `Restored site "${s.siteId}" from an ${s.format} v${s.version} file\n${rows.join('\n')}\n`;
}

async function runXmlImport(format: SourceFormat, file: string, opts: { site: string; json?: boolean; batchSize?: string }): Promise<void> {
  await readableFile(file);
  const batchSize = opts.batchSize ? Number(opts.batchSize) : undefined;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)) throw new Error('--batch-size must be an integer between 1 and 100000');
  const bars = { scan: progressBar('Scanning'), import: progressBar('Importing') };
  let phase: 'scan' | 'import' = 'scan';
  try {
    const summary = await withDatabase((db, _config, change) =>
      importFile({
        db,
        change,
        siteId: opts.site,
        path: file,
        format,
        batchSize,
        onProgress: (p, done, total) => {
          if (p !== phase) bars[phase].stop();
          phase = p;
          bars[p].update(done, total);
        },
      }),
    );
    bars[phase].stop();
    process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
  } finally {
    bars.scan.stop();
    bars.import.stop();
  }
}

/** `agora import disqus|wordpress|agora FILE`. */
export function registerImport(program: Command): void {
  const cmd = program.command('import').description('import comments from Disqus or WordPress, or restore an Agora export');
  for (const [name, format, what] of [
    ['disqus', disqusFormat, 'a Disqus XML export (.xml or .xml.gz)'],
    ['wordpress', wordpressFormat, 'a WordPress WXR export (.xml or .xml.gz)'],
  ] as const) {
    cmd
      .command(`${name} <file>`)
      .description(`import ${what} into a site; re-running it adds nothing`)
      .requiredOption('--site <site>', 'id of the site to import into')
      .option('--json', 'print the summary as JSON')
      .option('--batch-size <n>', 'comments written per transaction (default 2000)')
      .action((file: string, opts: { site: string; json?: boolean; batchSize?: string }) => runXmlImport(format, file, opts));
  }
  cmd
    .command('agora <file>')
    .description('restore an Agora export (made by agora export); rows already there are kept as they are')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      await readableFile(file);
      const summary = await withDatabase((db, _config, change) => restoreExport(db, file, change));
      process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : formatRestore(summary));
    });
}
