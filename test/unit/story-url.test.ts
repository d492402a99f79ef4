import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../src/server/errors.js';
import { normaliseStoryUrl } from '../../src/server/stories/url.js';

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
