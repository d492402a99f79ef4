import { isStaff, type ModerationContext } from '../context.js';
import type { PhaseOutput } from '../types.js';

/** Holds every comment of a user a moderator put on pre-moderation, and a user's first comments when the site asks. */
export function trust(ctx: Pick<ModerationContext, 'author' | 'settings'>): PhaseOutput {
  const a = ctx.author;
  if (!a || isStaff(a)) return undefined;
  if (a.premoderate) return { verdict: { action: 'hold', reason: { phase: 'trust', code: 'user_premoderated', message: 'A moderator asked to review every comment of this user.' } } };
  const first = ctx.settings.premoderateFirst;
  if (first > 0 && a.publishedCount < first) {
    return { verdict: { action: 'hold', reason: { phase: 'trust', code: 'first_comments', message: `The site reviews a user's first ${first} comments; this user has ${a.publishedCount} published.` } } };
  }
  return undefined;
}
