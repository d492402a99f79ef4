import { isStaff, type ModerationContext } from '../context.js';
import type { PhaseOutput } from '../types.js';

/** Pre-moderation (the story's own mode, else the site's): every comment waits for a moderator. */
export function mode(ctx: Pick<ModerationContext, 'story' | 'settings' | 'author'>): PhaseOutput {
  if (!ctx.story || isStaff(ctx.author)) return undefined;
  const own = ctx.story.mode;
  const effective = own === 'inherit' ? ctx.settings.mode : own;
  if (effective !== 'pre') return undefined;
  const message = own === 'pre' ? 'This story is pre-moderated.' : 'This site is pre-moderated.';
  return { verdict: { action: 'hold', reason: { phase: 'mode', code: 'premoderation', message } } };
}
