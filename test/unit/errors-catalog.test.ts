import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppError, errorBody, errorCatalog, type ErrorCode } from '../../src/server/errors.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const codes = Object.keys(errorCatalog) as ErrorCode[];

describe('the error catalog', () => {
  test('is not empty (so the checks below check something)', () => {
    assert.ok(codes.length >= 20, `only ${codes.length} codes`);
  });

  for (const code of codes) {
    test(`${code}: an error status and a message in English and in French`, () => {
      const entry = errorCatalog[code];
      assert.match(code, /^[A-Z][A-Z0-9_]*$/, 'codes are SCREAMING_SNAKE_CASE');
      assert.ok(Number.isInteger(entry.status) && entry.status >= 400 && entry.status <= 599, `status ${entry.status}`);
      for (const lang of ['en', 'fr'] as const) {
        const msg = entry[lang];
        assert.equal(typeof msg, 'string');
        assert.ok(msg.trim().length > 0, `${lang} message is empty`);
        assert.match(msg, /[.!?]$/, `${lang} message is a sentence`);
        assert.doesNotMatch(msg, new RegExp(code), `${lang} message leaks the code`);
      }
      assert.notEqual(entry.fr, entry.en, 'the French message is translated');
    });
  }

  test('an AppError carries the status of its code, and the body is localised', () => {
    for (const code of codes) {
      assert.equal(new AppError(code).status, errorCatalog[code].status, code);
      assert.deepEqual(errorBody(code, 'fr'), { error: { code, message: errorCatalog[code].fr } });
    }
  });

  // AUTH_BUSY: the node's password-hashing queue is full (issue 11), a server-side overload like UNAVAILABLE.
  // OIDC_PROVIDER_UNAVAILABLE: an identity provider down or too slow (issue 12), a bad gateway, not the reader's fault.
  test('only server faults are 5xx: INTERNAL, UNAVAILABLE, AUTH_BUSY and OIDC_PROVIDER_UNAVAILABLE', () => {
    assert.deepEqual(codes.filter((c) => errorCatalog[c].status >= 500).sort(), ['AUTH_BUSY', 'INTERNAL', 'OIDC_PROVIDER_UNAVAILABLE', 'UNAVAILABLE']);
  });

  // Clients switch on these codes, so each must be documented where integrators look first.
  // Expected to fail until the README lists them.
  test('every code is documented in README.md', () => {
    assert.ok(existsSync(README), `${README} does not exist: it must document the ${codes.length} error codes`);
    const readme = readFileSync(README, 'utf8');
    const missing = codes.filter((c) => !new RegExp(`\\b${c}\\b`).test(readme));
    assert.deepEqual(missing, [], `README.md does not mention: ${missing.join(', ')}`);
  });
});
