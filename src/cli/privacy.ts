import { once } from 'node:events';
import type { Command } from 'commander';
import type { Db } from '../server/storage/db.js';
import { cancelDeletion, deleteAccountNow, exportPersonalData, requestDeletion, sweepDueDeletions, type PrivacyDeps } from '../server/privacy/use-cases.js';
import { setOnDelete } from '../server/privacy/site-setting.js';
import { withDatabase } from './db.js';

const CLI = { kind: 'cli' as const, id: null };

/** An account by id, or by email (what a reader's request usually gives). */
async function findUser(db: Db, who: string): Promise<string> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', who), eb('email', '=', who.trim().toLowerCase())]))
    .executeTakeFirst();
  if (!row) throw new Error(`there is no account with the id or email "${who}"`);
  return row.id;
}

/** `agora privacy …`: readers' rights carried out by an operator on request, and the deletion sweep. */
export function registerPrivacy(program: Command): void {
  const cmd = program.command('privacy').description("readers' data: export, delete on request, carry out due deletions");
  const run = <T>(work: (deps: PrivacyDeps) => Promise<T>) => withDatabase((db, config, change) => work({ db, graceMs: config.deletionGraceMs, change }));

  cmd
    .command('export')
    .description("write all of a reader's data as JSON on stdout (audited)")
    .requiredOption('--user <id-or-email>', 'the reader')
    .action(async (opts: { user: string }) => {
      const data = await run(async (pd) => exportPersonalData(pd, await findUser(pd.db, opts.user), CLI));
      if (!process.stdout.write(`${JSON.stringify(data, null, 2)}\n`)) await once(process.stdout, 'drain');
    });

  cmd
    .command('delete')
    .description("delete a reader's account on their request: after the grace period, or --now")
    .requiredOption('--user <id-or-email>', 'the reader')
    .option('--now', 'carry it out now instead of after the grace period')
    .action(async (opts: { user: string; now?: boolean }) => {
      const out = await run(async (pd) => {
        const id = await findUser(pd.db, opts.user);
        if (opts.now) {
          const r = await deleteAccountNow(pd, id, CLI);
          return `deleted account ${id}: ${r.tombstoned} comments left as tombstones, ${r.removed} removed, ${r.reactionsRemoved} reactions withdrawn`;
        }
        const p = await requestDeletion(pd, id, CLI);
        return `account ${id} will be deleted on ${p.dueAt} (cancel with: agora privacy cancel --user ${id})`;
      });
      process.stdout.write(`${out}\n`);
    });

  cmd
    .command('cancel')
    .description("cancel a reader's pending account deletion")
    .requiredOption('--user <id-or-email>', 'the reader')
    .action(async (opts: { user: string }) => {
      await run(async (pd) => cancelDeletion(pd, await findUser(pd.db, opts.user), CLI));
      process.stdout.write('no deletion pending any more\n');
    });

  cmd
    .command('sweep')
    .description('carry out the deletions whose grace period is over (the server also does it periodically)')
    .action(async () => {
      let total = 0;
      await run(async (pd) => {
        for (;;) {
          const done = await sweepDueDeletions(pd);
          total += done.length;
          if (done.length === 0) break;
        }
      });
      process.stdout.write(`${total} account${total === 1 ? '' : 's'} deleted\n`);
    });

  cmd
    .command('on-delete <mode>')
    .description('what happens to the comments of a deleted account on a site: tombstone (default) or remove')
    .requiredOption('--site <site>', 'the site')
    .action(async (mode: string, opts: { site: string }) => {
      if (mode !== 'tombstone' && mode !== 'remove') throw new Error('the mode is "tombstone" or "remove"');
      await withDatabase((db) => setOnDelete(db, opts.site, mode));
      process.stdout.write(`site "${opts.site}": comments of deleted accounts are now ${mode === 'remove' ? 'removed (tombstones only where replies hang)' : 'left as "[deleted]" tombstones'}\n`);
    });
}
