import type { Db } from '../../storage/db.js';
import { newId, nowIso } from '../../storage/ids.js';
import type { ChangeRunner } from '../../events/change.js';
import { mergeStorySettings } from '../../stories/settings.js';
import { normaliseStoryUrl, storyUrlKey, storyUrlVariants } from '../../stories/url.js';
import type { HeldReason, SourceThread, ThreadProblem } from './model.js';

/** A thread's story, once found or created. */
export interface ThreadStory {
  storyId: string;
  /** Made by this import (so it holds no comment from elsewhere). */
  created: boolean;
  /** The thread's post was not public in the source: its comments are held for review. */
  held: HeldReason | null;
}

export interface StoryStats {
  created: number;
  existing: number;
  /** Threads that named a page another thread already named (http/https, tracking parameters): one story. */
  folded: number;
  closed: number;
  /** Stories made for posts that were not public (password, private, draft, scheduled, trash): not listed. */
  unlisted: number;
  /** Threads whose link was relative (`/2020/01/article`), read against the site's first origin. */
  relative: number;
  problems: Partial<Record<ThreadProblem, number>>;
}

/**
 * The page a URL names, whatever the scheme or trailing slash: an archive often has the same article under http://
 * and https://. The key is the one lookups and counts use (stories/url.ts). Null for a URL that is not http(s).
 */
export function foldUrl(raw: string): { key: string; url: URL } | null {
  let normalised: string;
  try {
    normalised = normaliseStoryUrl(raw);
  } catch {
    return null;
  }
  return { key: storyUrlKey(normalised), url: new URL(normalised) };
}

const CHUNK = 400;

/**
 * An absolute link from a thread's link: relative links (`/2020/01/article`, `//host/path`, which some Disqus
 * exports carry) are read against the site's first origin; null when there is nothing to read them against.
 */
function absolute(raw: string, base: string | undefined): { url: string; relative: boolean } | null {
  const link = raw.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(link)) return { url: link, relative: false };
  if (!base || !link.startsWith('/')) return link ? { url: link, relative: false } : null;
  try {
    return { url: new URL(link, base).href, relative: true };
  } catch {
    return null;
  }
}

/** Posts that are not public keep their title out of the story: a draft's or a private post's title is not public. */
const titleIsPublic = (hidden: HeldReason | null) => hidden === null || hidden === 'password';

/**
 * Finds or creates the story of every thread. Threads are grouped by folded URL; the story URL takes the scheme the
 * site's origins use for that host (so the embed finds it), else https when any copy used it. An existing story
 * under either scheme is reused and keeps its title; a closed thread closes its story, and nothing reopens one.
 *
 * A story made only for posts that were not public is unlisted: it holds no visible comment (they are held for
 * review), it is pre-moderated so nothing appears there without a moderator, no public event announces it, and it
 * carries the post's title only when WordPress showed that title to everyone (password-protected posts).
 * Stories are written in one change per chunk; a dry run writes nothing and gives new stories placeholder ids.
 */
export async function resolveStories(
  db: Db,
  site: { id: string; origins: string[]; lang: string },
  threads: Map<string, SourceThread>,
  commented: Set<string>,
  opts: { change: ChangeRunner; dryRun?: boolean },
): Promise<{ byThread: Map<string, ThreadStory>; stats: StoryStats }> {
  const stats: StoryStats = { created: 0, existing: 0, folded: 0, closed: 0, unlisted: 0, relative: 0, problems: {} };
  const groups = new Map<string, { urls: URL[]; title: string; closed: boolean; createdAt: string | null; threads: { key: string; hidden: HeldReason | null }[] }>();
  for (const t of threads.values()) {
    if (t.onlyIfCommented && !commented.has(t.key)) continue;
    const link = absolute(t.url, site.origins[0]);
    const f = link ? foldUrl(link.url) : null;
    if (!link || !f) {
      stats.problems.badUrl = (stats.problems.badUrl ?? 0) + 1;
      continue;
    }
    if (link.relative) stats.relative++;
    const hidden = t.hidden ?? null;
    const title = titleIsPublic(hidden) ? t.title : '';
    const g = groups.get(f.key);
    if (g) {
      stats.folded++;
      g.urls.push(f.url);
      g.threads.push({ key: t.key, hidden });
      g.closed ||= t.closed;
      if (!g.title && title) g.title = title;
      if (t.createdAt && (!g.createdAt || t.createdAt < g.createdAt)) g.createdAt = t.createdAt;
    } else groups.set(f.key, { urls: [f.url], title, closed: t.closed, createdAt: t.createdAt, threads: [{ key: t.key, hidden }] });
  }

  const origins = new Set(site.origins);
  const preferred = (urls: URL[]): string => {
    const first = urls[0] as URL;
    for (const scheme of ['https:', 'http:']) if (origins.has(`${scheme}//${first.host}`)) return scheme + first.href.slice(first.protocol.length);
    return urls.some((u) => u.protocol === 'https:') ? `https:${first.href.slice(first.protocol.length)}` : first.href;
  };

  const byThread = new Map<string, ThreadStory>();
  const entries = [...groups.entries()];
  for (let at = 0; at < entries.length; at += CHUNK) {
    const chunk = entries.slice(at, at + CHUNK);
    const candidates = [...new Set(chunk.flatMap(([, g]) => g.urls.flatMap((u) => storyUrlVariants(u.href))))];
    const found = await db.selectFrom('stories').select(['id', 'url', 'closed']).where('site_id', '=', site.id).where('url', 'in', candidates).execute();
    // Sorted so that, among stories stored under several variants of one page, the https one is kept (as lookups do).
    found.sort((a, b) => Number(a.url.startsWith('https:')) - Number(b.url.startsWith('https:')) || b.url.length - a.url.length);
    const byKey = new Map(found.map((s) => [storyUrlKey(s.url), s]));
    const toInsert: { id: string; site_id: string; url: string; title: string; lang: string; closed: number; settings?: string; published_at: string | null; created_at: string }[] = [];
    const toClose: string[] = [];
    for (const [key, g] of chunk) {
      const existing = byKey.get(key);
      let storyId: string;
      const created = !existing;
      if (existing) {
        stats.existing++;
        storyId = existing.id;
        if (g.closed && existing.closed !== 1) toClose.push(existing.id);
      } else {
        const url = preferred(g.urls);
        storyId = opts.dryRun ? `(new story ${stats.created + 1})` : newId();
        stats.created++;
        const unlisted = g.threads.every((t) => t.hidden !== null);
        if (unlisted) stats.unlisted++;
        toInsert.push({
          id: storyId,
          site_id: site.id,
          url,
          title: g.title.slice(0, 300) || url,
          lang: site.lang,
          closed: g.closed ? 1 : 0,
          ...(unlisted ? { settings: mergeStorySettings(null, { premoderation: true }) } : {}),
          published_at: unlisted ? null : g.createdAt,
          created_at: g.createdAt ?? nowIso(),
        });
      }
      if (g.closed) stats.closed++;
      for (const t of g.threads) byThread.set(t.key, { storyId, created, held: t.hidden });
    }
    if (opts.dryRun || (toInsert.length === 0 && toClose.length === 0)) continue;
    await opts.change(async (ch) => {
      // Rows with and without their own settings are inserted apart: a multi-row insert takes one column list.
      for (const part of [toInsert.filter((r) => r.settings === undefined), toInsert.filter((r) => r.settings !== undefined)]) {
        if (part.length) await ch.tx.insertInto('stories').values(part).execute();
      }
      if (toClose.length) await ch.tx.updateTable('stories').set({ closed: 1 }).where('id', 'in', toClose).execute();
    });
  }
  return { byThread, stats };
}
