import type { ModerationContext } from '../context.js';
import type { PhaseOutput } from '../types.js';

/** Refuses comments from a user banned from the site, or suspended until a time still to come. */
export function authorStatus(ctx: Pick<ModerationContext, 'author' | 'now'>): PhaseOutput {
  const a = ctx.author;
  if (!a) return undefined;
  if (a.banned) {
    return { verdict: { action: 'reject', reason: { phase: 'author_status', code: 'banned', message: 'The author is banned from this site.' }, refusal: { code: 'USER_BANNED' } } };
  }
  if (a.suspendedUntil && Date.parse(a.suspendedUntil) > ctx.now) {
    const retryAfterSeconds = Math.ceil((Date.parse(a.suspendedUntil) - ctx.now) / 1000);
    return {
      verdict: {
        action: 'reject',
        reason: { phase: 'author_status', code: 'suspended', message: `The author is suspended until ${a.suspendedUntil}.` },
        refusal: { code: 'USER_SUSPENDED', details: `(${a.suspendedUntil})`, retryAfterSeconds },
      },
    };
  }
  return undefined;
}
