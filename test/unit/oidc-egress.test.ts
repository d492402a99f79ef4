import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedFetch, ProviderUnreachable } from '../../src/server/oidc/egress.js';

let server: Server;
let port: number;
before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/big') return res.end('x'.repeat(300 * 1024));
    if (req.url === '/moved') return res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      return req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ body, type: req.headers['content-type'] })));
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

const local = () => `http://127.0.0.1:${port}`;
const opts = { body: undefined, headers: {}, method: 'GET', redirect: 'manual' as const };

describe('calls to identity providers', () => {
  test('an internal address is refused unless its origin is listed; a name resolving inward is refused at connect time', async () => {
    await assert.rejects(guardedFetch({ internalOrigins: [], timeoutMs: 2000 })(`${local()}/`, opts), { name: 'RefusedTargetError' });
    const ok = await guardedFetch({ internalOrigins: [local()], timeoutMs: 2000 })(`${local()}/`, opts);
    assert.deepEqual(await ok.json(), { ok: true });
    const rebinding = guardedFetch({ internalOrigins: [], timeoutMs: 2000, resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    await assert.rejects(rebinding(`http://idp.example:${port}/`, opts), { name: 'RefusedTargetError' });
  });

  test('forms are posted as given; redirects are returned, not followed; big answers are cut', async () => {
    const f = guardedFetch({ internalOrigins: [local()], timeoutMs: 2000 });
    const posted = await f(`${local()}/token`, { ...opts, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ code: 'c', grant_type: 'authorization_code' }) });
    assert.deepEqual(await posted.json(), { body: 'code=c&grant_type=authorization_code', type: 'application/x-www-form-urlencoded' });
    const moved = await f(`${local()}/moved`, opts);
    assert.equal(moved.status, 302);
    await assert.rejects(f(`${local()}/big`, opts), (e: unknown) => e instanceof ProviderUnreachable && /bytes/.test(e.message));
  });
});
