import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** gzip budget of count.js, which list pages load to show comment counts, counted as sent (count.js.gz). */
const BUDGET = 1024;

test(`count.js is at most ${BUDGET} B gzip and touches no global but what it reads`, async (t) => {
  const { buildWeb } = (await import(new URL('../../scripts/build-web.mjs', import.meta.url).href)) as { buildWeb: (o: { outdir: string }) => Promise<unknown> };
  const outdir = await mkdtemp(path.join(tmpdir(), 'agora-count-'));
  t.after(() => rm(outdir, { recursive: true, force: true }));
  await buildWeb({ outdir });
  const code = await readFile(path.join(outdir, 'count.js'), 'utf8');
  // The server sends count.js.gz as it is (test/unit/embed-size.test.ts checks that for every bundle).
  const gz = await readFile(path.join(outdir, 'count.js.gz'));
  assert.equal(gunzipSync(gz).toString('utf8'), code);
  t.diagnostic(`count.js: ${gz.length} B gzip of ${BUDGET}`);
  assert.ok(gz.length <= BUDGET, `count.js is ${gz.length} B gzip, over ${BUDGET}`);
  assert.match(code, /data-agora-count-url/);
  assert.match(code, /\/api\/v1\/counts\?/);
});
