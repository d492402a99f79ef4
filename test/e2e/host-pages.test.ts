/**
 * The widget on the kinds of host pages real news sites are (issue 19): a page whose CSS reaches for everything,
 * a strict Content-Security-Policy (exactly the README's lines), a right-to-left page, and a 360 px phone. Agora runs
 * on `localhost`, the pages on `127.0.0.1` (cross-site, as on a publisher's site). Each trait page is compared with a
 * plain page: computed styles and geometry, not just "it renders" (docs/adr/0023).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { TEST_TIMEOUT_MS, launchBrowser, lookupStoryId, newContext, signUpViaApi, waitForWidget, widgetPart } from './helpers.js';

const HOST = '.agora-embed';
// One unbroken 90-character word: a phone must wrap it rather than scroll sideways.
const LONG_WORD = 'Hippopotomonstrosesquippedaliophobie'.repeat(2) + 'anticonstitutionnellement';

let agora: TestServer;
let hostServer: Server;
let hostOrigin: string;
let canonical: string;
let browser: Browser;
let readerToken: string;

/** The CSP line the README's embed section gives publishers, for this test's Agora origin. */
async function readmeCsp(): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const line = /^\s*Content-Security-Policy: (.+)$/m.exec(readme);
  assert.ok(line, 'the README gives the CSP line for the embed');
  return line[1]!.replaceAll('https://comments.example.com', new URL(agora.url).origin);
}

/** A host page: `head` goes in <head>, `attrs` on <html>, `script` on the embed's script tag. */
function page(opts: { lang?: string; attrs?: string; head?: string; script?: string } = {}): string {
  return `<!doctype html>
<html lang="${opts.lang ?? 'fr'}" ${opts.attrs ?? ''}>
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Le marché couvert rouvre ses portes</title>
  ${opts.head ?? ''}
</head>
<body>
  <main>
    <h1>Le marché couvert rouvre ses portes</h1>
    <p>Après dix-huit mois de travaux, les commerçants ont retrouvé leurs étals samedi matin.</p>
    <script async src="${agora.url}/embed.js" data-story-url="${canonical}" ${opts.script ?? ''}></script>
  </main>
</body>
</html>`;
}

// The rules the issue found reaching the widget, and a few more a real stylesheet has.
const HOSTILE_CSS = `<style>
html{font-size:62.5%}
body{direction:rtl;font-family:"Comic Sans MS",cursive;font-size:1.3rem;letter-spacing:.1em;text-transform:uppercase;text-align:justify;color:#a00}
div{display:flex;max-width:200px;height:300px;padding:3rem;border:5px solid red;background:yellow;float:left}
*{line-height:1!important;box-sizing:content-box}
ol,ul{list-style:decimal}
button{font-size:8px}
</style>`;

/** The newspaper's site: one page per trait, all showing the discussion of the same story. */
function startHostSite(): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (path === '/favicon.ico') return res.writeHead(204).end();
      if (path === '/news/story') return res.end(page());
      if (path === '/plain.html') return res.end(page());
      if (path === '/hostile.html') return res.end(page({ head: HOSTILE_CSS }));
      if (path === '/rtl.html') return res.end(page({ lang: 'ar', attrs: 'dir="rtl"', script: 'data-lang="fr"' }));
      if (path === '/rtl-en.html') return res.end(page({ lang: 'ar', attrs: 'dir="rtl"', script: 'data-lang="en" data-theme="dark"' }));
      if (path === '/csp.html') {
        res.setHeader('content-security-policy', await readmeCsp());
        return res.end(page());
      }
      if (path === '/csp-nonce.html') {
        // Browsers without constructed stylesheets: the widget's <style> carries the script tag's nonce.
        const origin = new URL(agora.url).origin;
        res.setHeader('content-security-policy', `default-src 'none'; script-src 'nonce-n0nc3' ${origin}; connect-src ${origin}; style-src 'self' 'nonce-n0nc3'`);
        return res.end(page({ script: 'nonce="n0nc3"' }));
      }
      res.statusCode = 404;
      res.end();
    })();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Posts a published comment as a new reader (several readers: one author's burst would be held by the flood limit). */
async function post(storyId: string, name: string, body: string): Promise<void> {
  const reader = await signUpViaApi(agora.url, name);
  const res = await fetch(`${agora.url}/api/v1/stories/${storyId}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${reader.token}` },
    body: JSON.stringify({ body }),
  });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  assert.equal((JSON.parse(text) as { comment: { status: string } }).comment.status, 'published', text);
}

before(async () => {
  hostServer = await startHostSite();
  hostOrigin = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}`;
  canonical = `${hostOrigin}/news/story`;
  agora = await startTestServer({ allowedOrigins: [hostOrigin] });
  const storyId = await lookupStoryId(agora.url, canonical);
  await post(storyId, `Lectrice ${process.pid}`, 'Enfin une bonne nouvelle pour le quartier.');
  await post(storyId, `Lecteur ${process.pid}`, `Le mot le plus long du jour : ${LONG_WORD}.`);
  await post(storyId, `Voisin ${process.pid}`, 'Les étals du samedi matin nous avaient manqué.');
  readerToken = (await signUpViaApi(agora.url, `Abonné ${process.pid}`)).token;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await agora?.close();
  await new Promise((resolve) => (hostServer ? hostServer.close(resolve) : resolve(undefined)));
});

/**
 * Opens `path` in a fresh context (signed in: the embed token in the page's localStorage, so the composer and its
 * form stylesheet show), records CSP violations (the event is composed: it reaches the document from the shadow
 * root) and console errors, and waits for the comments.
 */
async function open(path: string, options: BrowserContextOptions & { before?: string } = {}) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  // tsx names the functions it compiles with a `__name` helper, which the page's evaluate() calls do not carry.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.addInitScript(
    ([token, extra]) => {
      localStorage.setItem('agora:token', token);
      (window as unknown as { violations: string[] }).violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { violations: string[] }).violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
      );
      if (extra) new Function(extra)();
    },
    [readerToken, options.before ?? ''] as const,
  );
  await page.goto(`${hostOrigin}${path}`);
  await waitForWidget(page, HOST);
  const part = widgetPart(page, HOST);
  await part('comment').nth(2).waitFor();
  await part('post').waitFor();
  return { context, page, errors, violations: () => page.evaluate(() => (window as unknown as { violations: string[] }).violations) };
}

/** What a reader sees of the widget, as computed by the browser: sizes in px, fonts, direction, geometry. */
function measure(page: Page) {
  return page.evaluate(() => {
    const host = document.querySelector('.agora-embed')!;
    const root = host.shadowRoot!;
    const el = (sel: string) => root.querySelector(sel)!;
    const style = (sel: string, ...props: string[]) => {
      const cs = getComputedStyle(el(sel));
      return props.map((p) => `${p}: ${cs.getPropertyValue(p)}`).join('; ');
    };
    const box = (e: Element) => e.getBoundingClientRect();
    return {
      hostWidth: Math.round(box(host).width),
      // The width the page gives the host's container: the widget must take all of it (up to its own 48em).
      roomWidth: Math.round(box(host.parentElement!).width),
      widgetWidth: Math.round(box(el('.agora')).width),
      root: style('.agora', 'font-family', 'font-size', 'line-height', 'direction', 'text-align', 'letter-spacing', 'text-transform', 'color'),
      dir: el('.agora').getAttribute('dir'),
      lang: el('.agora').getAttribute('lang'),
      heading: style('h2', 'font-size', 'line-height'),
      count: style('.count', 'font-size', 'font-weight'),
      meta: style('.meta', 'font-size'),
      body: style('.body', 'font-size', 'line-height'),
      button: style('.actions button', 'font-size', 'border-radius', 'min-height'),
      cta: style('.cta', 'font-size'),
      list: style('ol', 'list-style-type', 'padding-left'),
      comment: style('article', 'border-top-width', 'border-radius', 'padding-left'),
      sort: style('select', 'font-size', 'border-radius'),
      textarea: style('textarea', 'width', 'min-height', 'font-size'),
      hostBox: (() => {
        const cs = getComputedStyle(host);
        return `max-width: ${cs.maxWidth}; padding: ${cs.padding}; border: ${cs.borderTopWidth}; float: ${cs.float}; background: ${cs.backgroundColor}`;
      })(),
    };
  });
}

let plain: Awaited<ReturnType<typeof measure>>;

test('on a plain page the widget is sized from its own root: 16 px text, 22 px heading, 24 px lines', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { context, page, errors } = await open('/plain.html');
  try {
    plain = await measure(page);
    assert.equal(plain.widgetWidth, 768, 'the widget takes its full 48em width on a desktop page');
    assert.match(plain.root, /font-size: 16px; line-height: 24px; direction: ltr/);
    assert.match(plain.heading, /font-size: 22px/);
    assert.match(plain.count, /font-size: 16/);
    assert.match(plain.meta, /font-size: 14px/);
    assert.match(plain.list, /list-style-type: none/);
    assert.match(plain.textarea, /min-height: 56px/);
    assert.deepEqual([plain.dir, plain.lang], ['ltr', 'fr']);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a page’s hostile CSS (62.5% root, rtl body, div max-width, * line-height !important…) changes nothing in the widget', { timeout: TEST_TIMEOUT_MS }, async () => {
  assert.ok(plain, 'the plain page was measured first');
  const { context, page } = await open('/hostile.html');
  try {
    // The page's rules did apply to the page itself: the test would prove nothing otherwise.
    const pageStyle = await page.evaluate(() => {
      const cs = getComputedStyle(document.querySelector('main p')!);
      return `${cs.fontSize} ${cs.lineHeight} ${cs.direction}`;
    });
    assert.equal(pageStyle, '13px 13px rtl');
    const hostile = await measure(page);
    const { roomWidth, ...rest } = hostile;
    const { roomWidth: plainRoom, ...plainRest } = plain;
    assert.equal(roomWidth, plainRoom, 'the host page’s layout gives the widget the same room');
    assert.deepEqual(rest, plainRest);
    assert.equal(hostile.hostWidth, hostile.roomWidth, 'the host takes its container’s whole width: div{max-width:200px} does not reach it');
    const height = await page.evaluate(() => {
      const host = document.querySelector('.agora-embed')!;
      return { css: getComputedStyle(host).height, box: host.getBoundingClientRect().height, content: host.shadowRoot!.querySelector('.agora')!.getBoundingClientRect().height };
    });
    assert.notEqual(height.css, '300px', 'div{height:300px} does not reach the host');
    assert.equal(height.box, height.content, 'the host is as tall as the Discussion: nothing is cut off');
  } finally {
    await context.close();
  }
});

test('under the README’s strict CSP (style-src \'self\', no unsafe-inline) the widget is fully styled, with no violation', { timeout: TEST_TIMEOUT_MS }, async () => {
  assert.ok(plain, 'the plain page was measured first');
  const csp = await readmeCsp();
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const { context, page, errors, violations } = await open('/csp.html');
  try {
    // The composer's chunk and its stylesheet came too.
    assert.deepEqual(await measure(page), plain);
    assert.deepEqual(await violations(), []);
    assert.deepEqual(errors.filter((e) => /Content.Security.Policy/i.test(e)), []);
  } finally {
    await context.close();
  }
});

test('without constructed stylesheets (Firefox < 101, Safari < 16.4), a nonce-based CSP still styles it: <style nonce>', { timeout: TEST_TIMEOUT_MS }, async () => {
  assert.ok(plain, 'the plain page was measured first');
  const { context, page, violations } = await open('/csp-nonce.html', {
    before: "Object.defineProperty(ShadowRoot.prototype, 'adoptedStyleSheets', { value: undefined })",
  });
  try {
    const styles = await page.evaluate(() => document.querySelector('.agora-embed')!.shadowRoot!.querySelectorAll('style').length);
    assert.ok(styles >= 2, 'the reading path’s and the composer’s stylesheets are <style> elements');
    assert.deepEqual(await measure(page), plain);
    assert.deepEqual(await violations(), []);
  } finally {
    await context.close();
  }
});

for (const lang of ['fr', 'en'] as const) {
  test(`on a right-to-left page the ${lang} widget reads left to right: count after its number, sort control not mirrored`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const { context, page } = await open(lang === 'fr' ? '/rtl.html' : '/rtl-en.html');
    try {
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), 'rtl');
      const m = await page.evaluate(() => {
        const root = document.querySelector('.agora-embed')!.shadowRoot!;
        const x = (sel: string) => root.querySelector(sel)!.getBoundingClientRect().left;
        // The count's first character (its number) and its last (the word's end), where the browser drew them.
        const text = root.querySelector('.count')!.firstChild!;
        const at = (i: number, node = text) => {
          const r = document.createRange();
          r.setStart(node, i);
          r.setEnd(node, i + 1);
          return r.getBoundingClientRect().left;
        };
        return {
          text: text.textContent,
          direction: getComputedStyle(root.querySelector('.agora')!).direction,
          numberBeforeWord: at(0) < at(text.textContent!.length - 1),
          titleBeforeCount: at(0, root.querySelector('h2')!.firstChild!) < x('.count'),
          labelBeforeSort: x('.bar label') < x('select'),
          metaAuthorFirst: x('.meta > :first-child') < x('.meta > :last-child'),
        };
      });
      assert.match(m.text!, lang === 'fr' ? /^3 commentaires$/ : /^3 comments$/);
      if (lang === 'en') {
        // The script tag's data-theme reaches the host, whatever the page's direction.
        const bg = await page.locator(HOST).evaluate((el) => getComputedStyle(el).backgroundColor);
        assert.equal(bg, 'rgb(13, 17, 23)');
      }
      assert.deepEqual(m, { text: m.text, direction: 'ltr', numberBeforeWord: true, titleBeforeCount: true, labelBeforeSort: true, metaAuthorFirst: true });
    } finally {
      await context.close();
    }
  });
}

test('on a 360 px phone the widget fits: no horizontal scroll, nothing past the edge, text at the desktop size', { timeout: TEST_TIMEOUT_MS }, async () => {
  assert.ok(plain, 'the plain page was measured first');
  for (const path of ['/plain.html', '/hostile.html']) {
    const { context, page } = await open(path, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    try {
      const m = await page.evaluate(() => {
        const host = document.querySelector('.agora-embed')!;
        const all = [host, ...host.shadowRoot!.querySelectorAll('*')].filter((e) => e.getClientRects().length > 0);
        return {
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth,
          hostWidth: host.getBoundingClientRect().width,
          room: host.parentElement!.getBoundingClientRect().width,
          overflowing: all.filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5 || e.getBoundingClientRect().left < -0.5).map((e) => e.tagName + '.' + e.className),
          fontSize: getComputedStyle(host.shadowRoot!.querySelector('.body')!).fontSize,
        };
      });
      assert.equal(m.innerWidth, 360, path);
      assert.ok(m.scrollWidth <= 360, `${path}: the page scrolls sideways (${m.scrollWidth} px)`);
      assert.deepEqual(m.overflowing, [], path);
      assert.equal(m.hostWidth, m.room, `${path}: the widget takes the whole width it is given`);
      assert.equal(m.fontSize, '16px', path);
    } finally {
      await context.close();
    }
  }
});
