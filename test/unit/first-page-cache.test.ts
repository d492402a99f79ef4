import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstPageCache, type BuiltPage } from '../../src/server/realtime/first-page-cache.js';

const opts = { maxEntries: 100, recheckMs: 60_000, maxAgeMs: 600_000, staleMs: 1000 };
const page = (seq: number, text: string): BuiltPage => ({ seq, body: Buffer.from(text) });
const seq = async () => 1;

/** A build the test finishes by hand, counting how many were started. */
function builds() {
  const started: ((p: BuiltPage) => void)[] = [];
  return {
    started,
    build: () => new Promise<BuiltPage>((resolve) => started.push(resolve)),
  };
}

test('readers that arrive together share one build', async () => {
  const cache = firstPageCache(opts);
  const b = builds();
  const reads = [1, 2, 3].map(() => cache.load('k', 's', seq, b.build));
  assert.equal(b.started.length, 1);
  b.started[0]?.(page(1, 'v1'));
  assert.deepEqual((await Promise.all(reads)).map(String), ['v1', 'v1', 'v1']);
  assert.equal(String(await cache.load('k', 's', seq, b.build)), 'v1');
  assert.equal(b.started.length, 1, 'served from the cache');
});

test('a story that moved on is served its previous page while ONE rebuild runs, then the new one', async () => {
  const cache = firstPageCache(opts);
  await cache.load('k', 's', seq, async () => page(1, 'v1'));
  cache.markStale('s', Date.now());
  const b = builds();
  const during = await Promise.all([1, 2, 3].map(() => cache.load('k', 's', seq, b.build)));
  assert.deepEqual(during.map(String), ['v1', 'v1', 'v1'], 'the previous page, at once');
  assert.equal(b.started.length, 1, 'one rebuild for every reader');
  b.started[0]?.(page(2, 'v2'));
  await new Promise((r) => setImmediate(r));
  assert.equal(String(await cache.load('k', 's', seq, b.build)), 'v2');
});

test('a page never older than the window: past it, readers wait for the rebuild', async () => {
  const cache = firstPageCache(opts);
  await cache.load('k', 's', seq, async () => page(1, 'v1'));
  const at = Date.now();
  cache.markStale('s', at);
  const got = await cache.load('k', 's', seq, async () => page(2, 'v2'), at + 1001);
  assert.equal(String(got), 'v2');
});

test('a removal drops the pages at once, and a rebuild started before it is never stored', async () => {
  const cache = firstPageCache(opts);
  await cache.load('k', 's', seq, async () => page(1, 'with the removed text'));
  cache.markStale('s');
  const b = builds();
  assert.equal(String(await cache.load('k', 's', seq, b.build)), 'with the removed text', 'before the removal');
  cache.purge('s');
  // The rebuild that began before the purge read the old state; it ends after it.
  b.started[0]?.(page(2, 'built before the removal'));
  await new Promise((r) => setImmediate(r));
  const fresh = await cache.load('k', 's', seq, async () => page(3, 'after the removal'));
  assert.equal(String(fresh), 'after the removal');
});

test('with a window of 0 every read after a change waits for the rebuild', async () => {
  const cache = firstPageCache({ ...opts, staleMs: 0 });
  await cache.load('k', 's', seq, async () => page(1, 'v1'));
  cache.markStale('s', Date.now() - 5);
  assert.equal(String(await cache.load('k', 's', seq, async () => page(2, 'v2'))), 'v2');
});
