import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spam } from '../../src/server/moderation/phases/spam.js';
import { context, fakeScorer } from '../fixtures/moderation.js';

test('a low spam score is recorded and passes', () => {
  assert.deepEqual(spam(context('x', { scorer: fakeScorer({ spam: 0.1 }) })), { facts: { spam: 0.1 } });
});

test('by default a comment is held at 0.9, above the model’s own threshold', () => {
  assert.equal(spam(context('x', { scorer: fakeScorer({ spam: 0.85 }) }))?.verdict, undefined);
  assert.equal(spam(context('x', { scorer: fakeScorer({ spam: 0.92 }) }))?.verdict?.action, 'hold');
});

test('with no site threshold the model’s applies; at the site’s reject threshold it is rejected', () => {
  const held = spam(context('x', { scorer: fakeScorer({ spam: 0.85 }), settings: { spam: { hold: null, reject: null } } }));
  assert.equal(held?.verdict?.action, 'hold');
  assert.equal(held?.verdict?.reason?.threshold, 0.8);
  assert.equal(spam(context('x', { scorer: fakeScorer({ spam: 0.85 }), settings: { spam: { hold: null, reject: 0.8 } } }))?.verdict?.action, 'reject');
  assert.equal(spam(context('x', { scorer: fakeScorer({ spam: 0.85 }), settings: { spam: { hold: 0.9, reject: null } } }))?.verdict, undefined);
});
