import type { ModerationContext } from '../context.js';
import type { PhaseOutput } from '../types.js';

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Scores toxicity with the model of the comment's language (the story's when the text is too short to tell), holds
 * at the hold threshold (the model's own unless the site sets one) and rejects at the reject threshold, if any.
 */
export function toxicity(ctx: Pick<ModerationContext, 'text' | 'scorer' | 'settings' | 'words' | 'story' | 'facts'>): PhaseOutput {
  const detected = ctx.facts.lang;
  const lang = detected === 'fr' || detected === 'en' ? detected : (ctx.story?.lang ?? 'en');
  const score = round(ctx.scorer.toxicity(ctx.words.stripAllowed(ctx.text), lang));
  const hold = ctx.settings.toxicity.hold ?? ctx.scorer.thresholds.toxicity[lang];
  const reject = ctx.settings.toxicity.reject;
  const facts = { toxicity: score };
  if (reject !== null && score >= reject) {
    return { facts, verdict: { action: 'reject', reason: { phase: 'toxicity', code: 'toxicity', message: `Toxicity ${score} ≥ ${reject} (${lang} model).`, score, threshold: reject } } };
  }
  if (score >= hold) {
    return { facts, verdict: { action: 'hold', reason: { phase: 'toxicity', code: 'toxicity', message: `Toxicity ${score} ≥ ${round(hold)} (${lang} model).`, score, threshold: round(hold) } } };
  }
  return { facts };
}
