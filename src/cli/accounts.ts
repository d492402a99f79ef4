import type { Command } from 'commander';
import { setRequireVerifiedEmail } from '../server/users/verification.js';
import { withDatabase } from './db.js';

/** `agora accounts …`: how a site treats readers' local accounts. */
export function registerAccounts(program: Command): void {
  const cmd = program.command('accounts').description('readers’ local accounts: email verification');
  cmd
    .command('require-verified-email <onOff>')
    .description('whether readers with a local account must confirm their email address before posting on a site (off by default)')
    .requiredOption('--site <site>', 'the site')
    .action(async (onOff: string, opts: { site: string }) => {
      if (onOff !== 'on' && onOff !== 'off') throw new Error('say "on" or "off"');
      if (!(await withDatabase((db) => setRequireVerifiedEmail(db, opts.site, onOff === 'on')))) throw new Error(`there is no site "${opts.site}"`);
      process.stdout.write(`site "${opts.site}": ${onOff === 'on' ? 'readers must confirm their email address before posting (EMAIL_NOT_VERIFIED otherwise)' : 'readers may post before confirming their email address'}\n`);
    });
}
