// A throwaway database for one case of a run: kept apart from seed.ts (which imports the server's src) so the
// baselines and a run against another tree's build (--agora-dir) need nothing from this tree's src.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TempDb {
  /** AGORA_DATA_DIR for SQLite, DATABASE_URL for PostgreSQL: what Agora (and the write baseline) read. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

let made = 0;

/** A fresh database: a temporary SQLite folder, or a new PostgreSQL database on `pgBase`. */
export async function tempDb(kind: 'sqlite' | 'postgres', pgBase: string): Promise<TempDb> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'agora-bench-'));
    return { env: { AGORA_DATA_DIR: dir }, drop: () => dropTempDb({ AGORA_DATA_DIR: dir }, pgBase) };
  }
  // The counter keeps two databases made in the same millisecond apart.
  const name = `agora_bench_${Date.now()}_${made++}`;
  const admin = new pg.Client({ connectionString: `${pgBase}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const env = { DATABASE_URL: `${pgBase}/${name}` };
  return { env, drop: () => dropTempDb(env, pgBase) };
}

/**
 * Removes what `env` points at. Takes the env rather than a closure so a database seeded in another process (the
 * other tree's seed, --agora-dir) is removed the same way. Each SQLite run is ~30 MB: removed with the run.
 */
export async function dropTempDb(env: Record<string, string>, pgBase: string): Promise<void> {
  if (env.AGORA_DATA_DIR) await rm(env.AGORA_DATA_DIR, { recursive: true, force: true });
  const name = env.DATABASE_URL?.split('/').pop();
  if (!name) return;
  const c = new pg.Client({ connectionString: `${pgBase}/postgres` });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
}
