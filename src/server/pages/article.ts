import type { Article } from '../articles/repository.js';
import { discussionStrings, type Lang } from '../../i18n/discussion.js';
import { html, type Raw } from './html.js';
import { layout } from './layout.js';

function longDate(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
}

/** A whole article page: the story, then its Discussion and the widget that takes it over. */
export function renderArticlePage(opts: { article: Article; discussion: Raw; canonicalUrl: string; csrfToken: string | null }): string {
  const a = opts.article;
  const body = html`<article class="story" lang="${a.lang}">
<h1>${a.title}</h1>
<p class="standfirst">${a.standfirst}</p>
<p class="byline">${a.byline} · <time datetime="${a.publishedAt}">${longDate(a.publishedAt, a.lang)}</time></p>
${a.paragraphs.map((p) => html`<p>${p}</p>`)}
</article>
${opts.discussion}
<script async src="/embed.js" data-story-id="${a.storyId}" data-container="agora-discussion" data-lang="${a.lang}"></script>`;
  // No preload of the widget's modules: embed.js fetches the reading path and the strings at once (docs/adr/0020).
  const head = html`<link rel="canonical" href="${opts.canonicalUrl}">
<meta property="og:title" content="${a.title}">
${opts.csrfToken ? html`<meta name="agora-csrf" content="${opts.csrfToken}">` : ''}`;
  return layout({ lang: a.lang, title: a.title, body, head, description: a.standfirst });
}

/** The demo newsroom's front page: its articles with their comment counts. */
export function renderIndexPage(articles: (Article & { commentCount: number })[]): string {
  const body = html`<h1>Agora News</h1>
<p>A demo newsroom with a live Discussion under every article.</p>
<ul class="articles">${articles.map(
    (a) => html`<li lang="${a.lang}"><h2><a href="/articles/${a.slug}">${a.title}</a></h2><p>${a.standfirst}</p><p class="meta">${longDate(a.publishedAt, a.lang)} · ${discussionStrings[a.lang].commentCount(a.commentCount)}</p></li>`,
  )}</ul>`;
  return layout({ lang: 'en', title: 'Agora News', body });
}
