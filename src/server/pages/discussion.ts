import { discussionStrings, formatDate, type Lang } from '../../i18n/discussion.js';
import type { ApiComment } from '../http/schemas.js';
import { httpUrlOrNull } from '../sso/display.js';
import { html, raw, type Raw } from './html.js';

/** Replies shown before the rest fold behind "Show N more replies" (a <details>, so it works without JavaScript). */
const SHOWN_REPLIES = 3;

/**
 * The author as shown: the publisher's picture (decorative, alt="": the name follows), the name, then its badges as
 * plain labels. The picture is another site's: loaded lazily, and without telling it which article is being read.
 */
function author(a: NonNullable<ApiComment['author']>, lang: Lang): Raw {
  const t = discussionStrings[lang];
  const avatar = httpUrlOrNull(a.avatarUrl);
  const labels = [...(a.staff ? [t.staffLabels[a.staff]] : []), ...(a.badges ?? [])];
  return html`${avatar ? html`<img class="avatar" src="${avatar}" alt="" width="24" height="24" loading="lazy" referrerpolicy="no-referrer"> ` : ''}<strong>${a.displayName}</strong>${
    labels.length ? html` <span class="badges">${labels.map((b, i) => html`<span class="badge${a.staff && i === 0 ? ' staff' : ''}">${b}</span>`)}</span>` : ''
  }`;
}

/** How one render shows its comments: `target` is the comment a permalink opened (marked, and never folded away). */
interface View {
  lang: Lang;
  now: number;
  target: string | null;
}

const contains = (list: ApiComment[], id: string): boolean => list.some((c) => c.id === id || contains(c.replies, id));

function comment(c: ApiComment, v: View): Raw {
  const t = discussionStrings[v.lang];
  const deleted = c.status === 'deleted';
  // The time links to the comment's own view (?comment=): it works without JavaScript from any page of the
  // discussion, and the fragment scrolls to the comment there (the widget reads the same fragment).
  const when = html`<a class="permalink" href="?comment=${encodeURIComponent(c.id)}#comment-${c.id}" title="${t.permalinkLabel}"><time datetime="${c.createdAt}">${formatDate(c.createdAt, v.lang, v.now)}</time></a>`;
  const current = v.target === c.id;
  return html`<li><article class="comment${current ? ' target' : ''}" id="comment-${c.id}" aria-label="${c.author?.displayName ?? t.deleted}"${current ? html` aria-current="true"` : ''}>
<header>${deleted || !c.author ? '' : html`${author(c.author, v.lang)} · `}${when}${c.editedAt ? html` · ${t.edited}` : ''}${c.inReplyTo ? html` · ${t.inReplyTo(c.inReplyTo.displayName)}` : ''}${
    c.featured ? html` · <span class="badge featured">${t.featuredLabel}</span>` : ''
  }</header>
${deleted ? html`<p class="tombstone">${t.deleted}</p>` : html`<div class="body">${raw(c.bodyHtml)}</div>`}
${deleted ? '' : html`<p class="actions">${t.respectCount(c.reactionCount)}</p>`}
</article>${replies(c.replies, v)}</li>`;
}

function replies(list: ApiComment[], v: View): Raw | '' {
  if (list.length === 0) return '';
  const shown = list.slice(0, SHOWN_REPLIES);
  const rest = list.slice(SHOWN_REPLIES);
  const t = discussionStrings[v.lang];
  // A folded reply a permalink points to is shown unfolded: the fragment cannot reach into a closed <details>.
  const open = v.target !== null && contains(rest, v.target);
  return html`<ol>${shown.map((r) => comment(r, v))}</ol>${
    rest.length ? html`<details${open ? html` open` : ''}><summary>${t.showMoreReplies(rest.length)}</summary><ol>${rest.map((r) => comment(r, v))}</ol></details>` : ''
  }`;
}

/**
 * The Discussion as plain HTML: the first page of comments is in the document, so it is readable and indexable
 * without JavaScript. The widget attaches a shadow root to this section and takes over.
 */
export function renderDiscussion(opts: {
  storyId: string;
  lang: Lang;
  totalCount: number;
  comments: ApiComment[];
  nextHref: string | null;
  closed: boolean;
  message?: string | null;
  now?: number;
  /** A permalink's view: one thread, the comment it names, and the way back to the whole discussion. */
  thread?: { target: string; allHref: string };
}): Raw {
  const t = discussionStrings[opts.lang];
  const v: View = { lang: opts.lang, now: opts.now ?? Date.now(), target: opts.thread?.target ?? null };
  return html`<section id="agora-discussion" class="discussion" aria-labelledby="agora-discussion-title" lang="${opts.lang}" data-story-id="${opts.storyId}">
<h2 id="agora-discussion-title">${t.discussion} <span class="count">${t.commentCount(opts.totalCount)}</span></h2>
${opts.message ? html`<p class="story-message" role="note">${opts.message}</p>` : ''}
<p class="cta">${opts.closed ? t.closed : t.cta}</p>
${opts.totalCount === 0 && opts.comments.length === 0 ? html`<p class="empty">${t.empty}</p>` : ''}
${opts.thread ? html`<p class="thread-view">${t.threadView} <a href="${opts.thread.allHref}">${t.allComments}</a></p>` : ''}
<ol class="comments">${opts.comments.map((c) => comment(c, v))}</ol>
${opts.nextHref ? html`<p><a href="${opts.nextHref}" rel="next">${t.loadMore}</a></p>` : ''}
</section>`;
}
