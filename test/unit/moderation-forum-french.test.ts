// Forum and SMS French in the word lists, and links that cite a source (issue 15). No model files needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize, tokenize } from '../../src/server/moderation/classifiers/normalize.js';
import { lexiconHits } from '../../src/server/moderation/classifiers/lexicon.js';
import { isSourceUrl } from '../../src/server/moderation/classifiers/sources.js';
import { toxicityRuleLogit } from '../../src/server/moderation/classifiers/toxicity-features.js';

const hits = (t: string, lang: string): Record<string, number> => {
  const a = tokenize(normalize(t));
  const b = tokenize(normalize(t, 'one'));
  return Object.fromEntries(lexiconHits(a, lang, b.length === a.length ? b : a));
};

test('SMS abbreviations, verlan and phonetic spellings are insults or profanity', () => {
  for (const t of ['vtff', 'ntr', 'tg sale tepu', 'espèce de batar', 'quel enfoiré', 'ta geule', 'pov con', 'gros shlag', 'nique ta race']) {
    const h = hits(t, 'fr');
    assert.ok((h.insult ?? 0) + (h.profanity ?? 0) > 0, t);
  }
  // Glued to another word: the stems still see them.
  assert.ok((hits('fdpdemerde', 'fr').stem ?? 0) > 0);
  assert.ok((hits('gros enfoiréééé', 'fr').insult ?? 0) > 0);
});

test('coded slurs, dog whistles and emoji used as insults', () => {
  assert.ok((hits('encore une chance pour la France', 'fr').dehuman ?? 0) > 0);
  assert.ok((hits('un français de papier', 'fr').dehuman ?? 0) > 0);
  assert.ok((hits('les sionards', 'fr').slur ?? 0) > 0);
  assert.ok((hits('les sous-chiens', 'fr').slur ?? 0) > 0);
  assert.ok((hits('t es un 🤡', 'fr').insult ?? 0) > 0);
  assert.ok((hits('🖕🖕', 'en').profanity ?? 0) > 0);
  assert.ok((hits('les arabes 🐒', 'fr').dehuman ?? 0) > 0);
  // A directed emoji insult gets the prior, like the word.
  assert.ok(toxicityRuleLogit('t es un 🤡', 'fr') >= 1.5);
});

test('sarcasm markers are a feature of their own, not an insult', () => {
  const h = hits('comme par hasard mdr 🙄', 'fr');
  assert.ok((h.sarcasm ?? 0) >= 3);
  assert.equal(h.insult, undefined);
  assert.equal(toxicityRuleLogit('comme par hasard mdr 🙄', 'fr'), 0);
});

test('ordinary French stays clean: news words near the new entries', () => {
  for (const t of ['Le chômage a baissé', 'La morue est pêchée au large de Terre-Neuve', 'Le député a voté la loi', 'Il a enfoui le trésor', 'Les habitants de Bitche manifestent à 5 heures']) {
    const h = hits(t, 'fr');
    assert.equal((h.insult ?? 0) + (h.slur ?? 0) + (h.profanity ?? 0) + (h.stem ?? 0), 0, t);
  }
});

test('links to public bodies, science and newsrooms are sources; others stay links', () => {
  assert.ok(isSourceUrl('https://www.congress.gov/bill/118th-congress'));
  assert.ok(isSourceUrl('https://www.legifrance.gouv.fr/jorf/id/X'));
  assert.ok(isSourceUrl('https://doi.org/10.1056/NEJMoa2034577'));
  assert.ok(isSourceUrl('www.lemonde.fr/societe/'));
  assert.ok(isSourceUrl('eur-lex.europa.eu/eli/reg/2016/679/oj'));
  assert.equal(isSourceUrl('https://bit.ly/3xYz'), false);
  assert.equal(isSourceUrl('https://lemonde.fr.cheap-pills.ru/'), false);
  assert.equal(isSourceUrl('https://notcongress.gov.example.com/'), false);
  assert.equal(normalize('see https://www.congress.gov/bill/2 and http://bit.ly/x'), 'see xxsource and xxurl');
  assert.equal(normalize('source: congress.gov'), 'source: xxsource');
});

test('spam prior: selling with an unknown link counts, a cited newspaper does not', async () => {
  const { spamRuleLogit } = await import('../../src/server/moderation/classifiers/spam-features.js');
  assert.ok(spamRuleLogit('Vols pas chers, réservez aujourd’hui sur www.voyages-promo.fr') >= 1.5);
  assert.ok(spamRuleLogit('Gagnez 500 € par jour, lien dans mon profil !!!') >= 1.5);
  assert.equal(spamRuleLogit('Le Monde a publié l’enquête : https://www.lemonde.fr/societe/ avec les documents.'), 0);
  assert.equal(spamRuleLogit('Les soldes ont commencé hier selon https://www.insee.fr/fr/statistiques/'), 0);
});

test('a site model from an older normalisation falls back to the shipped model instead of failing', async () => {
  const { loadClassifiers } = await import('../../src/server/moderation/classifiers/index.js');
  const shipped = await loadClassifiers();
  const old = { ...shipped.exportModel('toxicity-fr'), normalizeVersion: 2 };
  const c = await loadClassifiers({ overrides: { 'toxicity-fr': old } });
  const t = 'Espèce de batar, ferme ta geule';
  assert.equal(c.toxicity(t, 'fr'), shipped.toxicity(t, 'fr'));
  assert.ok(c.toxicity(t, 'fr') >= c.thresholds.toxicity.fr);
});

test('a few letters are judged by the word lists: "c3" or "ok" are never held, "tg" and "fdp" still are', async () => {
  const { loadClassifiers } = await import('../../src/server/moderation/classifiers/index.js');
  const c = await loadClassifiers();
  for (const t of ['c3', 'ok', 'a', 'c1']) {
    assert.ok(c.toxicity(t, 'fr') < c.thresholds.toxicity.fr, t);
    assert.equal(c.assess(t).toxic, false, t);
  }
  for (const t of ['tg', 'fdp', 'ntm']) assert.ok(c.toxicity(t, 'fr') >= c.thresholds.toxicity.fr, t);
});
