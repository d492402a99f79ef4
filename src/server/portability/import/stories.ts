import type { Db } from '../../storage/db.js';
import { newId, nowIso } from '../../storage/ids.js';
import { normaliseStoryUrl } from '../../stories/url.js';
import type { SourceThread, ThreadProblem } from './model.js';

/** A thread's story, once found or created. */
export interface ThreadStory {
  storyId: string;
  /** Made by this import (so it holds no comment from elsewhere). */
  created: boolean;
}

export interface StoryStats {
  created: number;
  existing: number;
  /** Threads that named a page another thread already named (http/https, tracking parameters): one story. */
  folded: number;
  closed: number;
  problems: Partial<Record<ThreadProblem, number>>;
}

/**
 * The page a URL names, whatever the scheme: an archive often has the same article under http:// and https://.
 * Null for a URL that is not http(s).
 */
export function foldUrl(raw: string): { key: string; url: URL } | null {
  let normalised: string;
  try {
    normalised = normaliseStoryUrl(raw);
  } catch {
    return null;
  }
  const url = new URL(normalised);
  return { key: normalised.slice(url.protocol.length), url };
}

const CHUNK = 400;

/**
 * Finds or creates the story of every thread. Threads are grouped by folded URL; the story URL takes the scheme the
 * site's origins use for that host (so the embed finds it), else https when any copy used it. An existing story
 * under either scheme is reused and keeps its title; a closed thread closes its story, and nothing reopens one.
 */
export async function resolveStories(
  db: Db,
  site: { id: string; origins: string[]; lang: string },
  threads: Map<string, SourceThread>,
  commented: Set<string>,
): Promise<{ byThread: Map<string, ThreadStory>; stats: StoryStats }> {
  const stats: StoryStats = { created: 0, existing: 0, folded: 0, closed: 0, problems: {} };
  const groups = new Map<string, { urls: URL[]; title: string; closed: boolean; createdAt: string | null; threadKeys: string[] }>();
  for (const t of threads.values()) {
    if (t.onlyIfCommented && !commented.has(t.key)) continue;
    const f = foldUrl(t.url);
    if (!f) {
      stats.problems.badUrl = (stats.problems.badUrl ?? 0) + 1;
      continue;
    }
    const g = groups.get(f.key);
    if (g) {
      stats.folded++;
      g.urls.push(f.url);
      g.threadKeys.push(t.key);
      g.closed ||= t.closed;
      if (!g.title && t.title) g.title = t.title;
      if (t.createdAt && (!g.createdAt || t.createdAt < g.createdAt)) g.createdAt = t.createdAt;
    } else groups.set(f.key, { urls: [f.url], title: t.title, closed: t.closed, createdAt: t.createdAt, threadKeys: [t.key] });
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
    const candidates = chunk.flatMap(([key]) => [`http:${key}`, `https:${key}`]);
    const found = await db.selectFrom('stories').select(['id', 'url', 'closed']).where('site_id', '=', site.id).where('url', 'in', candidates).execute();
    const byKey = new Map(found.map((s) => [s.url.slice(s.url.indexOf(':') + 1), s]));
    const toInsert: { id: string; site_id: string; url: string; title: string; lang: string; closed: number; published_at: string | null; created_at: string }[] = [];
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
        storyId = newId();
        stats.created++;
        toInsert.push({
          id: storyId,
          site_id: site.id,
          url,
          title: g.title.slice(0, 300) || url,
          lang: site.lang,
          closed: g.closed ? 1 : 0,
          published_at: g.createdAt,
          created_at: g.createdAt ?? nowIso(),
        });
      }
      if (g.closed) stats.closed++;
      for (const k of g.threadKeys) byThread.set(k, { storyId, created });
    }
    await db.transaction().execute(async (tx) => {
      if (toInsert.length) await tx.insertInto('stories').values(toInsert).execute();
      if (toClose.length) await tx.updateTable('stories').set({ closed: 1 }).where('id', 'in', toClose).execute();
    });
  }
  return { byThread, stats };
}
