import { isNewAccount, type ModerationContext } from '../context.js';
import type { PhaseOutput } from '../types.js';

/**
 * Two limits. Rate: one author may post at most `rate.max` comments per window on a site; beyond it they are told to
 * wait (nothing is stored). Flood: when a story receives more than `flood.max` comments from new accounts within its
 * window (a raid), further comments from new accounts are held for a moderator.
 */
export function rateLimit(ctx: Pick<ModerationContext, 'author' | 'history' | 'settings' | 'editing' | 'now'>): PhaseOutput {
  const { author, history, settings } = ctx;
  if (!author || ctx.editing) return undefined;
  if (author.recentCount >= settings.rate.max) {
    return {
      verdict: {
        action: 'reject',
        reason: { phase: 'rate_limit', code: 'rate', message: `${author.recentCount} comments in the last ${settings.rate.windowSeconds} s (limit ${settings.rate.max}).` },
        refusal: { code: 'RATE_LIMITED', retryAfterSeconds: settings.rate.windowSeconds },
      },
    };
  }
  if (history && history.storyNewAccountComments >= settings.flood.max && isNewAccount(author, settings, ctx.now)) {
    return {
      verdict: {
        action: 'hold',
        reason: {
          phase: 'rate_limit',
          code: 'flood',
          message: `${history.storyNewAccountComments} comments from new accounts on this story in ${settings.flood.windowSeconds} s (limit ${settings.flood.max}).`,
        },
      },
    };
  }
  return undefined;
}
