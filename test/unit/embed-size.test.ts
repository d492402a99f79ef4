import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** gzip budget of everything an embedding page downloads from us (docs/adr/0003). */
const BUDGET = 15 * 1024;

type BuildWeb = (opts: { outdir: string }) => Promise<unknown>;

test(`what the embed loads (embed.js and one language's embed-<lang>.js) is at most ${BUDGET} B gzip`, async (t) => {
  // Imported by URL: the build script is plain .mjs, outside what tsc type-checks.
  const { buildWeb } = (await import(new URL('../../scripts/build-web.mjs', import.meta.url).href)) as {
    buildWeb: BuildWeb;
  };
  const outdir = await mkdtemp(path.join(tmpdir(), 'agora-web-'));
  t.after(() => rm(outdir, { recursive: true, force: true }));

  await buildWeb({ outdir });

  // A stray chunk or stylesheet would be another request that the budget below would not count.
  assert.deepEqual((await readdir(outdir)).sort(), ['admin.js', 'count.js', 'embed-en.js', 'embed-fr.js', 'embed.js', 'popup.js']);
  const size = async (name: string) => gzipSync(await readFile(path.join(outdir, name))).length;
  const core = await size('embed.js');
  for (const lang of ['en', 'fr']) {
    const strings = await size(`embed-${lang}.js`);
    const total = core + strings;
    t.diagnostic(`${lang} page: embed.js ${core} B + embed-${lang}.js ${strings} B = ${total} B gzip (${(total / 1024).toFixed(2)} KB of ${BUDGET / 1024} KB)`);
    assert.ok(total <= BUDGET, `a ${lang} page loads ${total} B gzip, over the ${BUDGET} B budget`);
  }
});
