import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bannedWords } from '../../src/server/moderation/phases/banned-words.js';
import { siteMatchers } from '../../src/server/moderation/pipeline.js';
import { context } from '../fixtures/moderation.js';

test('a slur is rejected, naming the list entry matched', () => {
  const out = bannedWords(context('Retourne chez toi sale arabe'));
  assert.equal(out?.verdict?.action, 'reject');
  assert.deepEqual(out?.verdict?.reason?.words, ['sale arabe']);
  assert.equal(out?.verdict?.refusal, undefined, 'stored as rejected so a moderator can overturn it');
});

test('obfuscated banned words are still found: leetspeak, accents, spacing, zero-width, look-alikes, stretching', () => {
  for (const text of ['n1gg3r', 'N I G G E R', 'n.i.g.g.e.r', 'nig\u200Bger', 'ｎｉｇｇｅｒ', 'niiiiigger', 'KILL YOURSELF', 'nique ta mère', 'nique ta mere', 'p.é.d.é']) {
    assert.ok(bannedWords(context(text)), text);
  }
});

test('ordinary news sentences pass', () => {
  for (const text of ['Le député a quitté la salle à 5 heures.', 'Scunthorpe United won 2-1.', 'Les habitants de Bitche manifestent.', 'The technique was niche.']) {
    assert.equal(bannedWords(context(text)), undefined, text);
  }
});

test('a site’s own banned words count, and the shipped lists can be turned off', () => {
  const words = { useDefaults: false, banned: ['vendu*'], suspect: [], allow: [] };
  const ctx = context('Journalistes vendus !', { words: siteMatchers(words) });
  assert.deepEqual(bannedWords(ctx)?.verdict?.reason?.words, ['vendu*']);
  assert.equal(bannedWords(context('sale arabe', { words: siteMatchers(words) })), undefined);
});
