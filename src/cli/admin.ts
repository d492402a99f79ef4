import type { Command } from 'commander';
import { AppError, errorCatalog } from '../server/errors.js';
import { setSiteModerator, staffRepository } from '../server/moderation/admin/access.js';
import { withTx } from '../server/storage/tx.js';
import { auditLog } from '../server/moderation/audit.js';
import { createAdmin } from '../server/moderation/admin/setup.js';
import { withDatabase } from './db.js';

/** Operators read words, not codes. */
function plain(err: unknown): never {
  if (err instanceof AppError) throw new Error(`${errorCatalog[err.code].en}${err.details ? ` ${err.details}` : ''}`, { cause: err });
  throw err;
}

/** `agora admin create | moderator`: staff accounts from the command line. */
export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('administrators and moderators');
  admin
    .command('create')
    .description('create an admin account, or make an existing account (same email) an admin')
    .requiredOption('--email <email>', 'email address of the account')
    .option('--password <password>', 'password (at least 10 characters and not easy to guess; required for a new account)')
    .option('--name <displayName>', 'display name of a new account (default: the part of the email before @)')
    .action(async (opts: { email: string; password?: string; name?: string }) => {
      await withDatabase(async (db, config) => {
        const { user, created } = await createAdmin(db, { email: opts.email, password: opts.password, displayName: opts.name }, config.scryptN).catch(plain);
        process.stdout.write(`${created ? 'created' : 'promoted'} admin ${user.email} (${user.id}); sign in at ${config.publicUrl}/admin\n`);
        // The first step of a new install (docs/deploy.md): it may create the database.
      }, { create: true });
    });
  admin
    .command('moderator')
    .description('make an account a moderator of one site (or of every site without --site), or take it back with --remove')
    .option('--email <email>', 'email address of the account')
    // Single sign-on readers have no email at Agora (their email claim only receives notifications): by id.
    .option('--user <id>', 'Agora id of the account instead (a single sign-on reader: the author.id of their comments)')
    .option('--site <id>', 'the site (default: every site)')
    .option('--remove', 'take the right back')
    .action(async (opts: { email?: string; user?: string; site?: string; remove?: boolean }) => {
      if (!opts.email === !opts.user) throw new Error('give --email or --user (one of them)');
      await withDatabase(async (db) => {
        const staff = staffRepository(db);
        const user = opts.email ? await staff.findByEmail(opts.email) : await db.selectFrom('users').select(['id', 'role']).where('id', '=', opts.user ?? '').executeTakeFirst();
        const who = opts.email ?? `user ${opts.user}`;
        if (!user) throw new Error(opts.email ? `no account with the email ${opts.email}` : `no account with the id ${opts.user}`);
        if (user.role === 'admin') throw new Error(`${who} is an admin and already moderates every site`);
        if (opts.site) {
          if (!(await db.selectFrom('sites').select('id').where('id', '=', opts.site).executeTakeFirst())) throw new Error(`no site with the id ${opts.site}`);
          await setSiteModerator({ db, staff, audit: auditLog(db) }, null, opts.site, { userId: user.id }, !opts.remove);
        } else {
          await withTx(db, async (tx) => {
            await staff.setRole(tx, user.id, opts.remove ? 'commenter' : 'moderator');
            await auditLog(db).record(tx, { siteId: null, actorId: null, action: 'user.role', targetType: 'user', targetId: user.id, before: { role: user.role }, after: { role: opts.remove ? 'commenter' : 'moderator' } });
          });
        }
        process.stdout.write(`${who}: ${opts.remove ? 'no longer moderates' : 'moderates'} ${opts.site ? `site ${opts.site}` : 'every site'}\n`);
      });
    });
}
