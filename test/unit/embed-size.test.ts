import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { staticRoutes } from '../../src/server/http/static-routes.js';

type Sizes = Record<string, { raw: number; gzip: number }>;
type Lang = 'en' | 'fr';
interface Manifest {
  facade: string;
  read: string[];
  boot: string;
  strings: Record<Lang, string[]>;
  more: Record<Lang, string[]>;
  chunks: Record<string, string[]>;
}
type BuildWeb = (opts: { outdir: string }) => Promise<{ sizes: Sizes; manifest: Manifest }>;

// Imported by URL: the build script is plain .mjs, outside what tsc type-checks.
const { buildWeb, BUDGET } = (await import(new URL('../../scripts/build-web.mjs', import.meta.url).href)) as {
  buildWeb: BuildWeb;
  BUDGET: { read: number; chunk: number; chunks: number };
};

/** The bytes a browser that accepts gzip receives for `url`, after checking they are the build's `.gz` as it is. */
async function wire(app: FastifyInstance, outdir: string, name: string): Promise<number> {
  const raw = await readFile(path.join(outdir, name));
  const gz = await readFile(path.join(outdir, `${name}.gz`));
  const res = await app.inject({ method: 'GET', url: `/${name}`, headers: { 'accept-encoding': 'gzip, deflate, br' } });
  assert.equal(res.statusCode, 200, name);
  assert.equal(res.headers['content-encoding'], 'gzip');
  assert.ok(res.rawPayload.equals(gz), `${name} is sent as ${name}.gz`);
  assert.ok(gunzipSync(res.rawPayload).equals(raw), `${name} inflates to the bundle itself`);
  const plain = await app.inject({ method: 'GET', url: `/${name}` });
  assert.ok(plain.rawPayload.equals(raw), `${name} without accept-encoding is the bundle itself`);
  return res.rawPayload.length;
}

test('the embed’s reading path, each interaction chunk and all of them keep to their budgets, in gzip bytes as sent (docs/adr/0020)', async (t) => {
  const outdir = await mkdtemp(path.join(tmpdir(), 'agora-web-'));
  t.after(() => rm(outdir, { recursive: true, force: true }));
  const { sizes, manifest } = await buildWeb({ outdir });

  // A stray file would be another request that the budgets below would not count.
  const classic = ['admin.js', 'count.js', 'embed.js', 'popup.js'];
  assert.deepEqual((await readdir(outdir)).sort(), [...classic.flatMap((n) => [n, `${n}.gz`]), 'embed'].sort());
  const modules = new Set([manifest.facade, ...manifest.read, ...Object.values(manifest.strings).flat(), ...Object.values(manifest.more).flat(), ...Object.values(manifest.chunks).flat()]);
  assert.deepEqual((await readdir(path.join(outdir, 'embed'))).sort(), [...[...modules].flatMap((n) => [n, `${n}.gz`]), 'manifest.json'].sort());

  // The server sends each file's .gz as it is: the budgets count those bytes, read back through the server.
  const app = Fastify({ logger: false });
  await app.register(staticRoutes, { webDir: outdir });
  t.after(() => app.close());
  const sent: Record<string, number> = {};
  for (const name of [...classic, ...[...modules].map((m) => `embed/${m}`)]) {
    sent[name] = await wire(app, outdir, name);
    assert.equal(sent[name], sizes[name]?.gzip, `buildWeb reports ${name}'s gzip size`);
  }
  const sum = (files: string[]) => files.reduce((n, f) => n + sent[`embed/${f}`]!, 0);

  // embed.js imports exactly the reading path and one language's strings; the chunks come later.
  const loader = await readFile(path.join(outdir, 'embed.js'), 'utf8');
  for (const f of [...manifest.read, ...manifest.strings.en, ...manifest.strings.fr]) assert.ok(loader.includes(f), `embed.js names ${f}`);
  for (const f of Object.values(manifest.chunks).flat()) assert.ok(!loader.includes(f), `embed.js does not name ${f}`);

  for (const lang of ['en', 'fr'] as const) {
    const read = sent['embed.js']! + sum(manifest.read) + sum(manifest.strings[lang]);
    t.diagnostic(`${lang} page, reading path: embed.js ${sent['embed.js']} B + ${manifest.read.join(', ')} ${sum(manifest.read)} B + strings ${sum(manifest.strings[lang])} B = ${read} B of ${BUDGET.read} B`);
    assert.ok(read <= BUDGET.read, `a ${lang} reader who only reads downloads ${read} B gzip, over the ${BUDGET.read} B budget`);
  }
  // The interaction strings come with the first chunk used: counted with every chunk, in the larger language.
  const more = Math.max(sum(manifest.more.en), sum(manifest.more.fr));
  assert.deepEqual(Object.keys(manifest.chunks).sort(), ['account', 'auth', 'bell', 'composer', 'guest', 'mod', 'permalink', 'report']);
  for (const [name, files] of Object.entries(manifest.chunks)) {
    const size = sum(files) + more;
    t.diagnostic(`chunk ${name}: ${files.join(', ')} + strings = ${size} B of ${BUDGET.chunk} B`);
    assert.ok(size <= BUDGET.chunk, `chunk ${name} is ${size} B gzip, over the ${BUDGET.chunk} B budget`);
  }
  const all = sum([...new Set(Object.values(manifest.chunks).flat())]) + more;
  t.diagnostic(`all chunks together: ${all} B of ${BUDGET.chunks} B`);
  assert.ok(all <= BUDGET.chunks, `the chunks together are ${all} B gzip, over the ${BUDGET.chunks} B budget`);
});

test('the widget’s modules are cached for good and readable from any origin; a name from no build is a 404', async (t) => {
  const outdir = await mkdtemp(path.join(tmpdir(), 'agora-web-'));
  t.after(() => rm(outdir, { recursive: true, force: true }));
  const { manifest } = await buildWeb({ outdir });
  const app = Fastify({ logger: false });
  await app.register(staticRoutes, { webDir: outdir });
  t.after(() => app.close());

  const mod = await app.inject({ method: 'GET', url: `/embed/${manifest.read[0]}` });
  assert.equal(mod.statusCode, 200);
  assert.equal(mod.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(mod.headers['access-control-allow-origin'], '*', 'import() from a publisher’s page is a CORS request');
  assert.match(String(mod.headers['content-type']), /^text\/javascript/);
  const loader = await app.inject({ method: 'GET', url: '/embed.js' });
  assert.equal(loader.headers['cache-control'], 'public, max-age=300', 'embed.js keeps its name, so it may change');

  for (const url of ['/embed/shared-AAAAAAAA.js', '/embed/manifest.json', '/embed/..%2Fembed.js', '/embed/read-ABCDEFGH.js.gz']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
  }
});
