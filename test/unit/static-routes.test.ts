import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { staticRoutes } from '../../src/server/http/static-routes.js';

const CODE = Buffer.from(`(()=>{window.Agora={v:${'"x".repeat(3),'.repeat(200)}0}})();\n`);

/** A server on a web dir holding embed.js and, when given, an embed.js.gz. */
async function serve(t: { after(fn: () => unknown): void }, gz?: Buffer) {
  const dir = await mkdtemp(path.join(tmpdir(), 'agora-static-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'embed.js'), CODE);
  if (gz) await writeFile(path.join(dir, 'embed.js.gz'), gz);
  const app = Fastify({ logger: false });
  await app.register(staticRoutes, { webDir: dir });
  t.after(() => app.close());
  return app;
}

test('the build’s .gz is sent as it is, with the same headers and etag as the plain file', async (t) => {
  // Any valid gzip of the file will do: a distinctive one (level 1) shows which bytes went out.
  const gz = gzipSync(CODE, { level: 1 });
  const app = await serve(t, gz);
  const zipped = await app.inject({ method: 'GET', url: '/embed.js', headers: { 'accept-encoding': 'gzip' } });
  assert.equal(zipped.statusCode, 200);
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.ok(zipped.rawPayload.equals(gz));
  const plain = await app.inject({ method: 'GET', url: '/embed.js' });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.rawPayload.equals(CODE));
  for (const res of [zipped, plain]) {
    assert.match(String(res.headers['content-type']), /^text\/javascript/);
    assert.equal(res.headers['vary'], 'accept-encoding');
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
  }
  assert.equal(zipped.headers['etag'], plain.headers['etag']);
  const again = await app.inject({ method: 'GET', url: '/embed.js', headers: { 'accept-encoding': 'gzip', 'if-none-match': String(zipped.headers['etag']) } });
  assert.equal(again.statusCode, 304);
});

for (const [why, gz] of [
  ['no .gz (a dist built before them)', undefined],
  ['a .gz of an older build', gzipSync(Buffer.from('(()=>{window.Agora={}})();\n'))],
  ['a cut-off .gz', gzipSync(CODE).subarray(0, 40)],
  ['a .gz that is not gzip', Buffer.from('not gzip')],
] as const) {
  test(`with ${why}, the server compresses the file itself`, async (t) => {
    const app = await serve(t, gz);
    const res = await app.inject({ method: 'GET', url: '/embed.js', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.ok(gunzipSync(res.rawPayload).equals(CODE));
    assert.ok(res.rawPayload.equals(gzipSync(CODE, { level: 9 })));
  });
}

test('/favicon.ico: a small icon, cached, so no Agora page logs a 404 for it (issue 19)', async (t) => {
  const app = await serve(t);
  const res = await app.inject({ method: 'GET', url: '/favicon.ico' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'image/x-icon');
  assert.equal(res.headers['cache-control'], 'public, max-age=86400');
  // An ICO header (reserved 0, type 1, one image) wrapping a 16×16 PNG.
  assert.deepEqual([...res.rawPayload.subarray(0, 6)], [0, 0, 1, 0, 1, 0]);
  assert.equal(res.rawPayload[6], 16);
  assert.equal(res.rawPayload.subarray(22, 26).toString('latin1'), '\x89PNG');
  assert.ok(res.rawPayload.length < 1024);
});
