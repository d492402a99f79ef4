import type { ModerationContext } from '../context.js';
import type { PhaseOutput } from '../types.js';

const DAY_MS = 86_400_000;

/** Refuses comments on a closed story, or on one older than the site's auto-close age. */
export function storyClosed(ctx: Pick<ModerationContext, 'story' | 'settings' | 'now'>): PhaseOutput {
  const { story, settings } = ctx;
  if (!story) return undefined;
  const days = settings.autoCloseDays;
  const expired = days !== null && ctx.now - Date.parse(story.createdAt) > days * DAY_MS;
  if (!story.closed && !expired) return undefined;
  const message = story.closed ? 'The story is closed to comments.' : `The story closed automatically ${days} days after publication.`;
  return { verdict: { action: 'reject', reason: { phase: 'story_closed', code: story.closed ? 'closed' : 'auto_closed', message }, refusal: { code: 'STORY_CLOSED' } } };
}
