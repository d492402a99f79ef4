import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../src/server/errors.js';
import { normaliseStoryUrl, pickStoryUrl, storyUrlKey, storyUrlVariants, withSiteScheme } from '../../src/server/stories/url.js';
import { foldUrl } from '../../src/server/portability/import/stories.js';
import { DIFFERENT_PAGES, SAME_PAGE, URL_SITE_ORIGINS } from '../fixtures/story-urls.js';

const isInvalidUrl = (err: unknown) => err instanceof AppError && err.code === 'INVALID_URL' && err.status === 400;

describe('normaliseStoryUrl: one page, one story', () => {
  test('tracking parameters are dropped, so shared links land on the same story', () => {
    assert.equal(
      normaliseStoryUrl('https://news.example/a?utm_source=tw&utm_medium=social&UTM_Campaign=x&fbclid=1&gclid=2&dclid=3&msclkid=4&mc_cid=5&mc_eid=6&_ga=7&igshid=8&ref_src=9'),
      'https://news.example/a',
    );
  });

  test('parameters that choose the page are kept, in their order', () => {
    assert.equal(normaliseStoryUrl('https://news.example/article?id=42&utm_source=nl&page=2'), 'https://news.example/article?id=42&page=2');
  });

  test('a parameter merely resembling a tracker is kept', () => {
    assert.equal(normaliseStoryUrl('https://news.example/a?utm=1&source=2'), 'https://news.example/a?utm=1&source=2');
  });

  test('the #fragment is dropped', () => {
    assert.equal(normaliseStoryUrl('https://news.example/a#comments'), 'https://news.example/a');
    assert.equal(normaliseStoryUrl('https://news.example/a?id=1#top'), 'https://news.example/a?id=1');
  });

  test('credentials and the default port are dropped; the host is case-folded', () => {
    assert.equal(normaliseStoryUrl('https://user:pw@NEWS.Example:443/a'), 'https://news.example/a');
    assert.equal(normaliseStoryUrl('http://news.example:80/a'), 'http://news.example/a');
    assert.equal(normaliseStoryUrl('http://news.example:8080/a'), 'http://news.example:8080/a');
  });

  test('the path keeps its case (servers may treat /A and /a as different pages)', () => {
    assert.equal(normaliseStoryUrl('https://news.example/Politics/Story'), 'https://news.example/Politics/Story');
  });

  const rejected = ['ftp://news.example/a', 'javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'mailto:a@news.example', 'news.example/a', '/articles/a', '', 'not a url', `https://news.example/${'a'.repeat(2100)}`];
  for (const url of rejected) {
    test(`${JSON.stringify(url.length > 60 ? `${url.slice(0, 40)}…` : url)} is rejected with INVALID_URL`, () => {
      assert.throws(() => normaliseStoryUrl(url), isInvalidUrl);
    });
  }
});

// Issue 11, finding 10: the importer merged http/https and tracking variants of an article into one story, but a
// lookup of the http variant with utm_* found another. One key now decides, for lookups, counts and imports.
describe('one page, one key: the shared table of URL cases', () => {
  for (const c of SAME_PAGE) {
    test(`same page: ${c.name}`, () => {
      const keys = new Set(c.urls.map(storyUrlKey));
      assert.equal(keys.size, 1, [...keys].join(' ≠ '));
      // The importer folds with the very same key.
      assert.deepEqual(new Set(c.urls.map((u) => foldUrl(u)?.key)), keys);
      // Whatever form a story of this page was stored under, every URL of the case reaches it.
      for (const stored of c.urls.map(normaliseStoryUrl)) for (const url of c.urls) assert.ok(storyUrlVariants(url).includes(stored), `${url} misses ${stored}`);
    });
  }
  for (const c of DIFFERENT_PAGES) {
    test(`different pages: ${c.name}`, () => {
      const [a, b] = c.urls;
      assert.notEqual(storyUrlKey(a), storyUrlKey(b));
      assert.notEqual(foldUrl(a)?.key, foldUrl(b)?.key);
      assert.ok(!storyUrlVariants(a).includes(normaliseStoryUrl(b)));
    });
  }

  test('the normalised form, which stories are stored under, is unchanged (stories made before keep being found)', () => {
    for (const [raw, stored] of [
      ['https://news.example/a/?utm_source=x#c', 'https://news.example/a/'],
      ['http://news.example/a', 'http://news.example/a'],
      ['https://news.example/a?', 'https://news.example/a?'],
    ] as const) {
      assert.equal(normaliseStoryUrl(raw), stored);
      assert.ok(storyUrlVariants(stored).includes(stored), 'its exact stored form is always a candidate');
    }
  });

  test('among several stored variants the exact one wins, else https, else the shortest: every caller picks the same', () => {
    const stored = ['http://news.example/a/', 'https://news.example/a/', 'https://news.example/a'];
    assert.equal(pickStoryUrl(stored, 'http://news.example/a/'), 'http://news.example/a/');
    assert.equal(pickStoryUrl(stored, 'http://news.example/a'), 'https://news.example/a');
    assert.equal(pickStoryUrl(['http://news.example/a'], 'https://news.example/a'), 'http://news.example/a');
    assert.equal(pickStoryUrl([], 'https://news.example/a'), undefined);
  });

  test('a new story takes the scheme the site allows for its host, https when it allows both', () => {
    assert.equal(withSiteScheme('http://news.example/a?x=1', URL_SITE_ORIGINS), 'https://news.example/a?x=1');
    assert.equal(withSiteScheme('https://news.example/a', ['http://news.example']), 'http://news.example/a');
    assert.equal(withSiteScheme('http://news.example:8080/a', URL_SITE_ORIGINS), 'http://news.example:8080/a');
  });
});
