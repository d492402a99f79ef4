import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../storage/db.js';
import { newId, nowIso } from '../storage/ids.js';
import type { Database } from '../storage/schema.js';

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
 * Jobs that failed for good are kept this long for an operator to read `last_error` (and `agora_jobs_dead` to alert
 * on), then deleted by the housekeeping job: a receiver down for weeks must not grow the table without bound.
 */
export const DEAD_RETENTION_MS = 7 * 24 * 3_600_000;
/** The dedupe key of a recurring job is this prefix and its kind: the unique key is what keeps one row per kind. */
const RECURRING = 'recurring:';

interface Claimed {
  id: string;
  kind: string;
  payload: string;
  attempts: number;
  created_at: string;
  run_at: string;
  dedupe_key: string | null;
}

/**
 * The durable job queue: jobs are rows, so they survive restarts, and any number of nodes can run the worker. A job
 * is claimed by one compare-and-set UPDATE on (state, locked_until), which SQLite and PostgreSQL both settle
 * atomically, so no job runs twice at once; a claimed job whose node dies is picked up again when its lease ends
 * (at-least-once). Recurring jobs (`every`) are ordinary rows too, so periodic work runs on one node at a time.
 */
export function jobQueue(db: Db, opts: { pollMs: number; log: JobLog; deadRetentionMs?: number }) {
  const kinds = new Map<string, JobDefinition>();
  const recurring = new Map<string, { everyMs: number; run: () => Promise<void> }>();
  /** Recurring kinds whose row this node has not yet made sure of (done on the worker's next turn). */
  const unensured = new Set<string>();
  const node = randomBytes(6).toString('base64url');
  const deadRetentionMs = opts.deadRetentionMs ?? DEAD_RETENTION_MS;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  /** A kick that came while a batch was running: poll again at once instead of after pollMs. */
  let kicked = false;
  let stopped = true;

  /**
   * One statement claims up to BATCH due jobs. All the conditions are repeated outside the subquery because under
   * concurrent claimers PostgreSQL (read committed) re-checks only the outer WHERE, on the latest version of a row
   * another node updated meanwhile: without them two nodes whose subqueries picked the same ids would both take the
   * job. run_at too: by the time the waiting claimer looks, the other node may have run the job and released it for
   * later (a retry, the next run of a recurring job), and it must not be taken again now. SQLite runs one writer at
   * a time, so there the statement is atomic anyway. attempts counts claims, as before.
   */
  async function claim(now: number): Promise<Claimed[]> {
    const at = nowIso(now);
    const rows = await db
      .updateTable('jobs')
      .set((eb) => ({ locked_until: nowIso(now + LEASE_MS), locked_by: node, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('state', '=', 'queued')
          .where('run_at', '<=', at)
          .where((e) => e.or([e('locked_until', 'is', null), e('locked_until', '<', at)]))
          .orderBy('run_at')
          .limit(BATCH),
      )
      .where('state', '=', 'queued')
      .where('run_at', '<=', at)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
      .returning(['id', 'kind', 'payload', 'attempts', 'created_at', 'run_at', 'dedupe_key'])
      .execute();
    // RETURNING has no order; run the longest-waiting first as the worker always did.
    return rows.map((r) => ({ ...r, attempts: Number(r.attempts) })).sort((a, b) => (a.run_at < b.run_at ? -1 : a.run_at > b.run_at ? 1 : 0));
  }

  async function runOne(job: Claimed, now: number): Promise<void> {
    if (job.dedupe_key?.startsWith(RECURRING)) return runRecurring(job, now);
    const def = kinds.get(job.kind);
    try {
      if (!def) throw new Error(`no handler for job kind ${job.kind}`);
      await def.run(JSON.parse(job.payload) as unknown, { id: job.id, attempts: job.attempts, createdAt: job.created_at });
      // Done jobs are removed: what users care about (deliveries, emails) is recorded by the handlers themselves.
      await db.deleteFrom('jobs').where('id', '=', job.id).where('locked_by', '=', node).execute();
    } catch (err) {
      const failedAt = Date.now();
      const next = def ? def.retryAt({ attempts: job.attempts, createdAt: job.created_at }, err, failedAt) : null;
      const message = err instanceof Error ? err.message : String(err);
      if (next === null) {
        opts.log(err, `job ${job.kind} ${job.id} failed for good after ${job.attempts} attempts`);
        await db.updateTable('jobs').set({ state: 'dead', last_error: message.slice(0, 1000), locked_until: null, dedupe_key: null, finished_at: nowIso(failedAt) }).where('id', '=', job.id).execute();
      } else {
        await db.updateTable('jobs').set({ run_at: nowIso(next), last_error: message.slice(0, 1000), locked_until: null }).where('id', '=', job.id).execute();
      }
    }
  }

  /**
   * A recurring job's row is never deleted nor killed: after each run, failed or not, the same row is put back for
   * now + interval, so exactly one exists whatever the nodes do. A node where the kind is not scheduled (e.g. its
   * privacy sweep is set to 0, or an older version) leaves the row locked until its lease ends, for another node.
   * `now` is the time the job was claimed at: later than the clock only when a test steps the queue into the future,
   * where the next run must still be one interval after that step.
   */
  async function runRecurring(job: Claimed, now: number): Promise<void> {
    const spec = recurring.get(job.kind);
    if (!spec) return;
    let error: string | null = null;
    try {
      await spec.run();
    } catch (err) {
      error = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
      opts.log(err, `recurring job ${job.kind} failed; it runs again in ${spec.everyMs} ms`);
    }
    // Guarded by locked_by: if this run outlived its lease, the node that took the job over reschedules it.
    await db
      .updateTable('jobs')
      .set({ run_at: nowIso(Math.max(now, Date.now()) + spec.everyMs), attempts: 0, locked_until: null, last_error: error })
      .where('id', '=', job.id)
      .where('locked_by', '=', node)
      .execute();
  }

  /**
   * Makes sure each recurring kind this node schedules has its one queued row. Several nodes may do this at once:
   * the unique dedupe key turns the other inserts into no-ops.
   */
  async function ensureRecurring(now = Date.now()): Promise<void> {
    for (const kind of [...unensured]) {
      const spec = recurring.get(kind);
      if (spec) {
        const key = RECURRING + kind;
        const runAt = now + spec.everyMs;
        await insert(db, kind, {}, { dedupeKey: key, runAt }, now);
        // An interval shortened since the row was queued counts from now, not after the old, longer wait.
        await db.updateTable('jobs').set({ run_at: nowIso(runAt) }).where('dedupe_key', '=', key).where('state', '=', 'queued').where('run_at', '>', nowIso(runAt)).execute();
      }
      unensured.delete(kind);
    }
  }

  async function insert(q: Kysely<Database>, kind: string, payload: unknown, o: { runAt?: number; dedupeKey?: string }, now: number): Promise<string | null> {
    const id = newId();
    const res = await q
      .insertInto('jobs')
      .values({ id, kind, payload: JSON.stringify(payload), dedupe_key: o.dedupeKey ?? null, state: 'queued', run_at: nowIso(o.runAt ?? now), locked_until: null, locked_by: null, last_error: null, created_at: nowIso(now), finished_at: null })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 0 ? null : id;
  }

  /** How many jobs are in a state: queued (waiting, scheduled or running) or dead (failed for good). For /metrics. */
  async function count(state: 'queued' | 'dead'): Promise<number> {
    const row = await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', state).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Runs every job due now (in small parallel groups); returns how many ran. Tests call it to step the queue. */
  async function runDue(now = Date.now()): Promise<number> {
    const jobs = await claim(now);
    for (let i = 0; i < jobs.length; i += PARALLEL) await Promise.all(jobs.slice(i, i + PARALLEL).map((job) => runOne(job, now)));
    return jobs.length;
  }

  function schedule(delay: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
    timer.unref();
  }

  async function turn(): Promise<number> {
    if (unensured.size) {
      // Not fatal: the kinds stay in the set and the next turn tries again.
      await ensureRecurring().catch((err: unknown) => opts.log(err, 'job worker failed to schedule recurring jobs'));
    }
    return runDue();
  }

  function tick() {
    if (stopped) return;
    if (running) {
      kicked = true;
      return;
    }
    kicked = false;
    running = turn().catch((err: unknown) => {
      opts.log(err, 'job worker failed to poll');
      return 0;
    });
    void running.then((n) => {
      running = undefined;
      schedule(n >= BATCH || kicked ? 0 : opts.pollMs);
    });
  }

  return {
    /** Declares a kind of job; its handler runs on whichever node claims the job. */
    define(kind: string, def: JobDefinition): void {
      kinds.set(kind, def);
    },
    /**
     * Runs `run` every `everyMs` on one node of all those running the worker: one queued row of this kind (dedupe
     * key `recurring:<kind>`) is made sure of on start (first run one interval later) and rescheduled for now +
     * everyMs after each run, also after a failure (logged). Calling it again for a kind replaces the schedule.
     */
    every(kind: string, everyMs: number, run: () => Promise<void>): void {
      if (!(everyMs > 0)) throw new Error(`recurring job ${kind}: the interval must be positive`);
      recurring.set(kind, { everyMs, run });
      unensured.add(kind);
      schedule(0);
    },
    /**
     * Queues a job; with a dedupe key, nothing is added while a job with that key is queued (returns null). With `q`
     * (a transaction) the job is written by the caller's transaction and the worker is not woken, since the row is
     * invisible until commit: call kick() after the commit.
     */
    async enqueue(kind: string, payload: unknown, o: { runAt?: number; dedupeKey?: string } = {}, q?: Kysely<Database>): Promise<string | null> {
      const now = Date.now();
      const id = await insert(q ?? db, kind, payload, o, now);
      // This node learns of the job at once; other nodes find it on their next poll.
      if (id && !q && (o.runAt ?? now) <= now) schedule(0);
      return id;
    },
    /** Wakes this node's worker now (after committing a transaction that enqueued jobs); a no-op when stopped. */
    kick(): void {
      schedule(0);
    },
    runDue,
    /** Inserts the rows of recurring jobs registered with every() and not yet made sure of; start() does it. */
    ensureRecurring,
    /** Deletes jobs dead for longer than the retention (7 days unless the queue was given another); returns how many. */
    async purgeDead(now = Date.now()): Promise<number> {
      const res = await db.deleteFrom('jobs').where('state', '=', 'dead').where('finished_at', '<', nowIso(now - deadRetentionMs)).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
    count,
    /** Queued jobs not yet done, for tests. */
    pending: () => count('queued'),
    start(): void {
      if (!stopped) return;
      stopped = false;
      for (const kind of recurring.keys()) unensured.add(kind);
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
