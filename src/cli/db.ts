import { loadConfig, type Config } from '../server/config.js';
import { migrate, openDatabase, type Db } from '../server/storage/db.js';

/**
 * Opens the database the server would open (same environment, same config), brings its schema up to date, runs
 * `work` and always closes it, so a command never leaves a PostgreSQL pool holding the process open.
 */
export async function withDatabase<T>(work: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config);
  try {
    await migrate(db);
    return await work(db, config);
  } finally {
    await db.destroy();
  }
}
