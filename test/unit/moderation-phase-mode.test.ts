import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mode } from '../../src/server/moderation/phases/mode.js';
import { author, context, hoursAgo } from '../fixtures/moderation.js';

const story = (m: 'inherit' | 'pre') => ({ id: 's', lang: 'fr' as const, closed: false, createdAt: hoursAgo(1), mode: m });

test('post-moderation (default) publishes', () => {
  assert.equal(mode(context('x')), undefined);
});

test('a pre-moderated site holds everything; so does a pre-moderated story of a post-moderated site', () => {
  assert.match(mode(context('x', { settings: { mode: 'pre' } }))?.verdict?.reason?.message ?? '', /site is pre-moderated/);
  const out = mode(context('x', { story: story('pre') }));
  assert.equal(out?.verdict?.action, 'hold');
  assert.match(out?.verdict?.reason?.message ?? '', /story is pre-moderated/);
});

test('staff comments are not held by pre-moderation', () => {
  assert.equal(mode(context('x', { settings: { mode: 'pre' }, author: author({ role: 'moderator' }) })), undefined);
});
