/**
 * Issue 11, finding 10: the importer merged the http and https, tracking-parameter variants of an article into one
 * story, but `GET /stories/lookup` of the http variant with utm_* parameters returned a different story. Lookups,
 * counts and the importer now match URLs with one canonicaliser (stories/url.ts); this file runs the shared table of
 * cases (test/fixtures/story-urls.ts) through lookups and counts; test/unit/story-url.test.ts runs it through the
 * canonicaliser and the importer's folding.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { newId, nowIso } from '../../src/server/storage/ids.js';
import { normaliseStoryUrl } from '../../src/server/stories/url.js';
import { buildTestApp } from '../fixtures/server.js';
import { makeSite } from '../fixtures/publisher.js';
import { DIFFERENT_PAGES, SAME_PAGE, URL_SITE_ORIGINS } from '../fixtures/story-urls.js';
import { nextAddress } from './helpers.js';

interface Story {
  id: string;
  url: string;
  title: string;
}

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;

before(async () => {
  // The page check is off here (test fixtures): these pages do not exist; matching is what is tested.
  ({ app, deps, close } = await buildTestApp());
  await makeSite(deps, 'urls', URL_SITE_ORIGINS, { lang: 'fr' });
});
after(async () => close());

async function lookup(url: string): Promise<Story> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?${new URLSearchParams({ url }).toString()}`, remoteAddress: nextAddress() });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json<{ story: Story }>().story;
}
async function counts(urls: string[]): Promise<Record<string, number>> {
  const q = new URLSearchParams();
  for (const u of urls) q.append('url', u);
  const res = await app.inject({ method: 'GET', url: `/api/v1/counts?${q.toString()}` });
  assert.equal(res.statusCode, 200, res.body);
  return Object.fromEntries(Object.entries(res.json<{ counts: Record<string, { count: number }> }>().counts).map(([u, c]) => [u, c.count]));
}
/** A story stored as the importer or an older Agora stored it, with a comment count to recognise it by. */
async function stored(raw: string, commentCount: number): Promise<string> {
  const id = newId();
  const url = normaliseStoryUrl(raw);
  await deps.stories.insertIfAbsent(deps.db, { id, siteId: 'urls', url, title: url, lang: 'fr', closed: false, commentCount: 0, createdAt: nowIso() });
  await deps.db.updateTable('stories').set({ comment_count: commentCount }).where('id', '=', id).execute();
  return id;
}

describe('lookups: every variant of a page is one story, whichever comes first', () => {
  for (const c of SAME_PAGE) {
    test(c.name, async () => {
      for (const order of [c.urls, [...c.urls].reverse()]) {
        // A fresh page per order: the path is prefixed, the variants stay what the case says.
        const prefix = order === c.urls ? '/fwd' : '/rev';
        const urls = order.map((u) => u.replace(/^(https?:\/\/[^/]+)/i, `$1${prefix}`));
        const first = await lookup(urls[0] as string);
        for (const u of urls) assert.equal((await lookup(u)).id, first.id, u);
        assert.ok(first.url.startsWith('https://'), `a new story takes https, which the site allows: ${first.url}`);
      }
    });
  }
  for (const c of DIFFERENT_PAGES) {
    test(`different pages: ${c.name}`, async () => {
      const [a, b] = c.urls;
      assert.notEqual((await lookup(a)).id, (await lookup(b)).id);
    });
  }
});

describe('the issue’s case: a story the importer made is found by the http, utm_* variant', () => {
  test('imported under https, looked up as http with tracking parameters and a fragment', async () => {
    const id = await stored('https://news.example/2026/import/fentanyl', 3);
    assert.equal((await lookup('http://news.example/2026/import/fentanyl?utm_source=newsletter&utm_medium=email#comments')).id, id);
    assert.equal((await lookup('https://news.example/2026/import/fentanyl/')).id, id);
  });
});

describe('existing stories keep working', () => {
  test('stories stored under http, or with a trailing slash, are found by their stored URL and by every variant', async () => {
    const http = await stored('http://news.example/legacy/http-story', 1);
    const slash = await stored('https://news.example/legacy/slash/', 2);
    const odd = await stored('https://news.example/legacy/odd?', 4);
    for (const u of ['http://news.example/legacy/http-story', 'https://news.example/legacy/http-story', 'https://news.example/legacy/http-story/?fbclid=1']) assert.equal((await lookup(u)).id, http, u);
    for (const u of ['https://news.example/legacy/slash/', 'https://news.example/legacy/slash', 'http://news.example/legacy/slash?gclid=2']) assert.equal((await lookup(u)).id, slash, u);
    assert.equal((await lookup('https://news.example/legacy/odd?')).id, odd, 'an odd stored form is still found by itself');
  });

  test('when several variants were stored as separate stories before, every caller gets the same one', async () => {
    const exact = await stored('http://news.example/legacy/twice', 5);
    const secure = await stored('https://news.example/legacy/twice', 6);
    assert.equal((await lookup('http://news.example/legacy/twice')).id, exact, 'the exact form asked for');
    assert.equal((await lookup('https://news.example/legacy/twice/')).id, secure, 'else https');
    const c = await counts(['http://news.example/legacy/twice', 'https://news.example/legacy/twice/?utm_source=x']);
    assert.deepEqual(c, { 'http://news.example/legacy/twice': 5, 'https://news.example/legacy/twice/?utm_source=x': 6 }, 'counts choose as lookups do');
  });
});

describe('counts: every variant of a page counts its story’s comments', () => {
  test('the whole table in one request', async () => {
    const expected: Record<string, number> = {};
    for (const [i, c] of SAME_PAGE.entries()) {
      const urls = c.urls.map((u) => u.replace(/^(https?:\/\/[^/]+)/i, '$1/counted'));
      await stored(urls[0] as string, i + 1);
      for (const u of urls) expected[u] = i + 1;
    }
    assert.deepEqual(await counts(Object.keys(expected)), expected);
  });

  test('different pages do not share a count', async () => {
    for (const c of DIFFERENT_PAGES) {
      const [a, b] = c.urls.map((u) => u.replace(/^(https?:\/\/[^/]+)/i, '$1/distinct')) as [string, string];
      await stored(a, 7);
      const got = await counts([a, b]);
      assert.equal(got[a], 7, `${c.name}: ${a}`);
      assert.equal(got[b], 0, `${c.name}: ${b}`);
    }
  });
});
