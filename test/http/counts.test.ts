import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { newId, nowIso } from '../../src/server/storage/ids.js';
import { buildTestApp } from '../fixtures/server.js';
import { makeSite } from '../fixtures/publisher.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
const urls = Array.from({ length: 100 }, (_, i) => `https://counts.example/2026/article-${i}`);

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  await makeSite(deps, 'counts', ['https://counts.example'], { lang: 'fr' });
  await makeSite(deps, 'elsewhere', ['https://elsewhere.example']);
  for (const url of urls) await deps.stories.insertIfAbsent(deps.db, { id: newId(), siteId: 'counts', url, title: url, lang: 'fr', closed: false, commentCount: 0, createdAt: nowIso() });
  // Counts come from the stories' published-comment counters, kept by the comment use cases; set them directly so
  // this test does not depend on what moderation decides about test comments.
  await deps.db.updateTable('stories').set({ comment_count: 12 }).where('site_id', '=', 'counts').where('url', '=', urls[0]!).execute();
  await deps.db.updateTable('stories').set({ comment_count: 1 }).where('site_id', '=', 'counts').where('url', '=', urls[1]!).execute();
  // Another site's story with the same path must not count here.
  const other = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://elsewhere.example/2026/article-2')}` })).json<{ story: { id: string } }>().story;
  await deps.db.updateTable('stories').set({ comment_count: 5 }).where('id', '=', other.id).execute();
});
after(async () => close());

const counts = (params: URLSearchParams) => app.inject({ method: 'GET', url: `/api/v1/counts?${params.toString()}` });

describe('GET /api/v1/counts', () => {
  test('counts for 100 URLs in one request, localised, cacheable', async () => {
    const q = new URLSearchParams({ lang: 'fr' });
    for (const u of urls) q.append('url', u);
    const res = await counts(q);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['cache-control']), /public, max-age=60/);
    const body = res.json<{ counts: Record<string, { count: number; text: string }> }>().counts;
    assert.equal(Object.keys(body).length, 100);
    assert.deepEqual(body[urls[0]!], { count: 12, text: '12 commentaires' });
    assert.deepEqual(body[urls[1]!], { count: 1, text: '1 commentaire' });
    assert.deepEqual(body[urls[2]!], { count: 0, text: '0 commentaire' });
    assert.equal(Object.values(body).reduce((a, c) => a + c.count, 0), 13);
  });

  test('English text; URLs keyed as sent (tracking parameters ignored); unknown pages count 0', async () => {
    const q = new URLSearchParams({ lang: 'en' });
    q.append('url', `${urls[0]!}?utm_source=home#top`);
    q.append('url', urls[1]!);
    q.append('url', 'https://stranger.example/x');
    q.append('url', 'not a url');
    const body = (await counts(q)).json<{ counts: Record<string, { count: number; text: string }> }>().counts;
    assert.deepEqual(body[`${urls[0]!}?utm_source=home#top`], { count: 12, text: '12 comments' });
    assert.deepEqual(body[urls[1]!], { count: 1, text: '1 comment' });
    assert.equal(body['https://stranger.example/x']?.count, 0);
    assert.equal(body['not a url']?.count, 0);
  });

  test('a request needs at least one URL and at most 200', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/counts' })).statusCode, 400);
    const q = new URLSearchParams();
    for (let i = 0; i < 201; i++) q.append('url', `https://counts.example/${i}`);
    assert.equal((await counts(q)).statusCode, 400);
  });

  test('count.js is served like embed.js', async () => {
    const res = await app.inject({ method: 'GET', url: '/count.js', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/javascript/);
    assert.equal(res.headers['content-encoding'], 'gzip');
  });
});
