import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeCursor, encodeCursor, type Cursor } from '../../src/server/comments/cursor.js';
import { COMMENT_SORTS } from '../../src/server/comments/model.js';
import { AppError } from '../../src/server/errors.js';

const isInvalidCursor = (err: unknown) => err instanceof AppError && err.code === 'INVALID_CURSOR' && err.status === 400;
const raw = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('page cursors', () => {
  const sample: Cursor = { key: 7, createdAt: '2026-01-21T07:30:00.000Z', id: 'abc_DEF-123' };

  test('a cursor decodes back to the position it was made from, for every sort', () => {
    for (const sort of COMMENT_SORTS) assert.deepEqual(decodeCursor(sort, encodeCursor(sort, sample)), sample);
    assert.deepEqual(decodeCursor('newest', encodeCursor('newest', { ...sample, key: null })), { ...sample, key: null });
  });

  test('a cursor is URL-safe, so it can go in a query string unescaped', () => {
    assert.match(encodeCursor('reactions', { key: 123456, createdAt: '2026-01-21T07:30:00.000Z', id: '??//++==' }), /^[A-Za-z0-9_-]+$/);
  });

  test('a cursor made for one sort is refused under another', () => {
    const c = encodeCursor('reactions', sample);
    assert.throws(() => decodeCursor('replies', c), isInvalidCursor);
    assert.throws(() => decodeCursor('newest', c), isInvalidCursor);
  });

  const mangled: [string, string][] = [
    ['an empty string', ''],
    ['random text', 'not a cursor!'],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['a JSON object instead of the tuple', raw({ sort: 'newest', key: null, createdAt: 'x', id: 'y' })],
    ['a tuple of the wrong length', raw(['newest', null, '2026-01-01T00:00:00.000Z'])],
    ['a fractional sort key', raw(['reactions', 1.5, '2026-01-01T00:00:00.000Z', 'id'])],
    ['a string sort key', raw(['reactions', '1', '2026-01-01T00:00:00.000Z', 'id'])],
    ['a numeric id', raw(['newest', null, '2026-01-01T00:00:00.000Z', 42])],
    ['a missing time', raw(['newest', null, null, 'id'])],
    ['an unknown sort', raw(['best', null, '2026-01-01T00:00:00.000Z', 'id'])],
  ];
  for (const [name, value] of mangled) {
    test(`${name} is INVALID_CURSOR, not a crash`, () => {
      assert.throws(() => decodeCursor('newest', value), isInvalidCursor);
      assert.throws(() => decodeCursor('reactions', value), isInvalidCursor);
    });
  }

  test('round trip holds for arbitrary positions', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COMMENT_SORTS),
        fc.option(fc.integer({ min: 0, max: 2 ** 31 - 1 })),
        fc.string(),
        fc.string({ unit: 'grapheme' }),
        (sort, key, createdAt, id) => {
          const c: Cursor = { key, createdAt, id };
          assert.deepEqual(decodeCursor(sort, encodeCursor(sort, c)), c);
        },
      ),
    );
  });

  test('arbitrary strings either decode or fail with INVALID_CURSOR, never anything else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          decodeCursor('oldest', s);
        } catch (err) {
          assert.ok(isInvalidCursor(err), `unexpected ${String(err)} for ${JSON.stringify(s)}`);
        }
      }),
    );
  });
});
