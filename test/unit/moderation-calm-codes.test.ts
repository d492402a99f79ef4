// A calm comment stays calm whatever code, number or reference a reader (or a test) appends to it: the CI once held
// "Je partage cet avis mx83onr1" because the tag's hashed n-grams tipped a short French comment over the threshold.
// Uses only the shipped models in models/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadClassifiers, type Classifiers } from '../../src/server/moderation/classifiers/index.js';

let cached: Promise<Classifiers> | undefined;
const classifiers = (): Promise<Classifiers> => (cached ??= loadClassifiers());

// Ordinary news comments, short agreement and disagreement first (the shortest are the closest to the threshold).
const CALM: Record<'fr' | 'en', readonly string[]> = {
  fr: [
    'Je partage cet avis',
    'Je ne partage pas cet avis',
    "Tout à fait d'accord",
    "Je ne suis pas d'accord",
    'Bien vu',
    'Très juste',
    'Exactement',
    'Bravo pour ce reportage',
    'Merci pour cet article très clair',
    'Merci pour ces précisions',
    'Article intéressant, merci',
    'Pas convaincu par cet argument',
    'Il faudrait vérifier ces chiffres',
    'Je ne comprends pas cette décision du conseil municipal',
    "C'est exactement ce que je pensais en lisant le titre",
  ],
  en: [
    'I agree with this',
    'I disagree with this',
    'Well said',
    'Exactly',
    'Fair enough',
    'Good point',
    'Totally agree',
    'Great article',
    'Thanks for this clear article',
    'Not convinced by this argument',
    'Thank you for the clarification',
    'The figures in the second paragraph should be checked',
  ],
};

const DIGITS = '0123456789';
const ALNUM = `${DIGITS}abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ`;
const chars = (alphabet: string, min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));

/**
 * What readers and tests append: base36 time tags, codes mixing letters and digits, numbers, references. Each has a
 * digit: a tag of letters only ("rlqjpwrg") is a made-up word the model cannot tell from a real one (some are: "con"),
 * and is still held now and then (about 3 in 10,000; docs/moderation-classifiers.md, "Calm comment + code").
 */
const suffix: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1_000_000_000_000, max: 4_000_000_000_000 }).map((n) => n.toString(36)).filter((s) => /\d/u.test(s)), // Date.now().toString(36)
  chars(ALNUM, 2, 16).filter((s) => /\d/u.test(s) && /[a-z]/iu.test(s)), // "5S" once read as the listed "ss"
  fc.bigInt({ min: 0n, max: 10n ** 15n }).map(String),
  fc.tuple(chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1, 4), chars(DIGITS, 1, 6), fc.constantFrom('-', '_', '/', '.', '')).map(([l, d, sep]) => `${l}${sep}${d}`),
  fc.tuple(fc.constantFrom('n°', '#', 'réf.', 'ref', 'ticket', 'dossier'), chars(DIGITS, 1, 9)).map(([p, d]) => `${p} ${d}`),
);

const calm = (lang: 'fr' | 'en'): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...CALM[lang]), fc.array(suffix, { minLength: 1, maxLength: 2 }), fc.constantFrom('', '.', ' !', ' ?'))
    .map(([s, tags, end]) => `${s} ${tags.join(' ')}${end}`);

for (const lang of ['fr', 'en'] as const) {
  test(`calm ${lang} comments with a code, number or reference appended are never held at the shipped thresholds`, async () => {
    const c = await classifiers();
    const hold = c.thresholds.toxicity[lang];
    fc.assert(
      fc.property(calm(lang), (text) => {
        // The toxicity phase scores with the comment's language (detected, else the story's) and rounds to 3 decimals.
        const score = Math.round(c.toxicity(text, lang) * 1000) / 1000;
        assert.ok(score < hold, `${text}: ${score} ≥ ${hold}`);
        const a = c.assess(text);
        assert.ok(!a.toxic, `${text}: ${a.toxicity} (${a.lang}) held`);
      }),
      { numRuns: 600 },
    );
  });
}

test('the CI reply and the bare short comments keep a margin under the French threshold', async () => {
  const c = await classifiers();
  const hold = c.thresholds.toxicity.fr;
  for (const text of ['Je partage cet avis', 'Je partage cet avis mx83onr1', 'Je ne partage pas cet avis', 'Bien vu', 'Bravo pour ce reportage']) {
    // A margin, not just "below": the property above samples; this pins the ones that used to sit at the threshold.
    assert.ok(c.toxicity(text, 'fr') < hold - 0.05, `${text}: ${c.toxicity(text, 'fr')} vs ${hold}`);
  }
});

test('a code does not hide an insult: listed words written with digits are still read', async () => {
  const c = await classifiers();
  assert.ok(c.toxicity('Ferme ta gueule espèce de c0nn4rd, sale r4clure', 'fr') >= c.thresholds.toxicity.fr);
  assert.ok(c.toxicity('Shut up you stupid f*cking 1d10t, nobody wants you here', 'en') >= c.thresholds.toxicity.en);
  // The same insult with a reference appended is still held.
  assert.ok(c.toxicity('Ferme ta gueule espèce de connard AB-1234', 'fr') >= c.thresholds.toxicity.fr);
});
