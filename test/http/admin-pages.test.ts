import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { until } from '../fixtures/wait.js';
import { buildTestApp } from '../fixtures/server.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let own: string;
let adminCookie: string;
let readerCookie: string;

async function cookieFor(email: string, role?: 'admin') {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', headers: { origin: own }, payload: { email, password: 'correct horse battery', displayName: email.split('@')[0] } });
  assert.equal(res.statusCode, 201, res.body);
  if (role) await deps.db.updateTable('users').set({ role }).where('email', '=', email).execute();
  return String(res.headers['set-cookie']).split(';')[0] ?? '';
}
const get = (url: string, cookie = adminCookie) => app.inject({ method: 'GET', url, headers: { cookie } });
const csrfOf = (body: string) => /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
const postForm = (url: string, fields: [string, string][], cookie = adminCookie) =>
  app.inject({ method: 'POST', url, headers: { cookie, origin: own, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

before(async () => {
  ({ app, deps, close } = await buildTestApp({ runJobs: false }));
  own = new URL(deps.config.publicUrl).origin;
  adminCookie = await cookieFor('boss@example.com', 'admin');
  readerCookie = await cookieFor('reader@example.com');
});
after(async () => close());

describe('/admin/sites and /admin/webhooks', () => {
  test('only administrators on a cookie session see them', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/admin/sites' })).statusCode, 401);
    assert.equal((await get('/admin/sites', readerCookie)).statusCode, 403);
    assert.equal((await get('/admin/webhooks', readerCookie)).statusCode, 403);
  });

  test('lists sites with their secret, creates and changes one through plain forms with the CSRF token', async () => {
    const page = await get('/admin/sites');
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.doesNotMatch(page.body, /<script/, 'no script at all');
    assert.match(page.body, /href="\/admin"/, 'links to the moderation console');
    assert.match(page.body, /href="\/admin\/webhooks\?site=demo"/);
    const csrf = csrfOf(page.body);
    assert.equal((await postForm('/admin/sites', [['id', 'nope'], ['name', 'x']])).statusCode, 403, 'no CSRF token');

    const created = await postForm('/admin/sites', [['csrf', csrf], ['id', 'courrier'], ['name', 'Le Courrier'], ['origins', 'https://courrier.example\nhttps://www.courrier.example'], ['lang', 'fr'], ['localAccounts', 'on']]);
    assert.equal(created.statusCode, 201, created.body);
    assert.match(created.body, /Site courrier created/);
    const site = await deps.publisher.siteStore.get('courrier');
    assert.deepEqual(site?.origins, ['https://courrier.example', 'https://www.courrier.example']);
    const secret = await deps.publisher.siteStore.ssoSecret('courrier');
    assert.ok(created.body.includes(secret), 'the SSO secret is shown to admins');

    const updated = await postForm('/admin/sites/courrier', [['csrf', csrf], ['name', 'Le Courrier'], ['origins', 'https://courrier.example'], ['lang', 'fr'], ['guests', 'on'], ['guestsHold', 'on']]);
    assert.equal(updated.statusCode, 200, updated.body);
    const after = await deps.publisher.siteStore.get('courrier');
    assert.equal(after?.settings.localAccounts, false, 'an unticked box turns it off');
    assert.equal(after?.settings.guests.enabled, true);
    const dup = await postForm('/admin/sites', [['csrf', csrf], ['id', 'courrier'], ['name', 'again']]);
    assert.equal(dup.statusCode, 400);
    assert.match(dup.body, /already exists/);
  });

  test('webhooks page: add a webhook, see its deliveries, disable and delete it', async () => {
    const page = await get('/admin/webhooks?site=courrier');
    const csrf = csrfOf(page.body);
    const refused = await postForm('/admin/webhooks/courrier', [['csrf', csrf], ['url', 'http://127.0.0.1:9/hook']]);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /cannot target a private, loopback, link-local or other internal address\. \(127\.0\.0\.1 is an internal address\)/);
    const added = await postForm('/admin/webhooks/courrier', [['csrf', csrf], ['url', 'https://hooks.courrier.example/agora'], ['events', 'story.created'], ['events', 'comment.created']]);
    assert.equal(added.statusCode, 201, added.body);
    const hooks = await deps.publisher.webhooks.list('courrier');
    assert.equal(hooks.length, 1);
    assert.deepEqual(hooks[0]?.events, ['story.created', 'comment.created']);
    await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://courrier.example/une')}` });
    // The delivery is logged by the event dispatcher once the story's creation committed.
    const log = await until(async () => {
      const page = await get('/admin/webhooks?site=courrier');
      return /<td>story\.created<\/td><td class="">pending<\/td>/.test(page.body) ? page : undefined;
    });
    assert.match(log.body, /<td>story\.created<\/td>/);
    const id = hooks[0]?.id ?? '';
    await postForm(`/admin/webhooks/courrier/${id}/toggle`, [['csrf', csrf]]);
    assert.equal((await deps.publisher.webhooks.get('courrier', id))?.active, false);
    await postForm(`/admin/webhooks/courrier/${id}/delete`, [['csrf', csrf]]);
    assert.equal((await deps.publisher.webhooks.list('courrier')).length, 0);
  });
});
