/**
 * The whole pipeline on real examples in French and English: the shipped word lists and the shipped models, with
 * obfuscation and the allow-list; then the rules that combine phases (order, reject stops, every hold is explained).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadClassifiers } from '../../src/server/moderation/classifiers/index.js';
import type { Scorer } from '../../src/server/moderation/context.js';
import { PHASES, runPipeline, TEXT_PHASES } from '../../src/server/moderation/pipeline.js';
import { author, context, fakeScorer, hoursAgo } from '../fixtures/moderation.js';

let scorer: Scorer;
before(async () => {
  scorer = await loadClassifiers();
});

const judge = (text: string, over: Parameters<typeof context>[1] = {}) => runPipeline(context(text, { scorer, ...over }));

describe('real comments with the shipped lists and models', () => {
  test('ordinary comments in French and English are published, with language and scores recorded', async () => {
    for (const [text, lang] of [
      ['Merci pour cet article très complet sur la réforme des retraites, il manquait un point de vue sur les régimes spéciaux.', 'fr'],
      ['Le maire de Bitche a annoncé la rénovation de la piscine municipale pour l’été prochain.', 'fr'],
      ['Thank you for this balanced report on the council budget; the figures on school funding were especially useful.', 'en'],
      ['Scunthorpe United were unlucky to lose in extra time last night.', 'en'],
    ] as const) {
      const v = await judge(text);
      assert.equal(v.action, 'publish', `${text}: ${JSON.stringify(v.reasons)}`);
      assert.equal(v.scores.lang, lang, text);
      assert.equal(typeof v.scores.toxicity, 'number');
      assert.equal(typeof v.scores.spam, 'number');
    }
  });

  test('an obfuscated insult is held, and the reason names the words', async () => {
    for (const text of ['Ce ministre est un vrai c0nn4rd.', 'Ce ministre est un vrai c o n n a r d.', 'What a f.u.c.k.i.n.g joke this government is.']) {
      const v = await judge(text);
      assert.equal(v.action, 'hold', text);
      const words = v.reasons.find((r) => r.phase === 'suspect_words');
      assert.ok(words?.words?.length, `${text}: ${JSON.stringify(v.reasons)}`);
    }
  });

  test('a slur is rejected, even disguised, and scoring stops there', async () => {
    for (const text of ['Dehors les b0ugn0ules', 'go back home you n1gg3r']) {
      const v = await judge(text);
      assert.equal(v.action, 'reject', text);
      assert.equal(v.reasons.at(-1)?.phase, 'banned_words');
      assert.equal(v.scores.toxicity, undefined, 'no model ran after the reject');
      assert.equal(v.refusal, undefined, 'stored as rejected, not refused');
    }
  });

  test('a spam link from a new account is held', async () => {
    const v = await judge('Gagnez 500€ par jour depuis chez vous !!! Cliquez ici https://argent-facile.example.com/promo', { author: author({ createdAt: hoursAgo(1), publishedCount: 0 }) });
    assert.equal(v.action, 'hold');
    assert.ok(v.reasons.some((r) => r.phase === 'links'));
  });
});

describe('how phases combine', () => {
  test('the phases run in the documented order', () => {
    assert.deepEqual(
      PHASES.map(([n]) => n),
      ['story_closed', 'author_status', 'rate_limit', 'duplicate', 'banned_words', 'links', 'suspect_words', 'language', 'toxicity', 'spam', 'trust', 'mode'],
    );
    assert.deepEqual(
      TEXT_PHASES.map(([n]) => n),
      ['banned_words', 'links', 'suspect_words', 'language', 'toxicity', 'spam'],
    );
  });

  test('holds accumulate: a pre-moderated story still reports the suspect word and the toxicity score', async () => {
    const v = await runPipeline(context('Espèce de crétin', { scorer: fakeScorer({ toxicity: 0.9 }), settings: { mode: 'pre' } }));
    assert.equal(v.action, 'hold');
    assert.deepEqual(
      v.reasons.map((r) => r.phase),
      ['suspect_words', 'toxicity', 'mode'],
    );
    assert.equal(v.scores.toxicity, 0.9);
  });

  test('a refusal (closed story) stops before any scoring and says which error the author gets', async () => {
    const scorer = fakeScorer();
    const v = await runPipeline(context('Bonjour', { scorer, story: { id: 's', lang: 'fr', closed: true, createdAt: hoursAgo(1), mode: 'inherit' } }));
    assert.equal(v.action, 'reject');
    assert.equal(v.refusal?.code, 'STORY_CLOSED');
    assert.deepEqual(scorer.calls, []);
  });

  test('a bare text (no story, no author) runs through the text phases only', async () => {
    const v = await runPipeline(context('Bonjour', { scorer: fakeScorer({ lang: 'fr', toxicity: 0.2, spam: 0.3 }), story: null, author: null, history: null }), TEXT_PHASES);
    assert.deepEqual(v, { action: 'publish', reasons: [], scores: { lang: 'fr', toxicity: 0.2, spam: 0.3 } });
  });
});
