import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trust } from '../../src/server/moderation/phases/trust.js';
import { author, context } from '../fixtures/moderation.js';

test('by default nobody is held for being new', () => {
  assert.equal(trust(context('x', { author: author({ publishedCount: 0 }) })), undefined);
});

test('premoderateFirst holds a user’s first N comments, then lets them through', () => {
  const settings = { premoderateFirst: 2 };
  const out = trust(context('x', { settings, author: author({ publishedCount: 1 }) }));
  assert.equal(out?.verdict?.action, 'hold');
  assert.equal(out?.verdict?.reason?.code, 'first_comments');
  assert.equal(trust(context('x', { settings, author: author({ publishedCount: 2 }) })), undefined);
});

test('a user put on pre-moderation by a moderator is always held; staff never', () => {
  assert.equal(trust(context('x', { author: author({ premoderate: true }) }))?.verdict?.reason?.code, 'user_premoderated');
  assert.equal(trust(context('x', { settings: { premoderateFirst: 5 }, author: author({ role: 'admin', publishedCount: 0 }) })), undefined);
});
