import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { buildApp } from '../../src/server/app.js';
import type { Deps } from '../../src/server/deps.js';
import { backoff, jobQueue } from '../../src/server/jobs/queue.js';
import { nowIso } from '../../src/server/storage/ids.js';
import { buildTestApp, TEST_PG, testConfig } from '../fixtures/server.js';

let deps: Deps;
let close: () => Promise<void>;
const quiet = () => {};

before(async () => {
  ({ deps, close } = await buildTestApp({ runJobs: false }));
});
after(async () => close());

describe('the durable job queue', () => {
  test('several workers on one database run each job exactly once', async () => {
    const ran: string[] = [];
    const nodes = [1, 2, 3].map(() => jobQueue(deps.db, { pollMs: 10, log: quiet }));
    for (const q of nodes) q.define('count', { run: async (p) => void ran.push((p as { n: string }).n), retryAt: () => null });
    for (let i = 0; i < 60; i++) await nodes[0]!.enqueue('count', { n: `job-${i}` });
    // Race the three nodes until the queue is empty.
    while ((await nodes[0]!.pending()) > 0) await Promise.all(nodes.map((q) => q.runDue()));
    assert.equal(ran.length, 60);
    assert.equal(new Set(ran).size, 60, 'no job ran twice');
  });

  test('a job whose node died mid-run is picked up when its lease ends; failures retry, then give up', async () => {
    const q = jobQueue(deps.db, { pollMs: 10, log: quiet });
    let calls = 0;
    q.define('flaky', {
      run: async () => {
        calls++;
        if (calls <= 2) throw new Error('boom');
      },
      retryAt: (job, _e, now) => (job.attempts < 5 ? now : null),
    });
    const id = await q.enqueue('flaky', {});
    assert.ok(id);
    // Another node claimed it and vanished: the lease is in the past.
    await deps.db.updateTable('jobs').set({ locked_until: nowIso(Date.now() - 1000), locked_by: 'dead-node', attempts: 1 }).where('id', '=', id).execute();
    await q.runDue();
    await q.runDue();
    await q.runDue();
    assert.equal(calls, 3);
    assert.equal(await deps.db.selectFrom('jobs').select('id').where('id', '=', id).executeTakeFirst(), undefined, 'done jobs are removed');

    q.define('doomed', { run: async () => Promise.reject(new Error('never works')), retryAt: (job, _e, now) => (job.attempts < 2 ? now : null) });
    const doomed = await q.enqueue('doomed', {});
    await q.runDue();
    await q.runDue();
    const row = await deps.db.selectFrom('jobs').selectAll().where('id', '=', doomed!).executeTakeFirstOrThrow();
    assert.equal(row.state, 'dead');
    assert.equal(row.last_error, 'never works');
  });

  test('a dedupe key keeps one queued job per key', async () => {
    const q = jobQueue(deps.db, { pollMs: 10, log: quiet });
    assert.ok(await q.enqueue('digest', {}, { dedupeKey: 'digest:u1', runAt: Date.now() + 60_000 }));
    assert.equal(await q.enqueue('digest', {}, { dedupeKey: 'digest:u1', runAt: Date.now() + 60_000 }), null);
  });

  test('webhook backoff doubles from the base and stops 24 hours after the event', () => {
    const policy = backoff(30_000, 24 * 3_600_000);
    const created = Date.parse('2026-01-01T00:00:00Z');
    const delays: number[] = [];
    let now = created;
    for (let attempts = 1; ; attempts++) {
      const next = policy({ attempts, createdAt: new Date(created).toISOString() }, null, now);
      if (next === null) break;
      delays.push(next - now);
      now = next;
    }
    assert.deepEqual(delays.slice(0, 4), [30_000, 60_000, 120_000, 240_000]);
    assert.ok(now - created <= 24 * 3_600_000);
    assert.ok(now - created > 12 * 3_600_000, 'keeps trying for most of a day');
  });
});

describe('jobs survive a restart', { skip: TEST_PG ? 'restarts the same SQLite file' : false }, () => {
  test('a job queued before the server stopped runs after it starts again', async () => {
    const config = testConfig({ runJobs: false });
    try {
      const first = await buildApp(config, { logger: false });
      await first.deps.publisher.jobs.enqueue('webhook.deliver', { deliveryId: 'gone' });
      await first.app.close();
      const second = await buildApp({ ...config, runJobs: true, jobPollMs: 10 }, { logger: false });
      // Only the webhook: the restarted server also queues its recurring housekeeping jobs, which stay queued.
      const left = async () => Number((await second.deps.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'webhook.deliver').executeTakeFirstOrThrow()).n);
      for (let i = 0; i < 200 && (await left()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await left(), 0, 'the worker of the restarted server ran it');
      await second.app.close();
    } finally {
      rmSync(config.dataDir, { recursive: true, force: true });
    }
  });
});
