import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { authorDisplay, httpUrlOrNull } from '../../src/server/sso/display.js';

describe('authorDisplay: a single sign-on profile as readers see it', () => {
  test('the role comes first, then the badges, without blanks or repeats', () => {
    assert.deepEqual(authorDisplay({ avatar: null, badges: JSON.stringify(['Abonné', ' Modérateur ', '', 'Abonné']), role: 'Modérateur' }), { badges: ['Modérateur', 'Abonné'] });
  });

  test('nothing to show gives no keys at all', () => {
    assert.deepEqual(authorDisplay({ avatar: null, badges: '[]', role: null }), {});
    assert.deepEqual(authorDisplay({ avatar: '', badges: '[]', role: '  ' }), {});
  });

  test('a malformed stored list costs the badges, not the comment', () => {
    assert.deepEqual(authorDisplay({ avatar: 'https://cdn.example/a.png', badges: '{not json', role: 'Rédaction' }), { avatarUrl: 'https://cdn.example/a.png', badges: ['Rédaction'] });
    assert.deepEqual(authorDisplay({ avatar: null, badges: '{"a":1}', role: null }), {});
    assert.deepEqual(authorDisplay({ avatar: null, badges: '[1, null, "Ok"]', role: null }), { badges: ['Ok'] });
  });

  test('at most the role and ten badges, each cut to 40 characters', () => {
    const many = Array.from({ length: 15 }, (_, i) => `b${i}`);
    const shown = authorDisplay({ avatar: null, badges: JSON.stringify(['x'.repeat(60), ...many]), role: 'r' }).badges ?? [];
    assert.equal(shown.length, 11);
    assert.equal(shown[0], 'r');
    assert.equal(shown[1], 'x'.repeat(40));
  });
});

describe('httpUrlOrNull', () => {
  test('keeps http(s) URLs and refuses every other scheme', () => {
    assert.equal(httpUrlOrNull('https://cdn.example/a.png?s=1&t=2'), 'https://cdn.example/a.png?s=1&t=2');
    assert.equal(httpUrlOrNull('HTTP://cdn.example/a.png'), 'http://cdn.example/a.png');
    for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:image/png;base64,AAAA', '//cdn.example/a.png', 'not a url', '', null, undefined]) {
      assert.equal(httpUrlOrNull(bad), null, String(bad));
    }
  });
});
