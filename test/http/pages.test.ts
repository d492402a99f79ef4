import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../fixtures/server.js';

const FR_SLUG = 'etats-unis-mexique-fentanyl';
const FR_TITLE = 'Fentanyl : Washington pousse Mexico à accepter des opérations militaires communes';
const EN_SLUG = 'wrenford-council-approves-cycle-network';
const EN_TITLE = 'Wrenford council approves 24 km cycle network after year-long consultation';
const PUBLISHER = 'https://news.example';

interface Reader {
  auth: Record<string, string>;
}

async function setup() {
  const built = await buildTestApp({ demoAllowedOrigins: [PUBLISHER] });
  const own = new URL(built.deps.config.publicUrl).origin;
  const storyOf = async (slug: string) => {
    const res = await built.app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(`${own}/articles/${slug}`)}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ story: { id: string } }>().story.id;
  };
  return { ...built, own, frStory: await storyOf(FR_SLUG), enStory: await storyOf(EN_SLUG) };
}

let n = 0;
async function reader(app: FastifyInstance, displayName: string, headers: Record<string, string> = {}): Promise<Reader & { res: LightMyRequestResponse }> {
  n++;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    remoteAddress: `10.40.0.${n}`,
    headers,
    payload: { email: `pages-${n}@example.com`, password: 'correct horse battery', displayName },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { res, auth: { authorization: `Bearer ${res.json<{ token: string }>().token}` } };
}

async function post(app: FastifyInstance, storyId: string, who: Reader, body: string, parentId?: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: who.auth, payload: parentId ? { body, parentId } : { body } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ comment: { id: string } }>().comment.id;
}

async function page(app: FastifyInstance, url: string, headers: Record<string, string> = {}): Promise<{ res: LightMyRequestResponse; html: string }> {
  const res = await app.inject({ method: 'GET', url, headers });
  return { res, html: res.body };
}

/** The server-rendered Discussion section of an article page. */
function discussion(html: string): string {
  const m = /<section id="agora-discussion"[\s\S]*?<\/section>/.exec(html);
  assert.ok(m, 'the page has the Discussion section');
  return m[0];
}

const unescapeAttr = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

describe('the front page and an article before any comment', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let frStory: string;
  before(async () => {
    ({ app, close, frStory } = await setup());
  });
  after(async () => close());

  test('GET / lists both demo articles, each linked, with its comment count in its language', async () => {
    const { res, html } = await page(app, '/');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    const items = html.split('<li ').slice(1);
    const fr = items.find((li) => li.includes(FR_TITLE));
    const en = items.find((li) => li.includes(EN_TITLE));
    assert.ok(fr && en, 'both articles are listed');
    assert.match(fr, new RegExp(`href="/articles/${FR_SLUG}"`));
    assert.match(en, new RegExp(`href="/articles/${EN_SLUG}"`));
    assert.match(fr, /0 commentaire\b/);
    assert.match(en, /0 comments\b/);
  });

  test('the French article is an HTML page in French with its title and an empty Discussion inviting a first comment', async () => {
    const { res, html } = await page(app, `/articles/${FR_SLUG}`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/);
    assert.match(html, /^<!doctype html>/i);
    assert.match(html, /<html lang="fr">/);
    assert.ok(html.includes(`<title>${FR_TITLE}</title>`));
    assert.ok(html.includes(`<h1>${FR_TITLE}</h1>`));
    const d = discussion(html);
    assert.match(d, /lang="fr"/);
    assert.ok(d.includes(`data-story-id="${frStory}"`));
    assert.match(d, />Discussion </);
    assert.match(d, /Rejoignez la conversation/);
    assert.match(d, /Soyez le premier à commenter/);
    assert.match(d, /<span class="count">0 commentaire<\/span>/);
    assert.doesNotMatch(d, /rel="next"/);
    assert.ok(html.includes(`<script async src="/embed.js" data-story-id="${frStory}" data-container="agora-discussion"`), 'the widget takes over the section');
  });

  test('an unknown article is a 404 JSON error', async () => {
    const res = await app.inject({ method: 'GET', url: '/articles/no-such-article' });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'NOT_FOUND');
  });

  test('pages carry a CSP that allows only our own scripts and no framing', async () => {
    for (const url of ['/', `/articles/${FR_SLUG}`, `/auth/popup?origin=${encodeURIComponent(PUBLISHER)}`, '/auth/popup?origin=https%3A%2F%2Fstranger.example']) {
      const res = await app.inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy'] ?? '');
      assert.ok(csp, `${url} has a CSP`);
      const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? /default-src ([^;]*)/.exec(csp)?.[1] ?? '';
      assert.match(scriptSrc, /'self'/, url);
      assert.doesNotMatch(scriptSrc, /unsafe-inline|unsafe-eval|\*/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
    }
  });
});

describe('an article with comments', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let frStory: string;
  let enStory: string;
  let own: string;
  const ids: string[] = [];
  let hostileId = '';

  before(async () => {
    ({ app, close, frStory, enStory, own } = await setup());
    const ana = await reader(app, 'Ana');
    const hostile = await reader(app, '<img src=x onerror=alert(1)>');
    // 25 top-level comments, oldest first; the last one is the hostile one, so it is on the first page.
    for (let i = 1; i <= 24; i++) ids.push(await post(app, frStory, i % 2 ? ana : hostile, `Commentaire numéro ${i}`));
    hostileId = await post(app, frStory, hostile, '<script>alert("x")</script> & **gras** "cité"');
    ids.push(hostileId);
  });
  after(async () => close());

  test('the front page and the article show the new count', async () => {
    const front = (await page(app, '/')).html;
    const fr = front.split('<li ').find((li) => li.includes(FR_TITLE)) ?? '';
    assert.match(fr, /25 commentaires\b/);
    const d = discussion((await page(app, `/articles/${FR_SLUG}`)).html);
    assert.match(d, /<span class="count">25 commentaires<\/span>/);
    assert.doesNotMatch(d, /Soyez le premier à commenter/);
  });

  test('the first page of comments (the newest 20) is in the HTML; older ones are not', async () => {
    const d = discussion((await page(app, `/articles/${FR_SLUG}`)).html);
    const newest20 = ids.slice(-20);
    const oldest5 = ids.slice(0, 5);
    for (const id of newest20) assert.ok(d.includes(`id="comment-${id}"`), `newest comment ${id} is rendered`);
    for (const id of oldest5) assert.ok(!d.includes(`id="comment-${id}"`), `older comment ${id} waits for the next page`);
    assert.match(d, /Commentaire numéro 24/);
    assert.doesNotMatch(d, /Commentaire numéro 5</);
  });

  test('text and names are escaped: the reader sees them, the browser does not run them', async () => {
    const html = (await page(app, `/articles/${FR_SLUG}`)).html;
    const d = discussion(html);
    const hostile = /<article class="comment" id="comment-[^"]*"[^>]*>[\s\S]*?<\/article>/g;
    const block = [...d.matchAll(hostile)].map((m) => m[0]).find((b) => b.includes(`comment-${hostileId}`)) ?? '';
    assert.ok(block, 'the hostile comment is rendered');
    assert.ok(block.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <strong>gras</strong> &quot;cité&quot;'), block);
    assert.ok(block.includes('<strong>&lt;img src=x onerror=alert(1)&gt;</strong>'), block);
    assert.doesNotMatch(html, /<script>alert/);
    assert.doesNotMatch(html, /<img src=x/);
  });

  test('with more than 20 comments a "load more" link carries the cursor, and following it shows the older ones', async () => {
    const d = discussion((await page(app, `/articles/${FR_SLUG}`)).html);
    const link = /<a href="([^"]+)" rel="next">([^<]+)<\/a>/.exec(d);
    assert.ok(link, 'a next-page link');
    assert.equal(link[2], 'Afficher plus de commentaires');
    const href = unescapeAttr(link[1] ?? '');
    const next = new URL(href, own);
    assert.equal(next.pathname, `/articles/${FR_SLUG}`);
    assert.ok(next.searchParams.get('cursor'), href);
    const second = discussion((await page(app, `${next.pathname}${next.search}`)).html);
    for (const id of ids.slice(0, 5)) assert.ok(second.includes(`id="comment-${id}"`), `older comment ${id} is on page 2`);
    for (const id of ids.slice(-20)) assert.ok(!second.includes(`id="comment-${id}"`), `comment ${id} is not repeated on page 2`);
    assert.doesNotMatch(second, /rel="next"/, 'page 2 is the last');
  });

  test('a mangled cursor in a shared link still shows the discussion from its first page', async () => {
    const { res, html } = await page(app, `/articles/${FR_SLUG}?cursor=garbage`);
    assert.equal(res.statusCode, 200);
    assert.ok(discussion(html).includes(`id="comment-${hostileId}"`));
  });

  test('after 3 replies the rest fold into a <details> that works without JavaScript', async () => {
    const [ana, ben] = [await reader(app, 'Ana'), await reader(app, 'Ben')];
    const root = await post(app, enStory, ana, 'Will this slow the buses?');
    const replies: string[] = [];
    for (let i = 1; i <= 5; i++) replies.push(await post(app, enStory, i % 2 ? ben : ana, `Reply ${i}`, root));
    const d = discussion((await page(app, `/articles/${EN_SLUG}`)).html);
    const details = /<details><summary>([^<]*)<\/summary>([\s\S]*?)<\/details>/.exec(d);
    assert.ok(details, 'a <details> block');
    assert.equal(details[1], 'Show 2 more replies');
    const folded = details[2] ?? '';
    const beforeDetails = d.slice(0, d.indexOf('<details>'));
    for (const id of replies.slice(0, 3)) {
      assert.ok(beforeDetails.includes(`id="comment-${id}"`), `reply ${id} is shown`);
      assert.ok(!folded.includes(`id="comment-${id}"`));
    }
    for (const id of replies.slice(3)) assert.ok(folded.includes(`id="comment-${id}"`), `reply ${id} is folded`);
  });

  test('a reader signed in by cookie finds the CSRF token in the page; others do not', async () => {
    const { res } = await reader(app, 'Cookie', { origin: own });
    const cookie = res.cookies.find((c) => c.name === 'agora_session');
    assert.ok(cookie);
    const csrf = res.json<{ csrfToken?: string }>().csrfToken;
    assert.ok(csrf);
    const signedIn = (await page(app, `/articles/${FR_SLUG}`, { cookie: `agora_session=${cookie.value}` })).html;
    assert.ok(signedIn.includes(`<meta name="agora-csrf" content="${csrf}">`));
    const anonymous = (await page(app, `/articles/${FR_SLUG}`)).html;
    assert.doesNotMatch(anonymous, /agora-csrf/);
  });
});

describe('the sign-in popup', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let own: string;
  before(async () => {
    ({ app, close, own } = await setup());
  });
  after(async () => close());

  test('for an allowed origin: 200, both forms, and the origin the token will be posted to', async () => {
    const { res, html } = await page(app, `/auth/popup?origin=${encodeURIComponent(PUBLISHER)}&lang=fr`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.ok(html.includes(`<meta name="agora-origin" content="${PUBLISHER}">`));
    assert.match(html, /<form id="agora-login"/);
    assert.match(html, /<form id="agora-signup"/);
    assert.match(html, /<input id="login-password" name="password" type="password"/);
    assert.match(html, /<html lang="fr">/);
    assert.match(html, /Connectez-vous pour commenter/);
    assert.match(html, /<script src="\/popup.js"/);
  });

  test('Agora’s own origin is allowed too', async () => {
    const { res, html } = await page(app, `/auth/popup?origin=${encodeURIComponent(own)}`);
    assert.equal(res.statusCode, 200);
    assert.ok(html.includes(`<meta name="agora-origin" content="${own}">`));
  });

  test('for a stranger’s origin (or none): 403, an explanation, no forms and no target origin', async () => {
    for (const q of ['?origin=https%3A%2F%2Fstranger.example', '?origin=https%3A%2F%2Fnews.example.evil.example', '', '?origin=*']) {
      const { res, html } = await page(app, `/auth/popup${q}`);
      assert.equal(res.statusCode, 403, q);
      assert.doesNotMatch(html, /agora-origin/, q);
      assert.doesNotMatch(html, /<form/, q);
      assert.doesNotMatch(html, /popup\.js/, q);
      assert.match(html, /role="alert"/, q);
    }
    const fr = await page(app, '/auth/popup?origin=https%3A%2F%2Fstranger.example&lang=fr');
    assert.match(fr.html, /Ce site n’est pas autorisé/);
  });

  test('a hostile origin value is not reflected unescaped', async () => {
    const { html } = await page(app, `/auth/popup?origin=${encodeURIComponent('"><script>alert(1)</script>')}`);
    assert.doesNotMatch(html, /<script>alert/);
  });
});
