import type { Deps } from '../deps.js';
import { newId, nowIso } from '../storage/ids.js';
import { demoArticles } from '../articles/demo-articles.js';

export const DEMO_SITE_ID = 'demo';

/**
 * Creates the demo site and its articles when the database is new. On every start the demo site's origins are
 * brought in line with the configuration (its own public origin plus AGORA_ALLOWED_ORIGINS), added to what is stored.
 */
export async function seedDemo(deps: Deps): Promise<void> {
  const own = new URL(deps.config.publicUrl).origin;
  const wanted = [own, ...deps.config.demoAllowedOrigins];
  const existing = await deps.sites.get(DEMO_SITE_ID);
  if (existing) {
    const merged = [...new Set([...existing.origins, ...wanted])];
    if (merged.length !== existing.origins.length) await deps.sites.setOrigins(DEMO_SITE_ID, merged);
    return;
  }
  if ((await deps.sites.list()).length > 0 || !deps.config.seedDemo) return;
  // Several nodes may start on one new database at once: only the one whose insert wins seeds the articles.
  if (!(await deps.sites.createIfAbsent({ id: DEMO_SITE_ID, name: 'Agora demo newsroom', origins: [...new Set(wanted)], lang: 'fr' }))) return;
  for (const a of demoArticles) {
    const url = `${own}/articles/${a.slug}`;
    await deps.stories.insertIfAbsent(deps.db, { id: newId(), siteId: DEMO_SITE_ID, url, title: a.title, lang: a.lang, closed: false, commentCount: 0, createdAt: nowIso() });
    const story = await deps.stories.findByUrl(DEMO_SITE_ID, url);
    if (!story) throw new Error('demo story vanished after insert');
    await deps.articles.insert({ id: newId(), siteId: DEMO_SITE_ID, storyId: story.id, ...a });
  }
  deps.origins.invalidate();
}
