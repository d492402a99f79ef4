import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findLinks, links } from '../../src/server/moderation/phases/links.js';
import { author, context, hoursAgo } from '../fixtures/moderation.js';

const newcomer = author({ createdAt: hoursAgo(1), publishedCount: 0 });

test('finds Markdown links, bare URLs and bare domains, not numbers or abbreviations', () => {
  assert.equal(findLinks('voir [ici](https://a.example/x) et www.promo.biz puis cheap-pills.com/buy').length, 3);
  assert.deepEqual(findLinks('Il était 5 h. Le PIB a crû de 1.5 %, M. Dupont l’a dit.'), []);
});

test('hold-new (default): a link from a new account is held with the link shown; an established reader passes', () => {
  const out = links(context('Lisez https://spam.example.com/offre', { author: newcomer }));
  assert.equal(out?.verdict?.action, 'hold');
  assert.deepEqual(out?.verdict?.reason?.words, ['https://spam.example.com/offre']);
  assert.equal(links(context('Lisez https://lemonde.fr/article', { author: author() })), undefined);
});

test('the other policies: allow, hold-all, reject', () => {
  const text = 'Source : https://insee.fr/stats';
  assert.equal(links(context(text, { author: newcomer, settings: { links: 'allow' } })), undefined);
  assert.equal(links(context(text, { author: author(), settings: { links: 'hold-all' } }))?.verdict?.action, 'hold');
  assert.equal(links(context(text, { author: author(), settings: { links: 'reject' } }))?.verdict?.action, 'reject');
});

test('staff links are never held; a text without links passes', () => {
  assert.equal(links(context('https://x.example.com', { author: author({ role: 'moderator', publishedCount: 0 }), settings: { links: 'hold-all' } })), undefined);
  assert.equal(links(context('Pas de lien ici.', { author: newcomer })), undefined);
});
