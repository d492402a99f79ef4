import type { ModerationContext } from '../context.js';
import type { PhaseOutput } from '../types.js';

/** Holds a comment containing a suspect word for a moderator to judge in context. */
export function suspectWords(ctx: Pick<ModerationContext, 'text' | 'words'>): PhaseOutput {
  const words = ctx.words.suspect.match(ctx.text);
  if (words.length === 0) return undefined;
  return { verdict: { action: 'hold', reason: { phase: 'suspect_words', code: 'suspect_words', message: `Suspect words: ${words.join(', ')}.`, words } } };
}
