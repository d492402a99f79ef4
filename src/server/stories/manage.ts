import { AppError } from '../errors.js';
import type { ChangeRunner } from '../events/change.js';
import type { AuditLog } from '../moderation/audit.js';
import type { StoriesRepository, Story } from './repository.js';
import { mergeStorySettings, readStorySettings, type StorySettings } from './settings.js';

/** What a moderator may change on a story. */
export interface StorySettingsPatch extends Partial<StorySettings> {
  closed?: boolean | undefined;
  publishedAt?: string | null | undefined;
}

/**
 * Changes a story's settings (open/closed, auto-close, pre-moderation, message, publication time) and records who
 * did it, with before and after, in one transaction.
 */
export async function updateStorySettings(
  deps: { stories: StoriesRepository; change: ChangeRunner; audit: AuditLog },
  story: Story,
  patch: StorySettingsPatch,
  actorId: string,
): Promise<{ story: Story; settings: StorySettings }> {
  const raw = await deps.stories.rawSettings(story.siteId, story.id);
  if (raw === undefined) throw new AppError('STORY_NOT_FOUND');
  let publishedAt = patch.publishedAt;
  if (publishedAt) {
    const t = Date.parse(publishedAt);
    if (Number.isNaN(t)) throw new AppError('VALIDATION_FAILED', '(publishedAt is not a date)');
    publishedAt = new Date(t).toISOString();
  }
  const message = patch.message === undefined ? undefined : patch.message?.replace(/\s+/g, ' ').trim() || null;
  const settingsJson = mergeStorySettings(raw, { premoderation: patch.premoderation, autoCloseDays: patch.autoCloseDays, message });
  const settings = readStorySettings(settingsJson);
  const before = { closed: story.closed, ...readStorySettings(raw) };
  await deps.change(async (ch) => {
    await deps.stories.updateSettings(ch.tx, story.siteId, story.id, { closed: patch.closed, settingsJson, publishedAt });
    await deps.audit.record(ch.tx, { siteId: story.siteId, actorId, action: 'story.settings', targetType: 'story', targetId: story.id, before, after: { closed: patch.closed ?? story.closed, ...settings } });
  });
  const updated = await deps.stories.get(story.id);
  if (!updated) throw new AppError('STORY_NOT_FOUND');
  return { story: updated, settings };
}
