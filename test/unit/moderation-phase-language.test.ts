import { test } from 'node:test';
import assert from 'node:assert/strict';
import { language } from '../../src/server/moderation/phases/language.js';
import { context, fakeScorer } from '../fixtures/moderation.js';

test('records the detected language for later phases and moderators', () => {
  assert.deepEqual(language(context('Bonjour à tous', { scorer: fakeScorer({ lang: 'fr' }) })), { facts: { lang: 'fr' } });
});

test('a site that accepts only French holds English, but never a text too short to tell', () => {
  const settings = { languages: ['fr' as const] };
  const out = language(context('Hello everyone', { settings, scorer: fakeScorer({ lang: 'en' }) }));
  assert.equal(out?.verdict?.action, 'hold');
  assert.equal(out?.verdict?.reason?.code, 'language');
  assert.equal(language(context('Bravo', { settings, scorer: fakeScorer({ lang: 'und' }) }))?.verdict, undefined);
  assert.equal(language(context('Bonjour', { settings, scorer: fakeScorer({ lang: 'fr' }) }))?.verdict, undefined);
});
