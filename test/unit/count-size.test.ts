import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** gzip budget of count.js, which list pages load to show comment counts. */
const BUDGET = 1024;

test(`count.js is at most ${BUDGET} B gzip and touches no global but what it reads`, async (t) => {
  const { buildWeb } = (await import(new URL('../../scripts/build-web.mjs', import.meta.url).href)) as { buildWeb: (o: { outdir: string }) => Promise<unknown> };
  const outdir = await mkdtemp(path.join(tmpdir(), 'agora-count-'));
  t.after(() => rm(outdir, { recursive: true, force: true }));
  await buildWeb({ outdir });
  const code = await readFile(path.join(outdir, 'count.js'), 'utf8');
  const gzip = gzipSync(code).length;
  t.diagnostic(`count.js: ${gzip} B gzip of ${BUDGET}`);
  assert.ok(gzip <= BUDGET, `count.js is ${gzip} B gzip, over ${BUDGET}`);
  assert.match(code, /data-agora-count-url/);
  assert.match(code, /\/api\/v1\/counts\?/);
});
