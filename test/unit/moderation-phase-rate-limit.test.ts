import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rateLimit } from '../../src/server/moderation/phases/rate-limit.js';
import { author, context, hoursAgo } from '../fixtures/moderation.js';

const history = (storyNewAccountComments: number) => ({ sameTextSameStory: false, sameTextElsewhere: 0, storyNewAccountComments });

test('under the rate limit nothing happens; at it the author is told to wait', () => {
  const settings = { rate: { max: 3, windowSeconds: 60 } };
  assert.equal(rateLimit(context('x', { settings, author: author({ recentCount: 2 }) })), undefined);
  const out = rateLimit(context('x', { settings, author: author({ recentCount: 3 }) }));
  assert.equal(out?.verdict?.action, 'reject');
  assert.equal(out?.verdict?.refusal?.code, 'RATE_LIMITED');
  assert.equal(out?.verdict?.refusal?.retryAfterSeconds, 60);
});

test('edits are not counted against the rate limit', () => {
  assert.equal(rateLimit(context('x', { editing: true, settings: { rate: { max: 1, windowSeconds: 60 } }, author: author({ recentCount: 5 }) })), undefined);
});

test('flood: a raid of new accounts on a story holds further new accounts, not established readers', () => {
  const settings = { flood: { max: 10, windowSeconds: 600 } };
  const newcomer = author({ createdAt: hoursAgo(1), publishedCount: 0 });
  const out = rateLimit(context('x', { settings, history: history(10), author: newcomer }));
  assert.equal(out?.verdict?.action, 'hold');
  assert.equal(out?.verdict?.reason?.code, 'flood');
  assert.equal(rateLimit(context('x', { settings, history: history(9), author: newcomer })), undefined);
  assert.equal(rateLimit(context('x', { settings, history: history(50), author: author() })), undefined);
});
