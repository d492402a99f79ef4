import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storyClosed } from '../../src/server/moderation/phases/story-closed.js';
import { context, hoursAgo } from '../fixtures/moderation.js';

test('an open story raises no objection', () => {
  assert.equal(storyClosed(context('Bonjour')), undefined);
});

test('a closed story refuses the comment with STORY_CLOSED', () => {
  const out = storyClosed(context('Bonjour', { story: { id: 's', lang: 'fr', closed: true, createdAt: hoursAgo(1), mode: 'inherit' } }));
  assert.equal(out?.verdict?.action, 'reject');
  assert.equal(out?.verdict?.refusal?.code, 'STORY_CLOSED');
  assert.equal(out?.verdict?.reason?.code, 'closed');
});

test('auto-close: a story older than autoCloseDays is closed, a younger one is not', () => {
  const old = { id: 's', lang: 'fr' as const, closed: false, createdAt: hoursAgo(24 * 8), mode: 'inherit' as const };
  assert.equal(storyClosed(context('x', { story: old, settings: { autoCloseDays: 7 } }))?.verdict?.reason?.code, 'auto_closed');
  assert.equal(storyClosed(context('x', { story: old, settings: { autoCloseDays: 9 } })), undefined);
  assert.equal(storyClosed(context('x', { story: old, settings: { autoCloseDays: null } })), undefined);
});

test('a bare text (no story) is not judged here', () => {
  assert.equal(storyClosed(context('x', { story: null })), undefined);
});
