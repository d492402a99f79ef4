import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, publishEverything } from '../fixtures/publisher.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let own: string;
let cookie: string;
let bearer: Record<string, string>;

const form = (url: string, fields: Record<string, string>, cookieHeader = cookie) =>
  app.inject({ method: 'POST', url, headers: { cookie: cookieHeader, 'content-type': 'application/x-www-form-urlencoded', origin: own }, payload: new URLSearchParams(fields).toString() });
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  publishEverything(deps);
  own = new URL(deps.config.publicUrl).origin;
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', headers: { origin: own }, payload: { email: 'pat@example.com', password: 'correct horse battery', displayName: 'Pat' } });
  assert.equal(res.statusCode, 201, res.body);
  cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
  bearer = { authorization: `Bearer ${res.json<{ token: string }>().token}` };
  const story = (await app.inject({ method: 'GET', url: '/api/v1/stories/lookup?url=' + encodeURIComponent(`${own}/articles/some`) + '&title=Une%20histoire' })).json<{ story: { id: string } }>().story;
  await app.inject({ method: 'POST', url: `/api/v1/stories/${story.id}/comments`, headers: bearer, payload: { body: 'My **first** comment' } });
});
after(async () => close());

describe('/profile', () => {
  test('signed out: a sign-in link to the first-party window for our own origin', async () => {
    const res = await app.inject({ method: 'GET', url: '/profile', headers: { 'accept-language': 'fr' } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(`href="/auth/popup\\?origin=${encodeURIComponent(own).replace(/[.]/g, '\\.')}&amp;lang=fr"`));
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
  });

  test('signed in: their comments, name and notification forms, no inline script', async () => {
    const res = await app.inject({ method: 'GET', url: '/profile', headers: { cookie } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /value="Pat"/);
    assert.match(res.body, /My <strong>first<\/strong> comment/);
    assert.match(res.body, /Une histoire/);
    assert.match(res.body, /value="immediate" checked/);
    assert.doesNotMatch(res.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    assert.equal(res.headers['cache-control'], 'private, no-store');
    // The readers'-rights section of the data-portability feature, its forms returning here.
    assert.match(res.body, /data-testid="privacy-section"/);
    assert.match(res.body, /name="returnTo" value="\/profile"/);
  });

  test('display name change: needs the CSRF token, then is limited to 3 a day', async () => {
    const csrf = csrfOf((await app.inject({ method: 'GET', url: '/profile', headers: { cookie } })).body);
    const noToken = await form('/profile/name', { displayName: 'Hacked' });
    assert.equal(noToken.statusCode, 403);
    assert.equal(codeOf(noToken), 'CSRF_FAILED');
    for (const name of ['Pat B', 'Pat C']) {
      const res = await form('/profile/name', { csrf, displayName: name });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, '/profile?saved=1');
    }
    const api = await app.inject({ method: 'PATCH', url: '/api/v1/me', headers: bearer, payload: { displayName: 'Pat D' } });
    assert.equal(api.json<{ user: { displayName: string } }>().user.displayName, 'Pat D');
    const fourth = await form('/profile/name', { csrf, displayName: 'Pat E' });
    assert.equal(fourth.statusCode, 429);
    assert.ok(Number(fourth.headers['retry-after']) > 0);
    assert.match(fourth.body, /role="alert"/);
    assert.equal((await app.inject({ method: 'PATCH', url: '/api/v1/me', headers: bearer, payload: { displayName: 'Pat F' } })).statusCode, 429);
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
    assert.equal(me.json<{ user: { displayName: string } }>().user.displayName, 'Pat D');
  });

  test('notification settings saved from the form', async () => {
    const csrf = csrfOf((await app.inject({ method: 'GET', url: '/profile', headers: { cookie } })).body);
    const res = await form('/profile/notifications', { csrf, mode: 'digest', lang: 'fr' });
    assert.equal(res.statusCode, 303, res.body);
    const settings = await app.inject({ method: 'GET', url: '/api/v1/me/notification-settings', headers: bearer });
    assert.deepEqual(settings.json(), { mode: 'digest', lang: 'fr', hasEmail: true });
    const pageFr = await app.inject({ method: 'GET', url: '/profile?saved=1', headers: { cookie } });
    assert.match(pageFr.body, /Votre profil/, 'the page follows the chosen language');
    assert.match(pageFr.body, /value="digest" checked/);
  });
});
