import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suspectWords } from '../../src/server/moderation/phases/suspect-words.js';
import { siteMatchers } from '../../src/server/moderation/pipeline.js';
import { context } from '../fixtures/moderation.js';

const held = (text: string) => suspectWords(context(text))?.verdict;

test('an insult is held with the words matched', () => {
  const v = held('Quel connard, ce ministre');
  assert.equal(v?.action, 'hold');
  assert.deepEqual(v?.reason?.words, ['connard*']);
  assert.match(v?.reason?.message ?? '', /connard/);
});

test('normalisation: NFKC, accents, leetspeak, zero-width, spaced and stretched letters', () => {
  const cases: [string, string][] = [
    ['c0nn4rd', 'connard*'],
    ['C O N N A R D', 'connard*'],
    ['c.o.n.n.a.r.d', 'connard*'],
    ['con\u200Bnard', 'connard*'],
    ['ｃｏｎｎａｒｄ', 'connard*'],
    ['connnnnnard', 'connard*'],
    ['ENCULÉ', 'encul*'],
    ['encule', 'encul*'],
    ['$alope', 'salope*'],
    ['fuuuuuck this', '*fuck*'],
    ['𝐟𝐮𝐜𝐤', '*fuck*'],
    ['motherfucker', '*fuck*'],
    ['f u c k', '*fuck*'],
    ['you b1tch', 'bitch*'],
    ['ta gueule', 'ta gueule'],
  ];
  for (const [text, entry] of cases) assert.ok(held(text)?.reason?.words?.includes(entry), `${text} → ${entry}: ${JSON.stringify(held(text))}`);
});

test('the allow-list and word boundaries keep innocent words: Scunthorpe, Bitche, 5 heures, député, baisse', () => {
  for (const text of [
    'Scunthorpe is a town in Lincolnshire.',
    'Bitche est une commune de Moselle.',
    'Rendez-vous à 5 heures devant la mairie.',
    'Le député a voté contre.',
    'La baisse des prix se confirme.',
    'Il y a à peine un an.',
    'Les pros and cons of the plan.',
    'Le train a du retard.',
    'Une dispute sur la réputation du computer.',
  ]) {
    assert.equal(held(text), undefined, text);
  }
});

test('a site’s allow-list entry shields a word the lists would hold', () => {
  const ctx = context('Un vrai bouffon, ce personnage de théâtre', { words: siteMatchers({ useDefaults: true, banned: [], suspect: [], allow: ['bouffon'] }) });
  assert.equal(suspectWords(ctx), undefined);
});
