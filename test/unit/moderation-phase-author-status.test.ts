import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorStatus } from '../../src/server/moderation/phases/author-status.js';
import { author, context, hoursAgo } from '../fixtures/moderation.js';

test('an author in good standing passes', () => {
  assert.equal(authorStatus(context('x')), undefined);
});

test('a banned author is refused with USER_BANNED', () => {
  const out = authorStatus(context('x', { author: author({ banned: true }) }));
  assert.equal(out?.verdict?.action, 'reject');
  assert.equal(out?.verdict?.refusal?.code, 'USER_BANNED');
});

test('a suspension refuses until its end, with the time left, and lapses by itself', () => {
  const until = hoursAgo(-2);
  const out = authorStatus(context('x', { author: author({ suspendedUntil: until }) }));
  assert.equal(out?.verdict?.refusal?.code, 'USER_SUSPENDED');
  assert.equal(out?.verdict?.refusal?.retryAfterSeconds, 7200);
  assert.match(out?.verdict?.reason?.message ?? '', new RegExp(until));
  assert.equal(authorStatus(context('x', { author: author({ suspendedUntil: hoursAgo(1) }) })), undefined);
});
