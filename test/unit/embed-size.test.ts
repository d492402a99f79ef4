import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** gzip budget of everything an embedding page downloads from us (docs: brief of the widget). */
const BUDGET = 15 * 1024;

type BuildWeb = (opts: { outdir: string }) => Promise<unknown>;

test(`embed.js, the only file the embed loads, is at most ${BUDGET} B gzip`, async (t) => {
  // Imported by URL: the build script is plain .mjs, outside what tsc type-checks.
  const { buildWeb } = (await import(new URL('../../scripts/build-web.mjs', import.meta.url).href)) as {
    buildWeb: BuildWeb;
  };
  const outdir = await mkdtemp(path.join(tmpdir(), 'agora-web-'));
  t.after(() => rm(outdir, { recursive: true, force: true }));

  await buildWeb({ outdir });

  // A stray chunk or stylesheet would be a second request that the budget below would not count.
  assert.deepEqual((await readdir(outdir)).sort(), ['admin.js', 'count.js', 'embed.js', 'popup.js']);
  const gzip = gzipSync(await readFile(path.join(outdir, 'embed.js'))).length;
  t.diagnostic(`embed.js: ${gzip} B gzip (${(gzip / 1024).toFixed(2)} KB of ${BUDGET / 1024} KB)`);
  assert.ok(gzip <= BUDGET, `embed.js is ${gzip} B gzip, over the ${BUDGET} B budget`);
});
