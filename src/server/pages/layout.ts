import { html, raw, type Raw } from './html.js';
import type { Lang } from '../../i18n/discussion.js';

// The demo newsroom's own stylesheet: system fonts, a readable measure, and nothing that needs a build step.
const CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.6 Georgia,'Times New Roman',serif;color:#1a1a1a;background:#fff}
a{color:#0b5394}
a:focus-visible,button:focus-visible,summary:focus-visible{outline:3px solid #0b5394;outline-offset:2px}
header.site{border-bottom:1px solid #ddd;padding:.75rem 1rem}
header.site a,header.site .site-name{font:700 1.25rem system-ui,sans-serif;text-decoration:none;color:#1a1a1a}
main{max-width:42rem;margin:0 auto;padding:1rem}
h1{font-size:clamp(1.6rem,5vw,2.4rem);line-height:1.2;margin:.5rem 0}
.standfirst{font-size:1.2rem;color:#333}
.byline{font:.9rem system-ui,sans-serif;color:#555}
article.story p{margin:0 0 1rem}
.articles{list-style:none;padding:0}
.articles li{border-bottom:1px solid #eee;padding:1rem 0}
.articles h2{margin:0 0 .25rem;font-size:1.3rem}
.meta{font:.85rem system-ui,sans-serif;color:#555}
article.story{padding-bottom:1rem;border-bottom:2px solid #1a1a1a}
.discussion{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin-top:1rem}
.discussion h2{margin:0;font-size:1.4rem}
.discussion .count{font-weight:400;color:#555;font-size:1rem}
.discussion ol{list-style:none;padding:0;margin:0}
.discussion ol ol{margin-left:.75rem;padding-left:.75rem;border-left:2px solid #e5e5e5}
.discussion .comment{padding:.75rem 0}
.discussion .comment header{font-size:.9rem;color:#444}
.discussion .avatar{vertical-align:middle;border-radius:50%;object-fit:cover}
.discussion .badge{display:inline-block;margin-left:.25rem;padding:0 .4rem;border:1px solid #ccc;border-radius:.6rem;font-size:.75rem;line-height:1.4;color:#444}
.discussion .body{overflow-wrap:anywhere}
.discussion .body blockquote{margin:.25rem 0;padding-left:.75rem;border-left:3px solid #ccc;color:#444}
.discussion .body pre{overflow-x:auto;background:#f5f5f5;padding:.5rem}
.discussion .tombstone{color:#666;font-style:italic}
.discussion .actions{font-size:.85rem;color:#555}
.discussion .permalink{color:inherit}
.discussion .comment.target,.discussion .comment:target{background:#fff8d6;outline:2px solid #e0b400;outline-offset:.25rem}
footer.site{max-width:42rem;margin:2rem auto;padding:1rem;font:.85rem system-ui,sans-serif;color:#555;border-top:1px solid #eee}
`;

/** The page shell shared by the demo pages; `siteName` heads the page in place of the demo's (the publisher's site). */
export function layout(opts: { lang: Lang; title: string; body: Raw; head?: Raw; description?: string; siteName?: string }): string {
  return (
    '<!doctype html>' +
    html`<html lang="${opts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title}</title>
${opts.description ? html`<meta name="description" content="${opts.description}">` : ''}
<style>${raw(CSS)}</style>
${opts.head ?? ''}
</head>
<body>
<header class="site">${opts.siteName ? html`<span class="site-name">${opts.siteName}</span>` : html`<a href="/">Agora News</a>`}</header>
<main id="main">${opts.body}</main>
<footer class="site">Agora — ${opts.lang === 'fr' ? 'démonstration' : 'demo'}</footer>
</body>
</html>`.value
  );
}
