import { AppError } from '../errors.js';
import { newId, nowIso } from '../storage/ids.js';
import type { SiteStore } from '../sites/store.js';
import type { StoriesRepository, Story } from './repository.js';
import { normaliseStoryUrl } from './url.js';
import { pickLang } from '../../i18n/discussion.js';
import type { ChangeRunner } from '../events/change.js';

export interface StoryDeps {
  stories: StoriesRepository;
  origins: Pick<SiteStore, 'siteForOrigin'>;
  change: ChangeRunner;
}

/** Finds the story of a page, creating it on first view when the page's origin belongs to a site. */
export async function lookupStory(deps: StoryDeps, input: { url: string; title?: string; lang?: string }): Promise<Story> {
  const url = normaliseStoryUrl(input.url);
  const site = await deps.origins.siteForOrigin(new URL(url).origin);
  if (!site) throw new AppError('ORIGIN_NOT_ALLOWED');
  const existing = await deps.stories.findByUrl(site.id, url);
  if (existing) return existing;
  const title = (input.title ?? '').replace(/\s+/g, ' ').trim().slice(0, 300) || url;
  const id = newId();
  const fresh: Story = { id, siteId: site.id, url, title, lang: input.lang ? pickLang(input.lang) : site.lang, closed: false, commentCount: 0, createdAt: nowIso() };
  // Only the request whose insert won announces the story; a concurrent first view gets the same row, silently.
  await deps.change(async (ch) => {
    if (await deps.stories.insertIfAbsent(ch.tx, fresh)) ch.emit({ type: 'story.created', siteId: fresh.siteId, storyId: fresh.id, story: fresh });
  });
  const story = await deps.stories.findByUrl(site.id, url);
  if (!story) throw new Error('story vanished after insert');
  return story;
}

/** A story by id; throws STORY_NOT_FOUND. */
export async function getStory(deps: Pick<StoryDeps, 'stories'>, id: string): Promise<Story> {
  const story = await deps.stories.get(id);
  if (!story) throw new AppError('STORY_NOT_FOUND');
  return story;
}
