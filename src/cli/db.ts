import { loadConfig, type Config } from '../server/config.js';
import type { ChangeRunner } from '../server/events/change.js';
import { createChanges } from '../server/events/wiring.js';
import { redisBroker } from '../server/realtime/redis-broker.js';
import { tellNodes } from '../server/realtime/index.js';
import { numberNow } from '../server/realtime/sequencer.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, openDatabase, type Db } from '../server/storage/db.js';

/**
 * Opens the database the server would open (same environment, same config), brings its schema up to date, runs
 * `work` and always closes it, so a command never leaves a PostgreSQL pool holding the process open. `change` runs
 * a change as the server does (rows, audit, outbox, public events in one transaction); the servers' sequencer and dispatcher deliver
 * its events. With REDIS_URL, a removal's events are also told to every running node before the command returns,
 * so their caches drop at once; on SQLite the servers see the command's commit themselves (data_version).
 */
export async function withDatabase<T>(work: (db: Db, config: Config, change: ChangeRunner) => Promise<T>, opts: { create?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const sqliteFile = config.databaseUrl ? null : join(config.dataDir, 'agora.db');
  // Opening SQLite creates the file: a command run from the wrong folder, or without the server's AGORA_DATA_DIR,
  // would work on a new empty database and report "no such site" or, worse, succeed there. Only the commands that
  // set an install up may create it (opts.create), and they say so.
  const fresh = sqliteFile !== null && !existsSync(sqliteFile);
  if (fresh && !opts.create) throw new NoDatabaseError(noSqliteDatabase(sqliteFile, config.dataDir));
  const db = openDatabase(config);
  if (config.databaseUrl && !opts.create && !(await hasSchema(db))) {
    await db.destroy();
    throw new NoDatabaseError(noPostgresSchema(config.databaseUrl));
  }
  if (fresh) process.stderr.write(`agora: created a new database at ${sqliteFile}\n`);
  const broker = config.redisUrl ? redisBroker(config.redisUrl, { warn: () => {}, info: () => {} }) : null;
  const { change } = createChanges(db, {
    afterCommit: async (c) => {
      // A server may not hear this process (no Redis): the command numbers its own change's public events, so the
      // story's event number has moved on when it returns, and every server's cache re-check sees it.
      const messages = c.public ? await numberNow(db) : [];
      if (broker) await tellNodes(broker, c, messages);
    },
  });
  try {
    await migrate(db);
    return await work(db, config, change);
  } finally {
    await broker?.close();
    await db.destroy();
  }
}

/** The command needs an existing database and there is none: one line on stderr, exit 1. */
export class NoDatabaseError extends Error {}

const HOW = 'start the server once (npm start, or the service), which creates and migrates it, or run "npx agora db init"';

function noSqliteDatabase(file: string, dataDir: string): string {
  return `there is no database at ${file} (AGORA_DATA_DIR=${dataDir}): set AGORA_DATA_DIR (or DATABASE_URL) to the server's, or, for a new install, ${HOW}`;
}

/** Names the database without its password. */
function noPostgresSchema(url: string): string {
  let where = 'DATABASE_URL';
  try {
    const u = new URL(url);
    where = `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    // An unparsable URL fails in the driver first; keep the generic name.
  }
  return `the PostgreSQL database ${where} has no Agora tables yet: check DATABASE_URL, or, for a new install, ${HOW}`;
}

/** True once the migrations ran here (the `sites` table exists), on SQLite and PostgreSQL alike. */
async function hasSchema(db: Db): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((t) => t.name === 'sites');
}
