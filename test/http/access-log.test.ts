// Request logging at the default level: one line per request (Fastify's own logging wrote two), with what an
// access log needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { buildApp } from '../../src/server/app.js';
import { freshPgDatabase, TEST_PG, testConfig } from '../fixtures/server.js';

test('each request is logged once at info, with method, URL, address, status and time', async () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const config = testConfig({ logLevel: 'info' });
  const pg = TEST_PG ? await freshPgDatabase(TEST_PG) : null;
  const { app } = await buildApp(pg ? { ...config, databaseUrl: pg.url } : config, { logger: { level: 'info', stream } });
  try {
    lines.length = 0;
    const ok = await app.inject({ url: '/healthz', remoteAddress: '192.0.2.7' });
    const missing = await app.inject({ url: '/api/v1/stories/nope/comments' });
    assert.equal(ok.statusCode, 200);
    assert.equal(missing.statusCode, 404);
    const requests = lines.filter((l) => l.reqId !== undefined);
    assert.equal(requests.length, 2, JSON.stringify(requests));
    const [first, second] = requests as [Record<string, unknown>, Record<string, unknown>];
    assert.equal(first.msg, 'request completed');
    assert.equal(first.level, 30);
    assert.equal(first.method, 'GET');
    assert.equal(first.url, '/healthz');
    assert.equal(first.remoteAddress, '192.0.2.7');
    assert.equal(first.statusCode, 200);
    assert.equal(typeof first.responseTime, 'number');
    assert.equal(second.statusCode, 404);
    assert.notEqual(first.reqId, second.reqId);
  } finally {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
    await pg?.drop();
  }
});
