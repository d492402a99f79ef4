import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { staticRoutes } from '../../src/server/http/static-routes.js';

/** gzip budget of everything an embedding page downloads from us, counted as sent (docs/adr/0003). */
const BUDGET = 15 * 1024;

type BuildWeb = (opts: { outdir: string }) => Promise<Record<string, { raw: number; gzip: number }>>;

test(`what the embed loads (embed.js and one language's embed-<lang>.js) is at most ${BUDGET} B gzip on the wire`, async (t) => {
  // Imported by URL: the build script is plain .mjs, outside what tsc type-checks.
  const { buildWeb } = (await import(new URL('../../scripts/build-web.mjs', import.meta.url).href)) as {
    buildWeb: BuildWeb;
  };
  const outdir = await mkdtemp(path.join(tmpdir(), 'agora-web-'));
  t.after(() => rm(outdir, { recursive: true, force: true }));

  const built = await buildWeb({ outdir });

  // A stray chunk or stylesheet would be another request that the budget below would not count.
  const served = ['admin.js', 'count.js', 'embed-en.js', 'embed-fr.js', 'embed.js', 'popup.js'];
  assert.deepEqual((await readdir(outdir)).sort(), served.flatMap((name) => [name, `${name}.gz`]).sort());

  // The server sends each bundle's .gz as it is: the budget counts those bytes, read back through the server.
  const app = Fastify({ logger: false });
  await app.register(staticRoutes, { webDir: outdir });
  t.after(() => app.close());
  const wire: Record<string, number> = {};
  for (const name of served) {
    const raw = await readFile(path.join(outdir, name));
    const gz = await readFile(path.join(outdir, `${name}.gz`));
    assert.deepEqual(built[name], { raw: raw.length, gzip: gz.length }, `buildWeb reports ${name}'s sizes`);
    const res = await app.inject({ method: 'GET', url: `/${name}`, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(Number(res.headers['content-length']), gz.length, `${name} is sent as ${name}.gz`);
    assert.ok(res.rawPayload.equals(gz), `${name} is sent as ${name}.gz`);
    assert.ok(gunzipSync(res.rawPayload).equals(raw), `${name} inflates to the bundle itself`);
    const plain = await app.inject({ method: 'GET', url: `/${name}` });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.rawPayload.equals(raw), `${name} without accept-encoding is the bundle itself`);
    wire[name] = res.rawPayload.length;
  }

  const core = wire['embed.js']!;
  for (const lang of ['en', 'fr']) {
    const strings = wire[`embed-${lang}.js`]!;
    const total = core + strings;
    t.diagnostic(`${lang} page: embed.js ${core} B + embed-${lang}.js ${strings} B = ${total} B gzip as sent (${(total / 1024).toFixed(2)} KB of ${BUDGET / 1024} KB)`);
    assert.ok(total <= BUDGET, `a ${lang} page loads ${total} B gzip, over the ${BUDGET} B budget`);
  }
});
