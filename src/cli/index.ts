import { Command, CommanderError } from 'commander';
import { ConfigError } from '../server/config.js';
import { AppError } from '../server/errors.js';
import { registerSite } from './site.js';
import { registerSiteOidc } from './site-oidc.js';
import { registerImport } from './import.js';
import { registerExport } from './export.js';
import { registerBackup } from './backup.js';
import { registerPrivacy } from './privacy.js';
import { registerModeration } from './moderation.js';
import { registerAdmin } from './admin.js';
import { registerAccounts } from './accounts.js';
import { registerDb } from './init.js';

/**
 * The `agora` command line. It parses arguments and calls use cases; commands register themselves from their own
 * files so this one stays a list.
 */
export function buildCli(): Command {
  const program = new Command('agora').description('Agora: self-hostable discussions for news sites').showHelpAfterError().exitOverride();
  registerSite(program);
  registerSiteOidc(program);
  registerImport(program);
  registerExport(program);
  registerBackup(program);
  registerPrivacy(program);
  registerModeration(program);
  registerAdmin(program);
  registerAccounts(program);
  registerDb(program);
  return program;
}

/** Runs the CLI, turning known errors into one clear line on stderr and a non-zero exit, never a stack trace. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildCli();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ConfigError || err instanceof AppError) {
      process.stderr.write(`agora: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`agora: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await runCli(process.argv);
