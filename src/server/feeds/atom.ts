import type { Db } from '../storage/db.js';
import type { Story } from '../stories/repository.js';
import { escapeHtml } from '../pages/html.js';
import { commentUrl } from '../comments/permalink.js';

/** Entries in a feed: the latest published comments, enough for a feed reader polling every few minutes. */
export const FEED_SIZE = 50;

interface Entry {
  id: string;
  author: string;
  bodyHtml: string;
  createdAt: string;
  editedAt: string | null;
}

/** The latest published comments of a story, newest first (scoped by its site). */
export async function latestPublished(db: Db, story: Story, limit = FEED_SIZE): Promise<Entry[]> {
  const rows = await db
    .selectFrom('comments as c')
    .innerJoin('users as u', 'u.id', 'c.author_id')
    .select(['c.id', 'u.display_name', 'c.body_html', 'c.created_at', 'c.edited_at'])
    .where('c.site_id', '=', story.siteId)
    .where('c.story_id', '=', story.id)
    .where('c.status', '=', 'published')
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, author: r.display_name, bodyHtml: r.body_html, createdAt: r.created_at, editedAt: r.edited_at }));
}

// XML 1.0 allows tab, newline, carriage return and U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF; anything else (a
// control character, a lone surrogate, U+FFFE) makes the whole document ill-formed and a feed reader drops it.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for the feed, without the characters XML cannot carry (one comment must not break every entry). */
const x = (s: string): string => escapeHtml(s.replace(NOT_XML_CHAR, ''));

/** An Atom 1.0 document (RFC 4287) of a story's published comments; comment HTML goes in as escaped `type="html"`. */
export function renderAtom(story: Story, entries: Entry[], selfUrl: string, lang: string): string {
  const page = story.url.split('#')[0] ?? story.url;
  const title = lang === 'fr' ? `Commentaires : ${story.title}` : `Comments: ${story.title}`;
  const updated = entries.reduce((max, e) => ((e.editedAt ?? e.createdAt) > max ? (e.editedAt ?? e.createdAt) : max), story.createdAt);
  const items = entries
    .map((e) => {
      const href = commentUrl(story.url, e.id);
      return `<entry><id>${x(href)}</id><title>${x(lang === 'fr' ? `${e.author} sur « ${story.title} »` : `${e.author} on “${story.title}”`)}</title><author><name>${x(e.author)}</name></author><published>${e.createdAt}</published><updated>${e.editedAt ?? e.createdAt}</updated><link rel="alternate" type="text/html" href="${x(href)}"/><content type="html">${x(e.bodyHtml)}</content></entry>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${x(lang)}">
<id>${x(selfUrl)}</id>
<title>${x(title)}</title>
<updated>${updated}</updated>
<link rel="self" type="application/atom+xml" href="${x(selfUrl)}"/>
<link rel="alternate" type="text/html" href="${x(page)}"/>
<generator>Agora</generator>
${items}
</feed>
`;
}
