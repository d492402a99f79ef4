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
function author(a: NonNullable<ApiComment['author']>): Raw {
  const avatar = httpUrlOrNull(a.avatarUrl);
  return html`${avatar ? html`<img class="avatar" src="${avatar}" alt="" width="24" height="24" loading="lazy" referrerpolicy="no-referrer"> ` : ''}<strong>${a.displayName}</strong>${
    a.badges?.length ? html` <span class="badges">${a.badges.map((b) => html`<span class="badge">${b}</span>`)}</span>` : ''
  }`;
}

function comment(c: ApiComment, lang: Lang, now: number): Raw {
  const t = discussionStrings[lang];
  const deleted = c.status === 'deleted';
  return html`<li><article class="comment" id="comment-${c.id}" aria-label="${c.author?.displayName ?? t.deleted}">
<header>${deleted || !c.author ? '' : html`${author(c.author)} · `}<time datetime="${c.createdAt}">${formatDate(c.createdAt, lang, now)}</time>${c.editedAt ? html` · ${t.edited}` : ''}${c.inReplyTo ? html` · ${t.inReplyTo(c.inReplyTo.displayName)}` : ''}</header>
${deleted ? html`<p class="tombstone">${t.deleted}</p>` : html`<div class="body">${raw(c.bodyHtml)}</div>`}
${deleted ? '' : html`<p class="actions">${t.respectCount(c.reactionCount)}</p>`}
</article>${replies(c.replies, lang, now)}</li>`;
}

function replies(list: ApiComment[], lang: Lang, now: number): Raw | '' {
  if (list.length === 0) return '';
  const shown = list.slice(0, SHOWN_REPLIES);
  const rest = list.slice(SHOWN_REPLIES);
  const t = discussionStrings[lang];
  return html`<ol>${shown.map((r) => comment(r, lang, now))}</ol>${
    rest.length ? html`<details><summary>${t.showMoreReplies(rest.length)}</summary><ol>${rest.map((r) => comment(r, lang, now))}</ol></details>` : ''
  }`;
}

/**
 * The Discussion as plain HTML: the first page of comments is in the document, so it is readable and indexable
 * without JavaScript. The widget attaches a shadow root to this section and takes over.
 */
export function renderDiscussion(opts: { storyId: string; lang: Lang; totalCount: number; comments: ApiComment[]; nextHref: string | null; closed: boolean; message?: string | null; now?: number }): Raw {
  const t = discussionStrings[opts.lang];
  const now = opts.now ?? Date.now();
  return html`<section id="agora-discussion" class="discussion" aria-labelledby="agora-discussion-title" lang="${opts.lang}" data-story-id="${opts.storyId}">
<h2 id="agora-discussion-title">${t.discussion} <span class="count">${t.commentCount(opts.totalCount)}</span></h2>
${opts.message ? html`<p class="story-message" role="note">${opts.message}</p>` : ''}
<p class="cta">${opts.closed ? t.closed : t.cta}</p>
${opts.totalCount === 0 && opts.comments.length === 0 ? html`<p class="empty">${t.empty}</p>` : ''}
<ol class="comments">${opts.comments.map((c) => comment(c, opts.lang, now))}</ol>
${opts.nextHref ? html`<p><a href="${opts.nextHref}" rel="next">${t.loadMore}</a></p>` : ''}
</section>`;
}
