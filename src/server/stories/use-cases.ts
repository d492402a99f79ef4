import { AppError } from '../errors.js';
import { newId, nowIso } from '../storage/ids.js';
import type { Site, SiteStore } from '../sites/store.js';
import type { StoriesRepository, Story } from './repository.js';
import { normaliseStoryUrl, storyUrlKey, withSiteScheme } from './url.js';
import type { PageReader } from './page-check.js';
import { cleanTitle } from './page-title.js';
import { pickLang } from '../../i18n/discussion.js';
import type { ChangeRunner } from '../events/change.js';

export interface StoryDeps {
  stories: StoriesRepository;
  origins: Pick<SiteStore, 'siteForOrigin'>;
  change: ChangeRunner;
  /** Reads a new story's page (page-check.ts); null when AGORA_STORY_PAGE_CHECK=false. */
  pages: PageReader | null;
  /**
   * Creations in progress on this node, by site and page: the first views of a new article arrive together, and
   * they share one page fetch and one insert instead of fetching the publisher's page once per reader.
   */
  creating: Map<string, Promise<Story>>;
}

export interface LookupInput {
  url: string;
  /** The caller's title: used only when the page check is off. */
  title?: string | undefined;
  lang?: string | undefined;
}

/**
 * Finds the story of a page, creating it on first view when the page's origin belongs to a site. `admitCreation`
 * runs only when a story would be created (the per-client creation limit); looking up an existing story is free.
 */
export async function lookupStory(deps: StoryDeps, input: LookupInput, admitCreation: () => Promise<void> = async () => {}): Promise<Story> {
  const url = normaliseStoryUrl(input.url);
  const site = await deps.origins.siteForOrigin(new URL(url).origin);
  if (!site) throw new AppError('ORIGIN_NOT_ALLOWED');
  const existing = await deps.stories.findByPage(site.id, url);
  if (existing) return existing;
  const key = `${site.id} ${storyUrlKey(url)}`;
  const joined = deps.creating.get(key);
  if (joined) return joined;
  await admitCreation();
  // Checked again: another reader's creation may have started while this one was admitted.
  const started = deps.creating.get(key);
  if (started) return started;
  const work = createStory(deps, site, url, input).finally(() => deps.creating.delete(key));
  deps.creating.set(key, work);
  return work;
}

/** Reads the page (when checked), then inserts the story and announces it, in one transaction. */
async function createStory(deps: StoryDeps, site: Site, normalised: string, input: LookupInput): Promise<Story> {
  const url = withSiteScheme(normalised, site.origins);
  // The page names itself; a caller's title is trusted only when the operator turned the check off.
  const title = (deps.pages ? await deps.pages.title(url, site.id) : cleanTitle(input.title ?? '')) || url;
  const fresh: Story = { id: newId(), siteId: site.id, url, title, lang: input.lang ? pickLang(input.lang) : site.lang, closed: false, commentCount: 0, createdAt: nowIso() };
  // Only the request whose insert won announces the story; a concurrent first view (another node) gets the same row.
  await deps.change(async (ch) => {
    if (await deps.stories.insertIfAbsent(ch.tx, fresh)) ch.emit({ type: 'story.created', siteId: fresh.siteId, storyId: fresh.id, story: fresh });
  });
  const story = await deps.stories.findByPage(site.id, url);
  if (!story) throw new Error('story vanished after insert');
  return story;
}

/** A story by id; throws STORY_NOT_FOUND. */
export async function getStory(deps: Pick<StoryDeps, 'stories'>, id: string): Promise<Story> {
  const story = await deps.stories.get(id);
  if (!story) throw new AppError('STORY_NOT_FOUND');
  return story;
}

/**
 * A story and its event number read together, or STORY_NOT_FOUND: read before a page of its comments, so an event
 * recorded in between is sent again on the live stream rather than missed (the widget drops what it already has).
 */
export async function getStoryForRead(deps: Pick<StoryDeps, 'stories'>, id: string): Promise<{ story: Story; eventSeq: number }> {
  const found = await deps.stories.getWithSeq(id);
  if (!found) throw new AppError('STORY_NOT_FOUND');
  return found;
}
