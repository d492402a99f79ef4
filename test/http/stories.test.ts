import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../fixtures/server.js';

interface Story {
  id: string;
  siteId: string;
  url: string;
  title: string;
  lang: string;
  commentCount: number;
  closed: boolean;
  createdAt: string;
}

const PUBLISHER = 'https://news.example';
const STRANGER = 'https://stranger.example';

let app: FastifyInstance;
let close: () => Promise<void>;

before(async () => {
  ({ app, close } = await buildTestApp({ demoAllowedOrigins: [PUBLISHER] }));
});
after(async () => close());

function lookup(params: Record<string, string>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: `/api/v1/stories/lookup?${new URLSearchParams(params).toString()}`, headers });
}

function errorCode(res: LightMyRequestResponse): string {
  return res.json<{ error: { code: string } }>().error.code;
}

describe('story lookup', () => {
  test('the first lookup of a page on an allowed origin creates its story with the given title and language', async () => {
    const res = await lookup({ url: `${PUBLISHER}/politique/fentanyl?utm_source=newsletter#comments`, title: '  Fentanyl :\n Washington   insiste ', lang: 'fr-FR' });
    assert.equal(res.statusCode, 200, res.body);
    const { story } = res.json<{ story: Story }>();
    assert.deepEqual(Object.keys(story).sort(), ['closed', 'closesAt', 'commentCount', 'createdAt', 'guests', 'id', 'lang', 'message', 'siteId', 'title', 'url']);
    assert.equal(story.url, `${PUBLISHER}/politique/fentanyl`);
    assert.equal(story.title, 'Fentanyl : Washington insiste');
    assert.equal(story.lang, 'fr');
    assert.equal(story.commentCount, 0);
    assert.equal(story.closed, false);
    assert.ok(story.siteId);
    assert.ok(!Number.isNaN(Date.parse(story.createdAt)));
  });

  test('a second lookup with other tracking parameters, a fragment, a new title and language finds the same story unchanged', async () => {
    const first = (await lookup({ url: `${PUBLISHER}/sport/finale?id=7`, title: 'La finale', lang: 'fr' })).json<{ story: Story }>().story;
    const again = await lookup({ url: `${PUBLISHER}/sport/finale?fbclid=abc&id=7&utm_medium=social#top`, title: 'Another title', lang: 'en' });
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json<{ story: Story }>().story, first);
  });

  test('a page parameter that is not a tracker makes a different story', async () => {
    const a = (await lookup({ url: `${PUBLISHER}/article?id=1` })).json<{ story: Story }>().story;
    const b = (await lookup({ url: `${PUBLISHER}/article?id=2` })).json<{ story: Story }>().story;
    assert.notEqual(a.id, b.id);
  });

  test('without a title the URL stands in; without a language the site’s language is used', async () => {
    const { story } = (await lookup({ url: `${PUBLISHER}/sans-titre` })).json<{ story: Story }>();
    assert.equal(story.title, `${PUBLISHER}/sans-titre`);
    assert.equal(story.lang, 'fr', 'the demo site is French');
  });

  test('the story can then be fetched by id', async () => {
    const { story } = (await lookup({ url: `${PUBLISHER}/par-id`, title: 'Par id' })).json<{ story: Story }>();
    const res = await app.inject({ method: 'GET', url: `/api/v1/stories/${story.id}` });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json<{ story: Story }>().story, story);
    const missing = await app.inject({ method: 'GET', url: '/api/v1/stories/no-such-story' });
    assert.equal(missing.statusCode, 404);
    assert.equal(errorCode(missing), 'STORY_NOT_FOUND');
  });

  test('a page of an origin no site allows is 403 ORIGIN_NOT_ALLOWED, and no story is made for it', async () => {
    for (const url of [`${STRANGER}/a`, 'http://news.example/a', 'https://news.example:8443/a', 'https://sub.news.example/a']) {
      const res = await lookup({ url, title: 'x' });
      assert.equal(res.statusCode, 403, url);
      assert.equal(errorCode(res), 'ORIGIN_NOT_ALLOWED', url);
    }
  });

  test('an invalid or non-web URL is 400 INVALID_URL', async () => {
    for (const url of ['not a url', 'javascript:alert(1)', 'ftp://news.example/a', 'data:text/html,hi', '/relative/path']) {
      const res = await lookup({ url });
      assert.equal(res.statusCode, 400, url);
      assert.equal(errorCode(res), 'INVALID_URL', url);
    }
  });

  test('a lookup without url is 400 VALIDATION_FAILED', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/stories/lookup' });
    assert.equal(res.statusCode, 400);
    assert.equal(errorCode(res), 'VALIDATION_FAILED');
  });

  test('errors follow Accept-Language', async () => {
    const res = await lookup({ url: `${STRANGER}/a` }, { 'accept-language': 'fr' });
    assert.equal(res.json<{ error: { message: string } }>().error.message, 'Les commentaires ne sont pas activés pour ce site.');
  });
});

describe('CORS for the embed on publishers’ pages', () => {
  const preflight = (origin: string, method = 'GET', headers = 'authorization') =>
    app.inject({
      method: 'OPTIONS',
      url: '/api/v1/stories/lookup',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
    });

  test('a preflight from an allowed origin is answered with that origin and the methods and headers the embed uses', async () => {
    const res = await preflight(PUBLISHER, 'POST', 'authorization,content-type');
    assert.ok(res.statusCode >= 200 && res.statusCode < 300, String(res.statusCode));
    assert.equal(res.headers['access-control-allow-origin'], PUBLISHER);
    const methods = String(res.headers['access-control-allow-methods'] ?? '');
    for (const m of ['GET', 'POST', 'PATCH', 'DELETE']) assert.match(methods, new RegExp(m));
    const headers = String(res.headers['access-control-allow-headers'] ?? '').toLowerCase();
    assert.match(headers, /authorization/);
    assert.match(headers, /content-type/);
  });

  test('credentials are never allowed cross-origin (the embed uses bearer tokens, not cookies)', async () => {
    const res = await preflight(PUBLISHER);
    assert.notEqual(res.headers['access-control-allow-credentials'], 'true');
    const get = await lookup({ url: `${PUBLISHER}/cors` }, { origin: PUBLISHER });
    assert.equal(get.headers['access-control-allow-origin'], PUBLISHER);
    assert.notEqual(get.headers['access-control-allow-credentials'], 'true');
  });

  test('a preflight or request from a stranger gets no access-control-allow-origin', async () => {
    const res = await preflight(STRANGER);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    const get = await lookup({ url: `${PUBLISHER}/cors` }, { origin: STRANGER });
    assert.equal(get.headers['access-control-allow-origin'], undefined);
  });

  test('a look-alike of an allowed origin gets nothing either', async () => {
    for (const origin of ['https://news.example.evil.example', 'http://news.example', 'https://news.example:444', 'null']) {
      const res = await preflight(origin);
      assert.equal(res.headers['access-control-allow-origin'], undefined, origin);
    }
  });
});
