import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** gzip budget of the whole moderation console (issue 13, point 8): admin.js and any lazily loaded admin chunk. */
const BUDGET = 60 * 1024;

type BuildWeb = (opts: { outdir: string }) => Promise<Record<string, { raw: number; gzip: number }>>;

test(`the console (admin.js and every admin chunk) is at most ${BUDGET} B gzip on the wire`, async (t) => {
  // Imported by URL: the build script is plain .mjs, outside what tsc type-checks.
  const { buildWeb } = (await import(new URL('../../scripts/build-web.mjs', import.meta.url).href)) as { buildWeb: BuildWeb };
  const outdir = await mkdtemp(path.join(tmpdir(), 'agora-admin-'));
  t.after(() => rm(outdir, { recursive: true, force: true }));
  await buildWeb({ outdir });

  // Every console file the browser may fetch: admin.js, and chunks named admin-… should the views become lazy.
  const files = (await readdir(outdir)).filter((f) => /^admin(-[\w.-]+)?\.js$/.test(f));
  assert.ok(files.includes('admin.js'), `no admin.js among ${files.join(', ')}`);
  let total = 0;
  for (const f of files) {
    // The server sends each bundle's .gz as it is (embed-size.test.ts checks that path): those bytes count.
    const gz = await stat(path.join(outdir, `${f}.gz`)).catch(() => null);
    assert.ok(gz, `${f} has no ${f}.gz: it would be sent uncompressed and escape the budget`);
    total += gz.size;
  }
  t.diagnostic(`console: ${files.join(' + ')} = ${total} B gzip as sent (${(total / 1024).toFixed(2)} KB of ${BUDGET / 1024} KB)`);
  assert.ok(total <= BUDGET, `the console loads ${total} B gzip, over the ${BUDGET} B budget`);
});
