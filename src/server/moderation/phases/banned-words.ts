import type { ModerationContext } from '../context.js';
import type { PhaseOutput } from '../types.js';

/** Rejects a comment containing a banned word (after normalisation; the allow-list is honoured by the matcher). */
export function bannedWords(ctx: Pick<ModerationContext, 'text' | 'words'>): PhaseOutput {
  const words = ctx.words.banned.match(ctx.text);
  if (words.length === 0) return undefined;
  return { verdict: { action: 'reject', reason: { phase: 'banned_words', code: 'banned_words', message: `Banned words: ${words.join(', ')}.`, words } } };
}
