import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../fixtures/server.js';

let app: FastifyInstance;
let close: () => Promise<void>;

before(async () => {
  ({ app, close } = await buildTestApp({ runJobs: false }));
});
after(async () => close());

// The old admins' pages became views of the console (issue 13): their addresses redirect there, for anyone (the
// console checks who is signed in), and nothing posted to them is acted on.
describe('/admin/sites and /admin/webhooks redirect to the console', () => {
  test('bookmarks lead to the matching view', async () => {
    for (const [url, to] of [
      ['/admin/sites', '/admin#/sites'],
      ['/admin/webhooks', '/admin#/webhooks'],
      ['/admin/webhooks?site=news-a', '/admin#/webhooks/news-a'],
      ['/admin/webhooks?site=..%2Fevil', '/admin#/webhooks'],
    ] as const) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 302, url);
      assert.equal(res.headers.location, to, url);
    }
  });

  test('an old form posted there is redirected (303), not acted on', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const res = await app.inject({ method: 'POST', url: '/admin/sites', headers: form, payload: 'id=ghost&name=Ghost&origins=https%3A%2F%2Fghost.example' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/admin#/sites');
    const hook = await app.inject({ method: 'POST', url: '/admin/webhooks/news-a', headers: form, payload: 'url=https%3A%2F%2Fx.example' });
    assert.equal(hook.statusCode, 303);
    assert.equal(hook.headers.location, '/admin#/webhooks/news-a');
  });
});
