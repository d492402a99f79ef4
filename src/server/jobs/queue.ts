import { randomBytes } from 'node:crypto';
import type { Db } from '../storage/db.js';
import { newId, nowIso } from '../storage/ids.js';

/** One kind of job: how to run it, and when to try again after a failure (null: give up). */
export interface JobDefinition {
  run(payload: unknown, job: { id: string; attempts: number; createdAt: string }): Promise<void>;
  retryAt(job: { attempts: number; createdAt: string }, err: unknown, now: number): number | null;
}

/** Where a failure goes in the log. */
export type JobLog = (err: unknown, msg: string) => void;

/** A lease long enough for one SMTP send or webhook call with its timeout; a dead node's lease just expires. */
const LEASE_MS = 60_000;
const BATCH = 20;
const PARALLEL = 4;

/**
 * The durable job queue: jobs are rows, so they survive restarts, and any number of nodes can run the worker. A job
 * is claimed by a compare-and-set on (state, locked_until), which SQLite and PostgreSQL both settle atomically, so no
 * job runs twice at once; a claimed job whose node dies is picked up again when its lease ends (at-least-once).
 */
export function jobQueue(db: Db, opts: { pollMs: number; log: JobLog }) {
  const kinds = new Map<string, JobDefinition>();
  const node = randomBytes(6).toString('base64url');
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;

  async function claim(now: number): Promise<{ id: string; kind: string; payload: string; attempts: number; created_at: string }[]> {
    const at = nowIso(now);
    const due = await db
      .selectFrom('jobs')
      .select('id')
      .where('state', '=', 'queued')
      .where('run_at', '<=', at)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
      .orderBy('run_at')
      .limit(BATCH)
      .execute();
    const mine = [];
    for (const { id } of due) {
      const res = await db
        .updateTable('jobs')
        .set((eb) => ({ locked_until: nowIso(now + LEASE_MS), locked_by: node, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('state', '=', 'queued')
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) {
        const row = await db.selectFrom('jobs').select(['id', 'kind', 'payload', 'attempts', 'created_at']).where('id', '=', id).executeTakeFirst();
        if (row) mine.push(row);
      }
    }
    return mine;
  }

  async function runOne(job: { id: string; kind: string; payload: string; attempts: number; created_at: string }): Promise<void> {
    const def = kinds.get(job.kind);
    try {
      if (!def) throw new Error(`no handler for job kind ${job.kind}`);
      await def.run(JSON.parse(job.payload) as unknown, { id: job.id, attempts: job.attempts, createdAt: job.created_at });
      // Done jobs are removed: what users care about (deliveries, emails) is recorded by the handlers themselves.
      await db.deleteFrom('jobs').where('id', '=', job.id).where('locked_by', '=', node).execute();
    } catch (err) {
      const now = Date.now();
      const next = def ? def.retryAt({ attempts: job.attempts, createdAt: job.created_at }, err, now) : null;
      const message = err instanceof Error ? err.message : String(err);
      if (next === null) {
        opts.log(err, `job ${job.kind} ${job.id} failed for good after ${job.attempts} attempts`);
        await db.updateTable('jobs').set({ state: 'dead', last_error: message.slice(0, 1000), locked_until: null, dedupe_key: null, finished_at: nowIso(now) }).where('id', '=', job.id).execute();
      } else {
        await db.updateTable('jobs').set({ run_at: nowIso(next), last_error: message.slice(0, 1000), locked_until: null }).where('id', '=', job.id).execute();
      }
    }
  }

  /** Runs every job due now (in small parallel groups); returns how many ran. Tests call it to step the queue. */
  async function runDue(now = Date.now()): Promise<number> {
    const jobs = await claim(now);
    for (let i = 0; i < jobs.length; i += PARALLEL) await Promise.all(jobs.slice(i, i + PARALLEL).map(runOne));
    return jobs.length;
  }

  function schedule(delay: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
    timer.unref();
  }

  function tick() {
    if (running || stopped) return;
    running = runDue().catch((err: unknown) => {
      opts.log(err, 'job worker failed to poll');
      return 0;
    });
    void running.then((n) => {
      running = undefined;
      schedule(n >= BATCH ? 0 : opts.pollMs);
    });
  }

  return {
    /** Declares a kind of job; its handler runs on whichever node claims the job. */
    define(kind: string, def: JobDefinition): void {
      kinds.set(kind, def);
    },
    /** Queues a job; with a dedupe key, nothing is added while a job with that key is queued (returns null). */
    async enqueue(kind: string, payload: unknown, o: { runAt?: number; dedupeKey?: string } = {}): Promise<string | null> {
      const id = newId();
      const now = Date.now();
      const res = await db
        .insertInto('jobs')
        .values({ id, kind, payload: JSON.stringify(payload), dedupe_key: o.dedupeKey ?? null, state: 'queued', run_at: nowIso(o.runAt ?? now), locked_until: null, locked_by: null, last_error: null, created_at: nowIso(now), finished_at: null })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) return null;
      // This node learns of the job at once; other nodes find it on their next poll.
      if ((o.runAt ?? now) <= now) schedule(0);
      return id;
    },
    runDue,
    /** Queued jobs not yet done, for /metrics and tests. */
    async pending(): Promise<number> {
      const row = await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'queued').executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    /** Stops polling and waits for the jobs in hand, so a restart never cuts a send in half on purpose. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
export type JobQueue = ReturnType<typeof jobQueue>;

/** Exponential backoff from `baseMs`, doubling per attempt, until `forMs` after the job was created; then give up. */
export function backoff(baseMs: number, forMs: number, capMs = 6 * 3_600_000) {
  return (job: { attempts: number; createdAt: string }, _err: unknown, now: number): number | null => {
    const next = now + Math.min(capMs, baseMs * 2 ** Math.max(0, job.attempts - 1));
    return next - Date.parse(job.createdAt) > forMs ? null : next;
  };
}
