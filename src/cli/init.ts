import type { Command } from 'commander';
import { withDatabase } from './db.js';

/** `agora db init`: creates the database (SQLite) or its tables (PostgreSQL) and brings the schema up to date. */
export function registerDb(program: Command): void {
  const db = program.command('db').description('the database itself');
  db.command('init')
    .description('create the database if there is none and run the migrations (the server does the same on start); seeds nothing')
    .action(async () => {
      await withDatabase(
        async (_db, config) => {
          process.stdout.write(`database ready: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `${config.dataDir}/agora.db`}, schema up to date\n`);
        },
        { create: true },
      );
    });
}
