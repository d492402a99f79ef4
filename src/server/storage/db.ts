import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { ReadWriteSqliteDialect } from './sqlite-driver.js';
import { PREPARED } from './query-shapes.js';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_moderation.js';
import * as m003 from './migrations/003_publisher.js';
import * as m004 from './migrations/004_portability.js';
import * as m005 from './migrations/005_realtime.js';
import * as m006 from './migrations/006_top_level_indexes.js';
import * as m007 from './migrations/007_outbox.js';
import * as m008 from './migrations/008_session_scope.js';
import * as m009 from './migrations/009_story_pending.js';
import * as m010 from './migrations/010_accounts.js';
import * as m011 from './migrations/011_oidc.js';
import * as m012 from './migrations/012_ignored.js';
import * as m013 from './migrations/013_read_indexes.js';

export type Db = Kysely<Database>;

/** Migrations are listed in code (not read from a folder) so the compiled build and tsx run the same set. */
const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_moderation': m002,
  '003_publisher': m003,
  '004_portability': m004,
  '005_realtime': m005,
  '006_top_level_indexes': m006,
  '007_outbox': m007,
  '008_session_scope': m008,
  '009_story_pending': m009,
  '010_accounts': m010,
  '011_oidc': m011,
  '012_ignored': m012,
  '013_read_indexes': m013,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Pages are read through a memory map rather than read() calls. Each commit by the writer invalidates the reader's
 * page cache, so every read after a write loads its pages again: a copy and a system call per page without a map,
 * a pointer with one (the comment-post path reads ~6 statements' pages after every write; see ADR 0026).
 */
const MMAP_BYTES = 256 * 1024 * 1024;

/**
 * Opens the embedded SQLite database in `dataDir` (or in memory for ':memory:').
 * WAL lets readers proceed while a write is in flight; foreign keys are off by default in SQLite, so turn them on.
 */
export function openSqlite(dataDir: string): Db {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'agora.db');
  }
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Lets the query planner gather statistics it lacks (SQLite's recommended call on open); cheap on a small file.
  sqlite.pragma('optimize = 0x10002');
  sqlite.pragma(`mmap_size = ${MMAP_BYTES}`);
  let dialect: SqliteDialect;
  if (file === ':memory:') dialect = new SqliteDialect({ database: cachedStatements(sqlite) });
  else {
    // A second connection for plain reads (see sqlite-driver.ts); query_only makes a write through it an error.
    const reader = new SQLite(file);
    reader.pragma('busy_timeout = 5000');
    reader.pragma('query_only = ON');
    reader.pragma(`mmap_size = ${MMAP_BYTES}`);
    dialect = new ReadWriteSqliteDialect(cachedStatements(sqlite), cachedStatements(reader));
  }
  const db = new Kysely<Database>({ dialect });
  handles.set(db, sqlite);
  return db;
}

const handles = new WeakMap<Db, SQLite.Database>();

/**
 * A function that tells, in well under a microsecond, whether another process (the `agora` command line) committed to
 * this SQLite database since it was last asked; undefined on PostgreSQL. SQLite's data_version moves only for
 * other connections' commits, so the server's own writes never trip it.
 */
export function externalWrites(db: Db): (() => boolean) | undefined {
  const sqlite = handles.get(db);
  if (!sqlite) return undefined;
  // Prepared once (db.pragma() prepares anew on every call), and asked at most every CHECK_MS: each ask opens a
  // read transaction (file locks, the WAL index), which cost 10-15% of a cached first page when asked per request.
  // A command-line removal then reaches readers of this node's cache within CHECK_MS.
  const CHECK_MS = 50;
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  let seen = dataVersion.get();
  let checkedAt = performance.now();
  return () => {
    const t = performance.now();
    if (t - checkedAt < CHECK_MS) return false;
    checkedAt = t;
    const now = dataVersion.get();
    if (now === seen) return false;
    seen = now;
    return true;
  };
}

/**
 * Kysely's SQLite driver prepares every statement anew, and preparing costs more than running most of our queries.
 * The same few dozen SQL strings recur (parameters are bound, never inlined), so prepared statements are kept in a
 * bounded map. Written here because Kysely has no option for it.
 */
function cachedStatements(sqlite: SQLite.Database, max = 500) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let st = cache.get(sql);
      if (!st) {
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        st = sqlite.prepare(sql);
        cache.set(sql, st);
      }
      return st;
    },
  };
}

/** Opens PostgreSQL from a postgres:// URL: the scale-out store, same schema and queries as SQLite. */
export function openPostgres(url: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000 });
  // An idle client losing its server emits 'error' on the pool; unhandled, that would crash the process. The next
  // query fails instead and the request gets a 503 (see isUnavailable).
  pool.on('error', () => {});
  // A client checked out by a transaction can lose its server between two statements; pg then emits 'error' on the
  // client itself, which would crash the process. The statement in flight fails on its own (and becomes a 503).
  pool.on('connect', (client) => {
    client.on('error', () => {});
    // SQL that query-shapes.ts marked runs as a named prepared statement: parsed and planned once per connection.
    const query = client.query.bind(client) as (config: unknown, values?: unknown) => unknown;
    client.query = ((text: unknown, values?: unknown) => {
      if (typeof text === 'string' && text.startsWith(PREPARED)) return query({ name: text.slice(PREPARED.length, text.indexOf('*/')), text, values }, undefined);
      return query(text, values);
    }) as typeof client.query;
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

// Connection-level failures (server down, restarting, too many clients, SQLite locked too long): the request can be
// retried later, so they are 503s, not 500s.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300', 'SQLITE_BUSY']);

/** True when an error means the database cannot be reached right now. */
export function isUnavailable(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    const msg = e instanceof Error ? e.message : '';
    if (/Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/i.test(msg)) return true;
  }
  return false;
}

/** The database the configuration names: PostgreSQL when DATABASE_URL is set, else SQLite in the data dir. */
export function openDatabase(config: { databaseUrl: string | null; dataDir: string }): Db {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openSqlite(config.dataDir);
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrate(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed`, { cause: error });
  }
}
