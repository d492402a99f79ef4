import type { ModerationContext } from '../context.js';
import type { PhaseOutput } from '../types.js';

/** Shorter texts ("Merci !", "+1") are said again innocently; only longer ones repeated elsewhere look like spam. */
export const DUPLICATE_MIN_LENGTH = 20;

/**
 * The same text twice from one author: on the same story it is a double post, refused with a clear error; on other
 * stories of the site it is how spam campaigns look, so it is held.
 */
export function duplicate(ctx: Pick<ModerationContext, 'history' | 'text' | 'editing'>): PhaseOutput {
  const h = ctx.history;
  if (!h || ctx.editing) return undefined;
  if (h.sameTextSameStory) {
    return { verdict: { action: 'reject', reason: { phase: 'duplicate', code: 'same_story', message: 'The author already posted this text on this story.' }, refusal: { code: 'DUPLICATE_COMMENT' } } };
  }
  if (h.sameTextElsewhere > 0 && ctx.text.length >= DUPLICATE_MIN_LENGTH) {
    return { verdict: { action: 'hold', reason: { phase: 'duplicate', code: 'other_stories', message: `The author posted this text on ${h.sameTextElsewhere} other stories.` } } };
  }
  return undefined;
}
