import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplicate } from '../../src/server/moderation/phases/duplicate.js';
import { context } from '../fixtures/moderation.js';

const LONG = 'Achetez des montres de luxe à prix cassés sur notre boutique';

test('a new text passes', () => {
  assert.equal(duplicate(context(LONG)), undefined);
});

test('the same text twice on the same story is refused as a double post', () => {
  const out = duplicate(context('Merci', { history: { sameTextSameStory: true, sameTextElsewhere: 0, storyNewAccountComments: 0 } }));
  assert.equal(out?.verdict?.action, 'reject');
  assert.equal(out?.verdict?.refusal?.code, 'DUPLICATE_COMMENT');
});

test('a long text repeated on other stories is held; a short one ("Merci !") is not', () => {
  const history = { sameTextSameStory: false, sameTextElsewhere: 3, storyNewAccountComments: 0 };
  const out = duplicate(context(LONG, { history }));
  assert.equal(out?.verdict?.action, 'hold');
  assert.match(out?.verdict?.reason?.message ?? '', /3 other stories/);
  assert.equal(duplicate(context('Merci !', { history })), undefined);
});

test('an edit is never a duplicate of itself', () => {
  assert.equal(duplicate(context(LONG, { editing: true, history: { sameTextSameStory: true, sameTextElsewhere: 2, storyNewAccountComments: 0 } })), undefined);
});
