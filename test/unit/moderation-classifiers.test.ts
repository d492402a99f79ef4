// Moderation classifiers: uses only the shipped models in models/ (no raw data sets needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadClassifiers, type Classifiers } from '../../src/server/moderation/classifiers/index.js';
import { TextModel } from '../../src/server/moderation/classifiers/text-model.js';
import { windows, MAX_SCORED_CHARS } from '../../src/server/moderation/classifiers/text-model.js';

let cached: Promise<Classifiers> | undefined;
const classifiers = (): Promise<Classifiers> => (cached ??= loadClassifiers());

test('shipped models load with thresholds in 0.5..1', async () => {
  const c = await classifiers();
  for (const t of [c.thresholds.toxicity.fr, c.thresholds.toxicity.en, c.thresholds.spam]) {
    assert.ok(t >= 0.5 && t < 1, `threshold ${t}`);
  }
});

test('detectLang tells French from English and abstains on tiny inputs', async () => {
  const c = await classifiers();
  assert.equal(c.detectLang("Le gouvernement a présenté mercredi son projet de budget pour l'année prochaine."), 'fr');
  assert.equal(c.detectLang('The council approved the new budget after a long debate on Tuesday.'), 'en');
  assert.equal(c.detectLang('ok'), 'und');
  assert.equal(c.detectLang('👍👍'), 'und');
});

test('obvious abuse scores above the shipped threshold, news sentences below', async () => {
  const c = await classifiers();
  const { fr, en } = c.thresholds.toxicity;
  assert.ok(c.toxicity('Ferme ta gueule espèce de connard, sale raclure', 'fr') >= fr);
  assert.ok(c.toxicity('Shut up you stupid fucking idiot, nobody wants you here', 'en') >= en);
  assert.ok(c.toxicity('La coopération entre le Mexique et les États-Unis contre le fentanyl progresse.', 'fr') < fr);
  assert.ok(c.toxicity('The striker killed off the match with a late header against the cartel of defenders.', 'en') < en);
});

test('obfuscation does not hide an insult (leetspeak, stretched letters, accents)', async () => {
  const c = await classifiers();
  const plain = c.toxicity('espèce de connard', 'fr');
  const mangled = c.toxicity('ESPECE DE C0NNNNARD', 'fr');
  assert.ok(Math.abs(plain - mangled) < 0.25, `${plain} vs ${mangled}`);
});

test('language is detected when toxicity is called without one', async () => {
  const c = await classifiers();
  const t = "T'es vraiment un abruti fini, va te faire foutre";
  assert.equal(c.toxicity(t), c.toxicity(t, 'fr'));
});

test('spam: link-and-channel promotion scores above threshold, an ordinary comment below', async () => {
  const c = await classifiers();
  assert.ok(c.spam('Check out my channel and subscribe!!! Make $3000 a month from home at www.easy-money-now.com') >= c.thresholds.spam);
  assert.ok(c.spam("I disagree with the mayor's plan, the bus lines in my neighbourhood are already overcrowded.") < c.thresholds.spam);
});

test('long texts are capped and scored in windows, quickly', async () => {
  const c = await classifiers();
  const long = 'Une phrase calme et parfaitement anodine sur la météo du week-end. '.repeat(2000);
  assert.ok(windows(long).join('').length <= MAX_SCORED_CHARS);
  const t0 = performance.now();
  c.toxicity(long, 'fr');
  c.spam(long);
  assert.ok(performance.now() - t0 < 200, 'long text scoring took too long');
  // An insult buried at the start of a long comment is still found (max over windows).
  const buried = `Espèce de sale connard, ferme ta gueule. ${long}`;
  assert.ok(c.toxicity(buried, 'fr') >= c.toxicity('Espèce de sale connard, ferme ta gueule.', 'fr') - 0.05);
});

test('model files round-trip through the int8 format without changing scores much', async () => {
  const c = await classifiers();
  const m = TextModel.fromFile(c.exportModel('toxicity-en'));
  const again = TextModel.fromFile(m.toFile());
  const t = 'you are a pathetic liar';
  assert.ok(Math.abs(m.score(t, 'en') - again.score(t, 'en')) < 0.01);
});

test('retrain learns a site-specific rule from a few moderator decisions', async () => {
  const c = await loadClassifiers(); // own instance: retrain mutates it
  const spamText = (i: number): string => `Buy cheap zorblax tickets ${i} at the zorblax booth`;
  const before = c.toxicity(spamText(999), 'en');
  const examples = [];
  for (let i = 0; i < 60; i++) {
    examples.push({ text: spamText(i), label: 1 as const });
    examples.push({ text: `The council meeting ${i} discussed the new tram line and school budgets`, label: 0 as const });
  }
  const file = c.retrain('toxicity-en', examples);
  const after = c.toxicity(spamText(999), 'en');
  assert.ok(after > before + 0.2, `${before} -> ${after}`);
  assert.equal(file.task, 'toxicity-en');
  assert.ok(c.toxicity('The council discussed the tram line', 'en') < c.thresholds.toxicity.en);
});

test('assess applies the shipped thresholds and checks both languages on undetermined text', async () => {
  const c = await classifiers();
  for (const t of ['fdp', 'stfu']) {
    const a = c.assess(t);
    assert.equal(a.lang, 'und');
    assert.equal(a.toxic, true, t);
  }
  const b = c.assess('Les électeurs sont appelés aux urnes dimanche pour le second tour des municipales.');
  assert.equal(b.lang, 'fr');
  assert.equal(b.toxic, false);
  assert.equal(b.isSpam, false);
});

test('retrain starts from the shipped model: same examples twice give the same model', async () => {
  const c = await loadClassifiers();
  const ex = [
    { text: 'the quarterly zorblax report is a scam', label: 1 as const },
    { text: 'the city council met on tuesday', label: 0 as const },
  ];
  const a = c.retrain('toxicity-en', ex);
  const b = c.retrain('toxicity-en', ex);
  assert.equal(a.weights, b.weights);
  assert.equal(typeof a.meta.base, 'string');
  // A site model loaded as an override still retrains from the shipped one.
  const site = await loadClassifiers({ overrides: { 'toxicity-en': a } });
  assert.equal(site.retrain('toxicity-en', ex).weights, a.weights);
  await assert.rejects(loadClassifiers({ overrides: { spam: a } }), /override for spam/);
});

test('retrain can overrule the word-list prior when a site approves friendly banter', async () => {
  const c = await loadClassifiers();
  const banter = (i: number): string => `t'es con mon pote ${i} 😂 on se voit au match`;
  const before = c.toxicity(banter(999), 'fr');
  const ex: { text: string; label: 0 | 1 }[] = Array.from({ length: 80 }, (_, i) => ({ text: banter(i), label: 0 as const }));
  for (let i = 0; i < 40; i++) ex.push({ text: `espèce de connard ${i}, je vais te défoncer`, label: 1 as const });
  c.retrain('toxicity-fr', ex);
  const after = c.toxicity(banter(999), 'fr');
  assert.ok(after < before, `${before} -> ${after}`);
  assert.ok(after < c.thresholds.toxicity.fr, `still flagged: ${after}`);
  assert.ok(c.toxicity('espèce de connard, je vais te défoncer', 'fr') >= c.thresholds.toxicity.fr);
});
