/**
 * Host pages that break careless widgets (issue 19, points 3–5), in real Chromium: a plain-JS single-page app that
 * swaps its views without telling the widget, a page whose old libraries replaced `Array.from`, `bind` and `Promise`,
 * a page without EventSource, and an anonymous reader's console (no 4xx, no error, the sign-in window's too).
 * Agora on `localhost`, the publisher on `127.0.0.1`: cross-site, as in production.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { makeSite, publishEverything } from '../fixtures/publisher.js';
import { DEMO_ARTICLE_SLUG, TEST_TIMEOUT_MS, commentWithText, composerField, eventually, launchBrowser, newContext, waitForWidget, widgetPart } from './helpers.js';

let agora: TestServer;
let publisher: Server;
let origin: string;
let browser: Browser;

/** The body of each test page, by name; the publisher serves it at /<name>.html inside its page shell. */
const bodies = new Map<string, string>();

function startPublisher(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const name = url.pathname.slice(1).replace(/\.html$/, '');
    // Any /story-<n>.html is an article of the single-page app (its own URL, its own story).
    if (!bodies.has(name) && !/^story-\d+$/.test(name)) {
      res.statusCode = 404;
      return res.end();
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    // A data: icon: the publisher's own favicon is not Agora's to answer, and must not show as a 404 here.
    res.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Un article</title><link rel="icon" href="data:,">
</head><body><h1>Un article</h1>
<script>window.Agora = window.Agora || [];</script>
${(bodies.get(name) ?? '').replaceAll('AGORA', agora.url).replaceAll('ORIGIN', origin)}</body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  agora = await startTestServer();
  publishEverything(agora.deps);
  publisher = await startPublisher();
  origin = `http://127.0.0.1:${(publisher.address() as AddressInfo).port}`;
  await makeSite(agora.deps, 'hebdo', [origin], { lang: 'fr', settings: { guests: { enabled: true } } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await agora?.close();
  await new Promise((r) => publisher?.close(r));
});

/** A context whose pages count the EventSources they open (`window.opened`). */
async function countingContext(): Promise<BrowserContext> {
  const context = await newContext(browser);
  await context.addInitScript(() => {
    const Native = window.EventSource;
    if (!Native) return;
    const opened: EventSource[] = [];
    (window as unknown as { opened: EventSource[] }).opened = opened;
    window.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        opened.push(this);
      }
    };
  });
  return context;
}

/** EventSources of the page not closed. */
const openStreams = (page: Page) => page.evaluate(() => (window as unknown as { opened: EventSource[] }).opened.filter((e) => e.readyState !== 2).length);

/** Live streams open on the server, as its /metrics gauge says (loopback callers may read it). */
async function serverStreams(): Promise<number> {
  const text = await (await fetch(`${agora.url}/metrics`)).text();
  const m = /^agora_sse_streams (\d+)$/m.exec(text);
  assert.ok(m, 'the agora_sse_streams gauge is in /metrics');
  return Number(m[1]);
}

/** How many Discussions the page shows, across every shadow root. */
const discussions = (page: Page) => page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => e.shadowRoot?.querySelector('[data-testid="discussion"]')).length);

test('single-page navigation: a view that leaves the document takes its widget with it; after N navigations one stream is open, in the browser and on the server', { timeout: TEST_TIMEOUT_MS }, async () => {
  // The app's router: each view replaces the last (no destroy() called by the app), and renders its story's Discussion.
  bodies.set(
    'spa',
    `<main id="view"><div id="first"></div></main>
<script>
  window.go = (n, same) => {
    const view = document.getElementById('view');
    let el = same && view.querySelector('.comments');
    if (!el) {
      view.replaceChildren();
      el = document.createElement('div');
      el.className = 'comments';
      view.append(el);
    }
    history.pushState(null, '', '/story-' + n + '.html');
    Agora.push(['render', { target: el, storyUrl: 'ORIGIN/story-' + n + '.html', lang: 'en' }]);
  };
</script>
<script async src="AGORA/embed.js" data-container="first" data-story-url="ORIGIN/spa.html"></script>`,
  );
  const context = await countingContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/spa.html`);
  await waitForWidget(page, '#first');
  await eventually(async () => assert.equal(await openStreams(page), 1, 'the script tag’s widget streams'));
  // The script tag's Discussion has a handle too.
  assert.equal(await page.evaluate(() => typeof (window.Agora as unknown as { get(el: Element): { destroy: unknown } }).get(document.getElementById('first')!)?.destroy), 'function');

  // Its container leaves the document, and nobody tells the widget: its stream closes by itself.
  await page.evaluate(() => document.getElementById('first')!.remove());
  await eventually(async () => assert.equal(await openStreams(page), 0, 'the removed widget closed its stream'));
  await eventually(async () => assert.equal(await serverStreams(), 0, 'and the server sees it closed'));

  const N = 5;
  for (let n = 1; n <= N; n++) {
    await page.evaluate((k) => (window as unknown as { go(n: number): void }).go(k), n);
    await widgetPart(page, '#view .comments')('discussion').waitFor();
    await eventually(async () => assert.equal(await openStreams(page), 1, `navigation ${n}: one stream open in the page`));
  }
  await eventually(async () => assert.equal(await serverStreams(), 1, `after ${N} navigations: one stream on the server`));
  const made = await page.evaluate(() => (window as unknown as { opened: EventSource[] }).opened.length);
  assert.equal(made, N + 1, 'one stream per view shown, none opened twice');
  assert.equal(await discussions(page), 1);

  // Another story into the same container replaces the Discussion there.
  await page.evaluate(() => (window as unknown as { go(n: number, same: boolean): void }).go(99, true));
  await eventually(async () => {
    const url = await page.evaluate(() => (window as unknown as { opened: EventSource[] }).opened.filter((e) => e.readyState !== 2).map((e) => e.url));
    assert.equal(url.length, 1);
  });
  assert.equal(await discussions(page), 1);
  await eventually(async () => assert.equal(await serverStreams(), 1));

  // Agora.unmount, as a queued command: nothing left open.
  await page.evaluate(() => (window.Agora as unknown as { push(c: unknown): void }).push(['unmount', document.querySelector('#view .comments')]));
  await eventually(async () => assert.equal(await openStreams(page), 0));
  await eventually(async () => assert.equal(await serverStreams(), 0, 'unmount closed the last stream'));
  assert.equal(await discussions(page), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('old libraries’ globals (Array.from without its mapper, a bind that drops arguments, a slow Promise polyfill): a guest still comments, quickly', { timeout: TEST_TIMEOUT_MS }, async () => {
  bodies.set('old-globals', `<div id="comments"></div><script async src="AGORA/embed.js" data-container="comments" data-story-url="ORIGIN/old-globals.html"></script>`);
  const context = await newContext(browser);
  const page = await context.newPage();
  // Installed before any script of the page, as a library loaded in <head> would.
  // Plain JavaScript, as a library would ship it (a function here would be compiled with the test's helpers).
  await page.addInitScript(`
    // MooTools-style: converts, ignores the mapping function.
    Array.from = function (x) { return Array.prototype.slice.call(x); };
    // A bind that keeps \`this\` but drops bound arguments.
    Function.prototype.bind = function (self) { var f = this; return function () { return f.apply(self, arguments); }; };
    // The page's own timer, which must keep running while a guest's proof of work runs.
    window.ticks = []; setInterval(function () { ticks.push(Date.now()); }, 20);
    // A Promise whose callbacks each wait 15 ms for a timer.
    (function () {
      var Native = Promise;
      var later = function (fn) { return fn && function (a) { return new Native(function (r) { setTimeout(function () { r(fn(a)); }, 15); }); }; };
      window.Promise = class SlowPromise extends Native {
        then(ok, ko) { return super.then(later(ok), later(ko)); }
      };
    })();
  `);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/old-globals.html`);
  assert.equal(await page.evaluate(() => Promise.name), 'SlowPromise', 'the polyfill is in place');
  assert.deepEqual(await page.evaluate(() => Array.from([1, 2], (x) => x * 10)), [1, 2], 'Array.from ignores its mapper here');
  await waitForWidget(page, '#comments');
  const part = widgetPart(page, '#comments');
  await part('guest-toggle').click();
  await part('guest-name').fill('Lecteur de passage');
  await part('guest-email').fill('passage@example.org');
  const text = `Sans compte, sur une vieille page ${Date.now().toString(36)}`;
  await (await composerField(part('composer').last())).fill(text);
  // The nonce sent is the number of hashes the proof of work tried: time per hash does not depend on luck.
  // The proof of work runs between the challenge's answer and the post; its nonce is the number of hashes it tried.
  let challenged = 0;
  page.on('response', (r) => r.url().endsWith('/guest-challenge') && (challenged = Date.now()));
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/guest-comments'), { timeout: 60_000 });
  const started = Date.now();
  await part('post').last().click();
  const nonce = Number(((await sent).postDataJSON() as { nonce: string }).nonce);
  const posted = Date.now();
  const powMs = posted - challenged;
  await commentWithText(part, page, text).getByText('En attente de modération').waitFor({ timeout: 60_000 });
  const ms = Date.now() - started;
  // What WebCrypto does in this page now, awaiting each digest (immune to the polyfill): the machine's load, measured.
  const calibration = await page.evaluate(async () => {
    const te = new TextEncoder();
    const t = performance.now();
    for (let i = 0; i < 10_240; i++) await crypto.subtle.digest('SHA-256', te.encode(`calibration:${i}`));
    return (performance.now() - t) / 10_240;
  });
  // The site's default difficulty (18 bits). Before the fix: a TypeError, reported as "server unreachable"; with the
  // mapper honoured, each batch of 256 hashes waited for the polyfill's timers. Measured in this Chromium on the
  // team's loaded 2-core machine: ~30 µs a hash with or without the polyfill now; the old Promise.all loop under the
  // polyfill ~214 µs. The bound (3× this page's own speed, plus a second) leaves room for load, not for the polyfill.
  console.log(`# guest comment under old globals: ${nonce + 1} hashes in ${powMs} ms, the page's timer meanwhile: ${(await page.evaluate(() => (window as unknown as { ticks: number[] }).ticks)).filter((t) => t > challenged && t < posted).length} runs (WebCrypto here: ${(calibration * 1000).toFixed(1)} µs a hash awaited one by one), ${ms} ms with the post`);
  assert.ok(powMs < 1000 + (nonce + 1) * 3 * calibration, `proof of work: ${nonce + 1} hashes in ${powMs} ms under a slow Promise polyfill`);
  // The page stayed responsive: its 20 ms timer ran during the search (before, WebCrypto's answers starved it).
  const ticks = (await page.evaluate(() => (window as unknown as { ticks: number[] }).ticks)).filter((t) => t > challenged && t < posted);
  if (powMs > 500) assert.ok(ticks.length > 0, `the page's timer ran ${ticks.length} times in ${powMs} ms of proof of work`);
  assert.doesNotMatch(await page.locator('#comments [data-testid="status"]').innerText(), /injoignable|navigateur/, 'no error message');
  assert.deepEqual(errors, []);
  await context.close();
});

test('without EventSource the reader is told that live updates are unavailable (French and English)', { timeout: TEST_TIMEOUT_MS }, async () => {
  for (const [lang, said] of [
    ['fr', 'Mises à jour en direct indisponibles dans ce navigateur'],
    ['en', 'Live updates are unavailable in this browser'],
  ] as const) {
    bodies.set(`no-es-${lang}`, `<div id="comments"></div><script async src="AGORA/embed.js" data-container="comments" data-lang="${lang}" data-story-url="ORIGIN/no-es-${lang}.html"></script>`);
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.addInitScript(() => delete (window as { EventSource?: unknown }).EventSource);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/no-es-${lang}.html`);
    await waitForWidget(page, '#comments');
    await widgetPart(page, '#comments')('status').filter({ hasText: said }).waitFor();
    assert.equal(await page.evaluate(() => 'EventSource' in window), false);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('a clean console: an anonymous reader’s page view, Agora’s own article page and the sign-in window make no 4xx request and log no error', { timeout: TEST_TIMEOUT_MS }, async () => {
  bodies.set('anonymous', `<div id="comments"></div><script async src="AGORA/embed.js" data-container="comments" data-story-url="ORIGIN/anonymous.html"></script>`);
  const context = await newContext(browser);
  const problems: string[] = [];
  const asked: string[] = [];
  // Context-wide, so the sign-in window's first requests are seen too.
  context.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  context.on('weberror', (e) => problems.push(`uncaught: ${e.error().message}`));
  context.on('request', (r) => asked.push(new URL(r.url()).pathname));
  context.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.request().method()} ${r.url()}`));
  const page = await context.newPage();
  await page.goto(`${origin}/anonymous.html`);
  await waitForWidget(page, '#comments');
  const part = widgetPart(page, '#comments');
  await part('cta').waitFor();
  // The interaction chunks, fetched once the browser is idle, answer 200 too.
  await eventually(() => assert.ok(asked.some((p) => /^\/embed\/composer-/.test(p)), 'chunks prefetched'));

  const [popup] = await Promise.all([page.waitForEvent('popup'), part('sign-in').click()]);
  await popup.waitForLoadState('load');
  await popup.locator('form').first().waitFor();
  // The window's favicon request, if the browser makes one, answers 200 now; asked directly, it is a small cached icon.
  const icon = await fetch(`${agora.url}/favicon.ico`);
  assert.equal(icon.status, 200);
  assert.equal(icon.headers.get('content-type'), 'image/x-icon');
  assert.match(icon.headers.get('cache-control') ?? '', /max-age=\d+/);
  assert.ok((await icon.arrayBuffer()).byteLength < 1024);
  await popup.close();

  // Agora's own article page, first-party: an anonymous reader's widget does not ask /me (it would answer 401).
  const article = await context.newPage();
  await article.goto(`${agora.url}/articles/${DEMO_ARTICLE_SLUG}`);
  await waitForWidget(article, '#agora-discussion');
  await widgetPart(article, '#agora-discussion')('cta').waitFor();
  assert.ok(!asked.includes('/api/v1/me'), `no /me call without a session: ${asked.filter((p) => p.startsWith('/api')).join(', ')}`);
  assert.deepEqual(problems, []);
  await context.close();
});
