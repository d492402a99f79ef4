import { access, constants } from 'node:fs/promises';
import type { Command } from 'commander';
import { disqusFormat } from '../server/portability/import/disqus.js';
import { hasLosses, importFile, type ImportSummary } from '../server/portability/import/importer.js';
import { CONFLICTS, HELD_REASONS, SKIP_REASONS, THREAD_PROBLEMS, type ConflictKind, type HeldReason, type SourceFormat } from '../server/portability/import/model.js';
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

/** The closing summary of an import, for a person reading the terminal. Every comment of the file is accounted for. */
export function formatSummary(s: ImportSummary): string {
  const time = `${(s.durationMs / 1000).toFixed(1)} s`;
  const st = s.stories;
  const lines = [
    s.dryRun ? `Dry run of a ${s.source} import into site "${s.siteId}" in ${time}: nothing was written; this is what the import would do` : `Imported ${s.source} export into site "${s.siteId}" in ${time}`,
    `  stories:  ${st.created} new, ${st.existing} already there${st.folded ? `, ${st.folded} duplicate URLs folded into them` : ''}${st.closed ? `, ${st.closed} closed` : ''}${st.unlisted ? `, ${st.unlisted} unlisted (posts that were not public)` : ''}`,
    `  comments: ${s.comments.imported} new, ${s.comments.alreadyImported} already imported${s.comments.imported ? ` (of the new: ${s.comments.tombstones} deleted, kept as tombstones; ${s.comments.pending} awaiting moderation)` : ''}`,
    `  authors:  ${s.users.created} new`,
  ];
  if (st.relative) lines.push(`  ${st.relative} threads with a relative link, read against the site's first origin`);
  if (s.comments.parentMissing) lines.push(`  ${s.comments.parentMissing} replies whose parent is missing or was not imported became top-level comments`);
  const held = Object.entries(s.held).filter(([, n]) => n);
  if (held.length) {
    lines.push(`  held for review: ${held.reduce((a, [, n]) => a + n, 0)} comments of posts that were not public:`);
    for (const [k, n] of held) lines.push(`    ${String(n).padStart(7)}  ${HELD_REASONS[k as HeldReason]}`);
  }
  const exposed = s.publicOnHiddenPosts;
  if (exposed.count) {
    lines.push(`  WARNING: ${exposed.count} comments imported earlier are public although their post was not (source ids: ${exposed.ids.join(', ')}${exposed.count > exposed.ids.length ? ', …' : ''}); review them in the moderation console`);
  }
  const conflicts = Object.entries(s.conflicts).filter(([, c]) => c.count);
  if (conflicts.length) {
    lines.push(`  CONFLICTS: ${conflicts.reduce((a, [, c]) => a + c.count, 0)} comments not imported:`);
    for (const [k, c] of conflicts) lines.push(`    ${String(c.count).padStart(7)}  ${CONFLICTS[k as ConflictKind]} (source ids: ${c.ids.join(', ')}${c.count > c.ids.length ? ', …' : ''})`);
  }
  if (s.rejected.count) {
    lines.push(`  REJECTED: ${s.rejected.count} records beyond the import's bounds, not imported:`);
    for (const r of s.rejected.records) lines.push(`    ${r.record}: ${r.reason}`);
    if (s.rejected.count > s.rejected.records.length) lines.push(`    … and ${s.rejected.count - s.rejected.records.length} more`);
  }
  const skipped = Object.entries(s.skipped).filter(([, n]) => n);
  const total = skipped.reduce((a, [, n]) => a + n, 0);
  lines.push(`  skipped:  ${total} comments${total ? ':' : ''}`);
  for (const [k, n] of skipped) lines.push(`    ${String(n).padStart(7)}  ${SKIP_REASONS[k as keyof typeof SKIP_REASONS]}`);
  const problems = Object.entries(s.threadProblems).filter(([, n]) => n);
  for (const [k, n] of problems) lines.push(`  ${n} ${THREAD_PROBLEMS[k as keyof typeof THREAD_PROBLEMS]}`);
  return `${lines.join('\n')}\n`;
}

function formatRestore(s: RestoreSummary): string {
  const rows = Object.entries(s.tables).map(([t, c]) => `  ${t.padEnd(22)} ${c.inserted} restored, ${c.existing} already there${c.skipped ? `, ${c.skipped} skipped` : ''}`);
  const roles = s.roles.restored ? `  roles: ${s.roles.restored} admin or moderator roles restored (--restore-roles)` : `  roles: not restored: every restored account is a commenter${s.roles.dropped ? ` (${s.roles.dropped} admin or moderator roles in the file were left out; --restore-roles keeps them)` : ''}`;
  return `Restored site "${s.siteId}" from an ${s.format} v${s.version} file\n${rows.join('\n')}\n${roles}\n`;
}

interface XmlImportOptions {
  site: string;
  json?: boolean;
  batchSize?: string;
  dryRun?: boolean;
  allowConflicts?: boolean;
}

async function runXmlImport(format: SourceFormat, file: string, opts: XmlImportOptions): Promise<void> {
  await readableFile(file);
  const batchSize = opts.batchSize ? Number(opts.batchSize) : undefined;
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)) throw new Error('--batch-size must be an integer between 1 and 100000');
  const bars = { scan: progressBar('Scanning'), import: progressBar(opts.dryRun ? 'Checking' : 'Importing') };
  let phase: 'scan' | 'import' = 'scan';
  let summary: ImportSummary;
  try {
    summary = await withDatabase((db, _config, change) =>
      importFile({
        db,
        change,
        siteId: opts.site,
        path: file,
        format,
        batchSize,
        dryRun: opts.dryRun ?? false,
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
  // A loss is never silent: the summary says what, and the exit code says that something was lost.
  if (hasLosses(summary) && !opts.allowConflicts) {
    const lost = Object.values(summary.conflicts).reduce((a, c) => a + c.count, 0);
    const what = [lost ? `${lost} comments lost to conflicts` : '', summary.rejected.count ? `${summary.rejected.count} records rejected` : ''].filter(Boolean).join(' and ');
    throw new Error(`${what} (see the summary); pass --allow-conflicts to accept this and exit 0`);
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
      .option('--dry-run', 'read and plan the import, print the summary, write nothing')
      .option('--allow-conflicts', 'exit 0 even when comments were lost to conflicts or records were rejected')
      .action((file: string, opts: XmlImportOptions) => runXmlImport(format, file, opts));
  }
  cmd
    .command('agora <file>')
    .description('restore an Agora export (made by agora export); rows already there are kept as they are')
    .option('--json', 'print the summary as JSON')
    .option('--restore-roles', 'keep the admin and moderator roles of the file (by default every restored account is a commenter)')
    .action(async (file: string, opts: { json?: boolean; restoreRoles?: boolean }) => {
      await readableFile(file);
      // A restore onto a new machine is what it is for: it may create the database.
      const summary = await withDatabase((db, _config, change) => restoreExport(db, file, change, { restoreRoles: opts.restoreRoles ?? false }), { create: true });
      process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : formatRestore(summary));
    });
}
