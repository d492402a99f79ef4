/**
 * A publisher's own pages in real Chromium: the article page signs its reader into the embed with a JWT
 * (`data-sso-token`), and the list page shows comment counts with count.js. Agora on `localhost`, the publisher on
 * `127.0.0.1`: cross-site, as in production.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { SignJWT } from 'jose';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { makeSite, publishEverything } from '../fixtures/publisher.js';
import { TEST_TIMEOUT_MS, commentWithText, composerField, launchBrowser, newContext, waitForWidget, widgetPart } from './helpers.js';

const HOST = '.agora-embed';
let agora: TestServer;
let site: { id: string; secret: string };
let publisher: Server;
let origin: string;
let browser: Browser;
let page: Page;

/** What the publisher's backend does for its signed-in reader: sign a short-lived token with the site secret. */
function readerToken(): Promise<string> {
  return new SignJWT({ name: 'Jeanne Abonnée', email: 'jeanne@publisher.example' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('subscriber-42')
    .setAudience(site.id)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(site.secret));
}

function startPublisher(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (path === '/article.html') {
      void readerToken().then((token) =>
        res.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Un article</title>
<link rel="canonical" href="${origin}/article.html"></head><body><h1>Un article</h1>
<script async src="${agora.url}/embed.js" data-sso-token="${token}"></script></body></html>`),
      );
      return;
    }
    if (path === '/') {
      res.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Accueil</title></head><body>
<ul><li><a href="/article.html">Un article</a> <span id="c1" data-agora-count-url="/article.html">…</span></li>
<li><a href="/other.html">Un autre</a> <span id="c2" data-agora-count-url="${origin}/other.html">…</span></li></ul>
<script async src="${agora.url}/count.js"></script></body></html>`);
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
  site = await makeSite(agora.deps, 'quotidien', [origin], { lang: 'fr' });
  browser = await launchBrowser();
  page = await (await newContext(browser)).newPage();
});

after(async () => {
  await browser?.close();
  await agora?.close();
  await new Promise((r) => publisher?.close(r));
});

test('the publisher’s signed-in reader is signed into the Discussion by data-sso-token, and comments', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.goto(`${origin}/article.html`);
  await waitForWidget(page, HOST);
  await page.locator(HOST).getByText('Connecté en tant que Jeanne Abonnée').waitFor();
  const part = widgetPart(page, HOST);
  const text = `Merci pour cet article ${Date.now().toString(36)}`;
  await (await composerField(part('composer').first())).fill(text);
  await part('post').first().click();
  await commentWithText(part, page, text).waitFor();
  const identities = await agora.deps.db.selectFrom('user_identities').select(['site_id', 'subject']).where('provider', '=', 'sso').execute();
  assert.deepEqual(identities, [{ site_id: 'quotidien', subject: 'subscriber-42' }]);
});

test('count.js fills the list page’s counts in one request, in French', { timeout: TEST_TIMEOUT_MS }, async () => {
  const calls: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/counts')) calls.push(r.url());
  });
  await page.goto(`${origin}/`);
  await page.locator('#c1', { hasText: '1 commentaire' }).waitFor();
  await page.locator('#c2', { hasText: '0 commentaire' }).waitFor();
  assert.equal(calls.length, 1, 'one request for the whole page');
});
