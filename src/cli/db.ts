import { loadConfig, type Config } from '../server/config.js';
import type { ChangeRunner } from '../server/events/change.js';
import { createChanges } from '../server/events/wiring.js';
import { redisBroker } from '../server/realtime/redis-broker.js';
import { tellNodes } from '../server/realtime/index.js';
import { numberNow } from '../server/realtime/sequencer.js';
import { migrate, openDatabase, type Db } from '../server/storage/db.js';

/**
 * Opens the database the server would open (same environment, same config), brings its schema up to date, runs
 * `work` and always closes it, so a command never leaves a PostgreSQL pool holding the process open. `change` runs
 * a change as the server does (rows, audit, outbox, public events in one transaction); the servers' sequencer and dispatcher deliver
 * its events. With REDIS_URL, a removal's events are also told to every running node before the command returns,
 * so their caches drop at once; on SQLite the servers see the command's commit themselves (data_version).
 */
export async function withDatabase<T>(work: (db: Db, config: Config, change: ChangeRunner) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDatabase(config);
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
