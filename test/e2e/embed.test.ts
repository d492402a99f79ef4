/**
 * The embed on a newspaper's own site, in real Chromium with third-party cookies blocked: Agora runs on
 * `localhost`, the host page on `127.0.0.1`, so the widget is cross-site and must sign readers in through the
 * first-party popup and a bearer token, never a cookie. The tests of this file build on each other in order.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, Request } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import {
  PASSWORD,
  TEST_TIMEOUT_MS,
  commentWithText,
  composerField,
  launchWithThirdPartyCookiesBlocked,
  lookupStoryId,
  restrictThirdPartyCookiesViaCdp,
  uniqueEmail,
  waitForWidget,
  widgetPart,
  type PersistentBrowser, textTag } from './helpers.js';

const HOST = '.agora-embed';
const STORY_TITLE = 'Le marché couvert rouvre ses portes – Le Quotidien de test';

let agora: TestServer;
let hostServer: Server;
let hostPort: number;
let hostOrigin: string;
let canonicalUrl: string;
let browser: PersistentBrowser;
let page: Page;

/** Every API call the host page makes to Agora, with the headers Chromium really sent. */
const apiRequests: { method: string; url: string; headers: Promise<Record<string, string>> }[] = [];

const displayName = `Lecteur ${process.pid}`;
const commentText = `Enfin une bonne nouvelle pour le quartier ${textTag()}`;
let signedIn = false;
let commented = false;

/** The newspaper's site, plus a probe cookie endpoint used to prove third-party cookies are blocked. */
function startHostSite(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname === '/story.html') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${STORY_TITLE}</title>
  <link rel="canonical" href="${canonicalUrl}">
</head>
<body>
  <main>
    <h1>Le marché couvert rouvre ses portes</h1>
    <p>Après dix-huit mois de travaux, les commerçants ont retrouvé leurs étals samedi matin.</p>
    <script async src="${agora.url}/embed.js"></script>
  </main>
</body>
</html>`);
      return;
    }
    if (url.pathname.startsWith('/probe/')) {
      res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/probe/set') res.setHeader('set-cookie', 'probe=1; SameSite=None; Secure; Path=/');
      res.end(JSON.stringify({ cookie: req.headers.cookie ?? null }));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  // No host: dual-stack, so the same server answers as `127.0.0.1` (the newspaper) and `localhost` (the probe).
  return new Promise((resolve) => server.listen(0, () => resolve(server)));
}

before(async () => {
  hostServer = await startHostSite();
  hostPort = (hostServer.address() as AddressInfo).port;
  hostOrigin = `http://127.0.0.1:${hostPort}`;
  canonicalUrl = `${hostOrigin}/news/story-1`;
  agora = await startTestServer({ allowedOrigins: [hostOrigin] });
  assert.equal(new URL(agora.url).hostname, 'localhost', 'the embed must be cross-site: Agora on localhost');

  browser = await launchWithThirdPartyCookiesBlocked();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await restrictThirdPartyCookiesViaCdp(browser.context, page);
  const agoraApi = `${new URL(agora.url).origin}/api/`;
  page.on('request', (request: Request) => {
    if (request.url().startsWith(agoraApi)) {
      apiRequests.push({ method: request.method(), url: request.url(), headers: request.allHeaders() });
    }
  });
});

after(async () => {
  await browser?.close();
  await agora?.close();
  await new Promise((resolve) => (hostServer ? hostServer.close(resolve) : resolve(undefined)));
});

test('precondition: this browser blocks third-party cookies', { timeout: TEST_TIMEOUT_MS }, async () => {
  const probe = await browser.context.newPage();
  try {
    // Set first-party on the `localhost` site (same site as Agora), then read it back first- and third-party.
    await probe.goto(`http://localhost:${hostPort}/probe/set`);
    await probe.goto(`http://localhost:${hostPort}/probe/get`);
    assert.match(await probe.locator('body').innerText(), /probe=1/, 'the probe cookie was set first-party');
    await probe.goto(`${hostOrigin}/probe/page`);
    const seen = await probe.evaluate(async (port) => {
      const res = await fetch(`http://localhost:${port}/probe/get`, { credentials: 'include' });
      return ((await res.json()) as { cookie: string | null }).cookie;
    }, hostPort);
    assert.equal(seen, null, 'a third-party request carried the probe cookie: third-party cookies are not blocked');
  } finally {
    await probe.close();
  }
});

test('the widget renders in French inside the open shadow root of .agora-embed', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.goto(`${hostOrigin}/story.html`);
  await waitForWidget(page, HOST);
  const placement = await page.evaluate(() => {
    const host = document.querySelector('.agora-embed');
    return {
      count: document.querySelectorAll('.agora-embed').length,
      afterScript: host?.previousElementSibling?.tagName === 'SCRIPT',
    };
  });
  assert.deepEqual(placement, { count: 1, afterScript: true }, 'one .agora-embed, right after the script');
  const part = widgetPart(page, HOST);
  assert.match(await part('discussion').innerText(), /Discussion/);
  assert.match(await part('cta').innerText(), /Rejoignez la conversation/);
  assert.match(await part('empty-state').innerText(), /Soyez le premier à commenter/);
  assert.match(await part('sign-in').innerText(), /Se connecter/);
});

test('a reader signs up in the popup and comes back signed in', { timeout: TEST_TIMEOUT_MS }, async () => {
  const part = widgetPart(page, HOST);
  const popupOpened = browser.context.waitForEvent('page');
  await part('sign-in').click();
  const popup = await popupOpened;
  await popup.waitForLoadState('domcontentloaded');

  const popupUrl = new URL(popup.url());
  assert.equal(popupUrl.origin, new URL(agora.url).origin, 'the popup is first-party on Agora');
  assert.equal(popupUrl.pathname, '/auth/popup');
  assert.equal(popupUrl.searchParams.get('origin'), hostOrigin);
  assert.equal(popupUrl.searchParams.get('lang'), 'fr');
  assert.equal(await popup.locator('html').getAttribute('lang'), 'fr');

  const signup = popup.locator('#agora-signup');
  if (!(await signup.isVisible())) {
    await popup
      .locator('a, button')
      .filter({ hasText: /en créer un|créer un compte/i })
      .filter({ visible: true })
      .first()
      .click();
  }
  await signup.waitFor();
  await signup.locator('[name="email"]').fill(uniqueEmail('embed'));
  await signup.locator('[name="password"]').fill(PASSWORD);
  await signup.locator('[name="displayName"]').fill(displayName);
  const closed = popup.waitForEvent('close');
  await signup.locator('button[type="submit"], input[type="submit"], button:not([type])').first().click();
  await closed;

  await page.locator(HOST).getByText(`Connecté en tant que ${displayName}`).waitFor();
  await part('sign-out').waitFor();
  signedIn = true;
});

test('a signed-in reader comments, and the comment and the session survive a reload', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!signedIn) return t.skip('the popup sign-up did not complete');
  const part = widgetPart(page, HOST);
  await (await composerField(part('composer').first())).fill(commentText);
  await part('post').first().click();
  await commentWithText(part, page, commentText).waitFor();
  commented = true;

  await page.reload();
  await waitForWidget(page, HOST);
  await commentWithText(part, page, commentText).waitFor();
  await page.locator(HOST).getByText(`Connecté en tant que ${displayName}`).waitFor();
  const stored = await page.evaluate(() => localStorage.getItem('agora:token'));
  assert.ok(stored, 'the token is kept in the host page localStorage');
});

test('the comment belongs to the story of the canonical URL, titled from the host page', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!commented) return t.skip('no comment was posted');
  const storyId = await lookupStoryId(agora.url, canonicalUrl);
  const story = (await (await fetch(`${agora.url}/api/v1/stories/${storyId}`)).json()) as {
    story: { title: string; lang: string; url: string };
  };
  assert.equal(story.story.lang, 'fr');
  assert.equal(story.story.title, STORY_TITLE);
  const list = (await (await fetch(`${agora.url}/api/v1/stories/${storyId}/comments`)).json()) as {
    comments: { bodyHtml: string }[];
  };
  assert.ok(
    list.comments.some((c) => c.bodyHtml.includes(commentText)),
    'the comment is listed under the canonical URL story',
  );
});

test('API calls from the embed never carry a cookie, and writes carry the bearer token', { timeout: TEST_TIMEOUT_MS }, async () => {
  assert.ok(apiRequests.length > 0, 'the embed made no API request to Agora');
  const seen = await Promise.all(
    apiRequests.map(async (r) => ({ method: r.method, url: r.url, headers: await r.headers })),
  );
  const withCookie = seen.filter((r) => 'cookie' in r.headers);
  assert.deepEqual(
    withCookie.map((r) => `${r.method} ${r.url}`),
    [],
    'API requests from the third-party embed carried a Cookie header',
  );
  if (commented) {
    const post = seen.find((r) => r.method === 'POST' && /\/api\/v1\/stories\/[^/]+\/comments$/.test(new URL(r.url).pathname));
    assert.ok(post, 'the comment was posted through the API');
    assert.match(post.headers['authorization'] ?? '', /^Bearer \S+/);
  }
});
