import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deps } from '../../src/server/deps.js';
import { HOUSEKEEPING, PURGE_DEAD_JOBS_EVERY_MS, registerHousekeeping } from '../../src/server/jobs/housekeeping.js';
import { DEAD_RETENTION_MS, jobQueue } from '../../src/server/jobs/queue.js';
import { openPostgres, openSqlite, type Db } from '../../src/server/storage/db.js';
import { newId, nowIso } from '../../src/server/storage/ids.js';
import { buildTestApp, TEST_PG } from '../fixtures/server.js';

let deps: Deps;
let close: () => Promise<void>;
/** A second connection (pool) to the same database: another node, as far as the queue can tell. */
let other: Db;
const quiet = () => {};
const MIN = 60_000;

before(async () => {
  ({ deps, close } = await buildTestApp({ runJobs: false }));
  other = TEST_PG ? openPostgres(deps.config.databaseUrl!) : openSqlite(deps.config.dataDir);
});
after(async () => {
  await other.destroy();
  await close();
});
// Every test starts from an empty queue: a stepping runDue() claims whatever is due, whoever queued it.
beforeEach(async () => {
  await deps.db.deleteFrom('jobs').execute();
});

const rows = (kind: string) => deps.db.selectFrom('jobs').selectAll().where('kind', '=', kind).execute();

describe('claiming', () => {
  test('two nodes on their own connections racing for many jobs run each exactly once, on the first claim', async () => {
    const ran = new Map<string, number>();
    const firstAttempt: boolean[] = [];
    const nodes = [deps.db, other].map((db) => jobQueue(db, { pollMs: 10, log: quiet }));
    for (const q of nodes) {
      q.define('count', {
        run: async (p, job) => {
          const n = (p as { n: string }).n;
          ran.set(n, (ran.get(n) ?? 0) + 1);
          firstAttempt.push(job.attempts === 1);
          await new Promise((r) => setImmediate(r));
        },
        retryAt: () => null,
      });
    }
    for (let i = 0; i < 200; i++) await nodes[i % 2]!.enqueue('count', { n: `job-${i}` });
    // Each node keeps polling until the queue is empty, both at once. The pause lets the other node's jobs finish:
    // SQLite's driver answers in microtasks, so a loop without it would never yield (the worker polls on a timer).
    await Promise.all(nodes.map(async (q) => {
      while ((await q.pending()) > 0) {
        await q.runDue();
        await new Promise((r) => setTimeout(r, 1));
      }
    }));
    assert.equal(ran.size, 200);
    assert.deepEqual([...ran.values()].filter((n) => n !== 1), [], 'no job ran twice');
    assert.ok(firstAttempt.every(Boolean), 'no claim was counted for a job another node held');
  });

  test('enqueue inside a transaction: nothing is left if it rolls back; after commit, kick() runs it', async () => {
    const q = jobQueue(deps.db, { pollMs: 3_600_000, log: quiet });
    let ran = 0;
    q.define('in-tx', { run: async () => void ran++, retryAt: () => null });
    await assert.rejects(
      deps.db.transaction().execute(async (trx) => {
        assert.ok(await q.enqueue('in-tx', {}, {}, trx));
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.deepEqual(await rows('in-tx'), []);

    q.start();
    // The worker's first poll (at start) finds nothing; with an hour between polls only kick() can wake it.
    await new Promise((r) => setTimeout(r, 50));
    await deps.db.transaction().execute(async (trx) => {
      await q.enqueue('in-tx', {}, {}, trx);
    });
    q.kick();
    for (let i = 0; i < 200 && ran === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await q.stop();
    assert.equal(ran, 1);
  });
});

describe('recurring jobs', () => {
  test('two nodes scheduling the same job make one row; it runs once per interval, then again', async () => {
    const runs: string[] = [];
    const [a, b] = [deps.db, other].map((db, i) => {
      const q = jobQueue(db, { pollMs: 10, log: quiet });
      q.every('tick', MIN, async () => void runs.push(`node-${i}`));
      return q;
    });
    const t0 = Date.now();
    await Promise.all([a!.ensureRecurring(), b!.ensureRecurring(), a!.ensureRecurring()]);
    let [row] = await rows('tick');
    assert.equal((await rows('tick')).length, 1);
    assert.equal(row!.dedupe_key, 'recurring:tick');
    assert.ok(Date.parse(row!.run_at) >= t0 + MIN, 'the first run is one interval away');

    assert.equal((await a!.runDue()) + (await b!.runDue()), 0, 'not due yet');
    await Promise.all([a!.runDue(t0 + MIN + 1000), b!.runDue(t0 + MIN + 1000)]);
    assert.equal(runs.length, 1, 'one node ran it');
    [row] = await rows('tick');
    assert.equal((await rows('tick')).length, 1, 'the same row is kept');
    assert.equal(row!.state, 'queued');
    assert.equal(row!.locked_until, null);
    assert.equal(row!.attempts, 0);
    assert.ok(Date.parse(row!.run_at) >= t0 + 2 * MIN + 1000, 'rescheduled one interval after the run');

    await Promise.all([a!.runDue(t0 + 3 * MIN), b!.runDue(t0 + 3 * MIN)]);
    assert.equal(runs.length, 2, 'and it runs again, once');
    assert.equal((await rows('tick')).length, 1);
  });

  test('a failing recurring job is logged and rescheduled, not retried at once nor killed', async () => {
    const logged: string[] = [];
    const q = jobQueue(deps.db, { pollMs: 10, log: (_e, msg) => void logged.push(msg) });
    let calls = 0;
    q.every('flaky-tick', MIN, async () => {
      calls++;
      throw new Error('disk full');
    });
    const t0 = Date.now();
    await q.ensureRecurring();
    await q.runDue(t0 + MIN + 1000);
    const [row] = await rows('flaky-tick');
    assert.equal(calls, 1);
    assert.equal(row!.state, 'queued');
    assert.equal(row!.last_error, 'disk full');
    assert.equal(row!.locked_until, null);
    assert.ok(Date.parse(row!.run_at) >= t0 + 2 * MIN + 1000, 'one interval later');
    assert.match(logged[0]!, /flaky-tick failed/);
    await q.runDue(t0 + 3 * MIN);
    assert.equal(calls, 2, 'tried again at the next interval');
  });

  test('a node that does not schedule the kind leaves the row to one that does', async () => {
    const knows = jobQueue(deps.db, { pollMs: 10, log: quiet });
    const unaware = jobQueue(other, { pollMs: 10, log: quiet });
    let ran = 0;
    knows.every('sweep-like', MIN, async () => void ran++);
    await knows.ensureRecurring();
    const t0 = Date.now();
    await unaware.runDue(t0 + MIN + 1000);
    let [row] = await rows('sweep-like');
    assert.equal(row!.state, 'queued', 'not killed for want of a handler');
    assert.ok(row!.locked_until, 'held until its lease ends');
    // Once the lease is over, the node that schedules it takes it.
    await knows.runDue(t0 + 3 * MIN);
    assert.equal(ran, 1);
    [row] = await rows('sweep-like');
    assert.equal(row!.last_error, null);
  });

  test('a shorter interval takes effect when a node makes sure of the job', async () => {
    const slow = jobQueue(deps.db, { pollMs: 10, log: quiet });
    slow.every('resized', 24 * 60 * MIN, async () => {});
    await slow.ensureRecurring();
    const fast = jobQueue(other, { pollMs: 10, log: quiet });
    fast.every('resized', MIN, async () => {});
    await fast.ensureRecurring();
    const [row] = await rows('resized');
    assert.ok(Date.parse(row!.run_at) <= Date.now() + MIN);
  });
});

describe('housekeeping', () => {
  test('dead jobs are deleted once past their retention, by the recurring housekeeping job', async () => {
    const dead = (ageMs: number) => ({
      id: newId(), kind: 'webhook.deliver', payload: '{}', dedupe_key: null, state: 'dead', run_at: nowIso(Date.now() - ageMs),
      locked_until: null, locked_by: null, last_error: 'gone', created_at: nowIso(Date.now() - ageMs), finished_at: nowIso(Date.now() - ageMs),
    });
    const old = dead(DEAD_RETENTION_MS + 3_600_000);
    const recent = dead(DEAD_RETENTION_MS - 3_600_000);
    await deps.db.insertInto('jobs').values([old, recent]).execute();

    const q = jobQueue(deps.db, { pollMs: 10, log: quiet });
    registerHousekeeping(q);
    await q.ensureRecurring();
    assert.equal((await rows(HOUSEKEEPING.purgeDeadJobs)).length, 1);
    assert.equal(await q.count('dead'), 2);
    await q.runDue(Date.now() + PURGE_DEAD_JOBS_EVERY_MS + 1000);
    const left = await deps.db.selectFrom('jobs').select('id').where('state', '=', 'dead').execute();
    assert.deepEqual(left.map((r) => r.id), [recent.id]);
  });

  test('the privacy sweep and the event-log prune are scheduled only when given', async () => {
    const q = jobQueue(deps.db, { pollMs: 10, log: quiet });
    let swept = 0;
    let pruned = 0;
    registerHousekeeping(q, { sweep: async () => void swept++, sweepEveryMs: 0 });
    await q.ensureRecurring();
    assert.deepEqual(await rows(HOUSEKEEPING.privacySweep), [], '0: not scheduled from this node');
    registerHousekeeping(q, { sweep: async () => void swept++, sweepEveryMs: MIN, pruneEvents: async () => void pruned++ });
    await q.ensureRecurring();
    await q.runDue(Date.now() + 2 * 3_600_000);
    assert.deepEqual([swept, pruned], [1, 1]);
  });

  test('a server running jobs schedules its housekeeping once, and /metrics shows the queue', async () => {
    const server = await buildTestApp({ runJobs: true, jobPollMs: 10 });
    try {
      const recurring = () => server.deps.db.selectFrom('jobs').select('kind').where('dedupe_key', 'like', 'recurring:%').orderBy('kind').execute();
      const all = [HOUSEKEEPING.privacySweep, HOUSEKEEPING.pruneEvents, HOUSEKEEPING.purgeDeadJobs].sort();
      for (let i = 0; i < 200 && (await recurring()).length < all.length; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual((await recurring()).map((r) => r.kind), all);

      await server.deps.db.insertInto('jobs').values({
        id: newId(), kind: 'email.send', payload: '{}', dedupe_key: null, state: 'dead', run_at: nowIso(Date.now()),
        locked_until: null, locked_by: null, last_error: 'refused', created_at: nowIso(Date.now()), finished_at: nowIso(Date.now()),
      }).execute();
      const metrics = (await server.app.inject({ url: '/metrics' })).body;
      assert.match(metrics, /^agora_jobs_queued 3$/m);
      assert.match(metrics, /^agora_jobs_dead 1$/m);
    } finally {
      await server.close();
    }
  });
});
