/**
 * The embed API on a publisher's page, in real Chromium (README, "The embed API"): the command queue that works with
 * `<script async>`, one Discussion per script tag, `data-manual`, the handle's destroy(), and the hooks a single
 * sign-on site needs (onReady, onCommentPosted, onLoginRequest, onLogout, onError, getToken), in French and English.
 * Agora on `localhost`, the publisher on `127.0.0.1`: cross-site, as in production.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { hsToken, makeSite, publishEverything } from '../fixtures/publisher.js';
import { TEST_TIMEOUT_MS, commentWithText, composerField, eventually, launchBrowser, newContext, waitForWidget, widgetPart, textTag } from './helpers.js';

let agora: TestServer;
let site: { id: string; secret: string };
let publisher: Server;
let origin: string;
let browser: Browser;
let context: BrowserContext;

/** The body of each test page, by name; the publisher serves it at /<name>.html inside its page shell. */
const bodies = new Map<string, { lang: 'en' | 'fr'; body: string; csp?: string }>();

/** A token for reader `sub` as the publisher's backend signs it (`exp`: seconds since the epoch, to make one stale). */
const token = (sub: string, o: { exp?: number; secret?: string } = {}) =>
  hsToken(o.secret ?? site.secret, { sub, aud: site.id, name: sub === 'abonne-1' ? 'Claire Abonnée' : 'Sam Subscriber' }, o.exp ? { exp: o.exp, iat: o.exp - 600 } : {});

function startPublisher(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    // The publisher's backend: a fresh token for its signed-in reader (the page asks for it; the page itself is cached).
    if (url.pathname === '/agora-token') {
      res.setHeader('content-type', 'application/json');
      void token(url.searchParams.get('as') ?? 'abonne-1').then((t) => res.end(JSON.stringify({ token: t })));
      return;
    }
    const page = bodies.get(url.pathname.slice(1).replace(/\.html$/, ''));
    if (url.pathname === '/article.html' || page) {
      if (page?.csp) res.setHeader('content-security-policy', page.csp);
      res.end(`<!doctype html><html lang="${page?.lang ?? 'fr'}"><head><meta charset="utf-8"><title>Un article</title>
<link rel="canonical" href="${origin}/article.html"></head><body><h1>Un article</h1>
<script nonce="n0nce">window.seen = []; window.Agora = window.Agora || [];</script>
${page?.body ?? ''}</body></html>`);
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  agora = await startTestServer();
  publishEverything(agora.deps);
  publisher = await startPublisher();
  origin = `http://127.0.0.1:${(publisher.address() as AddressInfo).port}`;
  site = await makeSite(agora.deps, 'gazette', [origin], { lang: 'fr' });
  browser = await launchBrowser();
  context = await newContext(browser);
  // Every EventSource the widget opens, so a test can see that destroy() closed its live stream.
  await context.addInitScript(() => {
    const Native = window.EventSource;
    const opened: EventSource[] = [];
    (window as unknown as { opened: EventSource[] }).opened = opened;
    window.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        opened.push(this);
      }
    };
  });
});

after(async () => {
  await browser?.close();
  await agora?.close();
  await new Promise((r) => publisher?.close(r));
});

/** Opens test page `name` with `body`, collecting page errors and console warnings. */
async function open(name: string, lang: 'en' | 'fr', body: string, csp?: string) {
  bodies.set(name, { lang, body: body.replaceAll('AGORA', agora.url).replaceAll('ORIGIN', origin), csp: csp?.replaceAll('AGORA', agora.url) });
  const page = await context.newPage();
  const errors: string[] = [];
  const warnings: string[] = [];
  const popups: Page[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => (m.type() === 'warning' || m.type() === 'error') && warnings.push(m.text()));
  page.on('popup', (p) => popups.push(p));
  await page.goto(`${origin}/${name}.html`);
  return { page, errors, warnings, popups, seen: () => page.evaluate(() => (window as unknown as { seen: unknown[][] }).seen) };
}

/** How many Discussions the page shows, across every shadow root. */
const discussions = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => e.shadowRoot?.querySelector('[data-testid="discussion"]')).length);

test('the queue: commands pushed before the async embed.js run once it is there, with no "Agora is not defined" (English)', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, errors, seen } = await open('queue', 'en', `<div id="comments"></div>
<script>
  Agora.push(['render', {
    target: document.getElementById('comments'),
    storyUrl: 'ORIGIN/article.html',
    lang: 'en',
    onReady: (info) => seen.push(['ready', info.story.url, info.user]),
  }]);
</script>
<script async src="AGORA/embed.js" data-manual></script>`);
  await waitForWidget(page, '#comments');
  await widgetPart(page, '#comments')('cta').filter({ hasText: 'Join the conversation' }).waitFor();
  await eventually(async () => assert.deepEqual(await seen(), [['ready', `${origin}/article.html`, null]]));
  assert.equal(await discussions(page), 1);
  // After embed.js, `push` runs a command at once; a function command gets the API.
  assert.equal(await page.evaluate(() => typeof (window.Agora as { render?: unknown }).render), 'function');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a plain script tag and a render call give one Discussion, where the page asked (French)', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, errors } = await open('both', 'fr', `<script async src="AGORA/embed.js" data-story-url="ORIGIN/article.html"></script>
<div id="comments"></div>
<script>Agora.push(['render', { target: document.getElementById('comments'), storyUrl: 'ORIGIN/article.html' }]);</script>`);
  await waitForWidget(page, '#comments');
  await widgetPart(page, '#comments')('cta').filter({ hasText: 'Rejoignez la conversation' }).waitFor();
  // Rendering again into the same element replaces the Discussion there.
  await page.evaluate(() => (window.Agora as { push(c: unknown): void }).push(['render', { target: document.getElementById('comments'), storyUrl: `${location.origin}/article.html` }]));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await discussions(page), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('data-manual renders nothing by itself; the handle’s destroy() removes the Discussion and closes its live stream', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page } = await open('manual', 'fr', `<div id="comments"></div><script async src="AGORA/embed.js" data-manual></script>`);
  await page.waitForFunction(() => typeof (window.Agora as { render?: unknown }).render === 'function');
  assert.equal(await discussions(page), 0, 'data-manual: no Discussion until the page renders one');
  await page.evaluate(() => {
    const w = window as unknown as { handle: unknown; Agora: { render(o: unknown): unknown } };
    w.handle = w.Agora.render({ target: document.getElementById('comments'), storyUrl: `${location.origin}/article.html` });
  });
  await waitForWidget(page, '#comments');
  const live = () => page.evaluate(() => (window as unknown as { opened: EventSource[] }).opened.map((e) => e.readyState));
  await eventually(async () => assert.deepEqual(await live(), [1]));
  await page.evaluate(() => (window as unknown as { handle: { destroy(): void } }).handle.destroy());
  assert.equal(await discussions(page), 0);
  assert.deepEqual(await live(), [2], 'the live stream is closed (EventSource.CLOSED)');
  await page.close();
});

test('onLoginRequest: "Se connecter" and "Rejoignez la conversation" while signed out go to the publisher’s sign-in, never Agora’s', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, popups, seen } = await open('login', 'fr', `<div id="comments"></div>
<script>Agora.push(['render', { target: document.getElementById('comments'), storyUrl: 'ORIGIN/article.html', onLoginRequest: () => seen.push(['login']) }]);</script>
<script async src="AGORA/embed.js"></script>`);
  await waitForWidget(page, '#comments');
  const part = widgetPart(page, '#comments');
  await part('sign-in').filter({ hasText: 'Se connecter' }).click();
  await part('cta').click();
  await eventually(async () => assert.deepEqual(await seen(), [['login'], ['login']]));
  assert.equal(popups.length, 0, 'no Agora sign-in window');
  await page.close();
});

test('a refused single sign-on token is reported (console warning and onError), and the reader stays signed out', { timeout: TEST_TIMEOUT_MS }, async () => {
  const forged = await token('abonne-1', { secret: 'not-the-site-secret-not-the-site-secret' });
  const { page, warnings, seen, popups } = await open('refused', 'fr', `<div id="comments"></div>
<script>Agora.push(['render', { target: document.getElementById('comments'), storyUrl: 'ORIGIN/article.html', ssoToken: '${forged}', onError: (e) => seen.push(['error', e.code]) }]);</script>
<script async src="AGORA/embed.js"></script>`);
  await waitForWidget(page, '#comments');
  await eventually(async () => assert.deepEqual(await seen(), [['error', 'SSO_BAD_SIGNATURE']]));
  assert.ok(warnings.some((w) => w.includes('SSO_BAD_SIGNATURE')), `a console warning names the code: ${warnings.join(' | ')}`);
  await widgetPart(page, '#comments')('sign-in').waitFor();
  assert.equal(popups.length, 0, 'no sign-in window was opened on the reader’s behalf');
  await page.close();
});

test('getToken: the cached page asks the publisher’s backend for the token, and renews an expired one (English)', { timeout: TEST_TIMEOUT_MS }, async () => {
  const stale = await token('subscriber-2', { exp: Math.floor(Date.now() / 1000) - 3600 });
  const { page, seen } = await open('renew', 'en', `<div id="comments"></div>
<script>
  Agora.push(['render', {
    target: document.getElementById('comments'),
    storyUrl: 'ORIGIN/article.html',
    lang: 'en',
    ssoToken: '${stale}',
    getToken: () => fetch('/agora-token?as=subscriber-2').then((r) => r.json()).then((b) => (seen.push(['getToken']), b.token)),
  }]);
</script>
<script async src="AGORA/embed.js"></script>`);
  await waitForWidget(page, '#comments');
  await page.locator('#comments').getByText('Signed in as Sam Subscriber').waitFor();
  assert.deepEqual(await seen(), [['getToken']], 'asked once, for the expired token');
  await page.close();
});

test('onCommentPosted and onLogout, for a reader signed in through getToken alone (French)', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, seen } = await open('hooks', 'fr', `<div id="comments"></div>
<script>
  Agora.push(['render', {
    target: document.getElementById('comments'),
    storyUrl: 'ORIGIN/article.html',
    getToken: async () => (await (await fetch('/agora-token?as=abonne-1')).json()).token,
    onCommentPosted: (c) => seen.push(['posted', c.status, c.bodyHtml.includes('Bonjour la gazette')]),
    onLogout: () => seen.push(['logout']),
  }]);
</script>
<script async src="AGORA/embed.js"></script>`);
  await waitForWidget(page, '#comments');
  await page.locator('#comments').getByText('Connecté en tant que Claire Abonnée').waitFor();
  const part = widgetPart(page, '#comments');
  const text = `Bonjour la gazette ${textTag()}`;
  await (await composerField(part('composer').first())).fill(text);
  await part('post').first().click();
  await commentWithText(part, page, text).waitFor();
  await eventually(async () => assert.deepEqual(await seen(), [['posted', 'published', true]]));
  await part('sign-out').click();
  await part('sign-in').waitFor();
  await eventually(async () => assert.deepEqual(await seen(), [['posted', 'published', true], ['logout']]));
  await page.close();
});

test('under a strict CSP that allows only Agora’s origin for scripts, and next to an AMD loader, the widget loads', { timeout: TEST_TIMEOUT_MS }, async () => {
  // No eval, no blob:, no inline script but the page's own (nonce): embed.js and its modules come from Agora's origin.
  const csp = "default-src 'none'; script-src 'nonce-n0nce' AGORA; connect-src AGORA; style-src 'unsafe-inline'; img-src AGORA data:";
  // An AMD loader and CommonJS globals, as old host pages have: a UMD bundle would register itself with them.
  const { page, errors, warnings } = await open('strict', 'fr', `<script nonce="n0nce">
  window.define = function () { seen.push(['define']); };
  window.define.amd = {};
  window.module = { exports: {} };
  window.exports = window.module.exports;
</script>
<script>seen.push(['inline script without the nonce ran: no CSP in force']);</script>
<script async src="AGORA/embed.js" data-story-url="ORIGIN/article.html"></script>`, csp);
  await waitForWidget(page, '.agora-embed');
  await widgetPart(page, '.agora-embed')('cta').filter({ hasText: 'Rejoignez la conversation' }).waitFor();
  // Fetched while idle: the chunks load under the same policy.
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => /\/embed\/composer-/.test(r.name)));
  await widgetPart(page, '.agora-embed')('sign-in').click();
  assert.deepEqual(errors, []);
  // The one refusal is the page's own un-nonced inline script, which shows the policy is in force.
  assert.deepEqual(warnings.filter((w) => /Content Security Policy|Refused/i.test(w) && !/inline script/i.test(w)), [], 'no CSP violation');
  assert.deepEqual(await page.evaluate(() => (window as unknown as { seen: unknown[] }).seen), [], 'nothing registered itself with the AMD loader, and the policy held');
  assert.equal(await discussions(page), 1);
  await page.close();
});
