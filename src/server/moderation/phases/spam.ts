import type { ModerationContext } from '../context.js';
import type { PhaseOutput } from '../types.js';

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Scores spam; holds at the hold threshold (the model's own unless the site sets one), rejects at the reject one. */
export function spam(ctx: Pick<ModerationContext, 'text' | 'scorer' | 'settings' | 'words'>): PhaseOutput {
  const score = round(ctx.scorer.spam(ctx.words.stripAllowed(ctx.text)));
  const hold = ctx.settings.spam.hold ?? ctx.scorer.thresholds.spam;
  const reject = ctx.settings.spam.reject;
  const facts = { spam: score };
  if (reject !== null && score >= reject) {
    return { facts, verdict: { action: 'reject', reason: { phase: 'spam', code: 'spam', message: `Spam ${score} ≥ ${reject}.`, score, threshold: reject } } };
  }
  if (score >= hold) return { facts, verdict: { action: 'hold', reason: { phase: 'spam', code: 'spam', message: `Spam ${score} ≥ ${round(hold)}.`, score, threshold: round(hold) } } };
  return { facts };
}
