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
import { TEST_TIMEOUT_MS, commentWithText, composerField, eventually, launchBrowser, newContext, waitForWidget, widgetPart } from './helpers.js';

const HOST = '.agora-embed';
let agora: TestServer;
let site: { id: string; secret: string };
let publisher: Server;
let origin: string;
let browser: Browser;
let page: Page;
/** Jeanne's first comment, which Paul answers. */
let jeannes = '';

/** Readers of the publisher's site, by their id there; the article page signs in the one named by `?as=`. */
const READERS: Record<string, Record<string, unknown>> = {
  'subscriber-42': {
    name: 'Jeanne Abonnée',
    email: 'jeanne@publisher.example',
    avatar: 'data:,', // not http(s): dropped by the server
    badges: ['Abonnée depuis 2019'],
    role: 'Journaliste',
  },
  'subscriber-7': { name: 'Paul Lecteur', email: 'paul@publisher.example', avatar: 'AVATAR' },
};

/** What the publisher's backend does for its signed-in reader: sign a short-lived token with the site secret. */
function readerToken(sub: string): Promise<string> {
  const claims = { ...READERS[sub] };
  if (claims.avatar === 'AVATAR') claims.avatar = `${origin}/avatar.svg`;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
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
      // No `as`: a visitor the publisher has not signed in (a guest, if the site takes them).
      const as = new URL(req.url ?? '/', 'http://x').searchParams.get('as');
      void (as ? readerToken(as) : Promise.resolve('')).then((token) =>
        res.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Un article</title>
<link rel="canonical" href="${origin}/article.html"></head><body><h1>Un article</h1>
<script async src="${agora.url}/embed.js"${token ? ` data-sso-token="${token}"` : ''}></script></body></html>`),
      );
      return;
    }
    if (path === '/avatar.svg') {
      res.setHeader('content-type', 'image/svg+xml');
      res.end('<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24"><circle cx="12" cy="12" r="12" fill="teal"/></svg>');
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
  site = await makeSite(agora.deps, 'quotidien', [origin], { lang: 'fr', settings: { guests: { enabled: true } } });
  browser = await launchBrowser();
  page = await (await newContext(browser)).newPage();
});

after(async () => {
  await browser?.close();
  await agora?.close();
  await new Promise((r) => publisher?.close(r));
});

test('the publisher’s signed-in reader is signed into the Discussion by data-sso-token, and comments', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.goto(`${origin}/article.html?as=subscriber-42`);
  await waitForWidget(page, HOST);
  await page.locator(HOST).getByText('Connecté en tant que Jeanne Abonnée').waitFor();
  const part = widgetPart(page, HOST);
  const text = `Merci pour cet article ${Date.now().toString(36)}`;
  jeannes = text;
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

test('the publisher’s role and badges show beside the name, and its avatar beside the comment', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.goto(`${origin}/article.html?as=subscriber-42`);
  await waitForWidget(page, HOST);
  const part = widgetPart(page, HOST);
  const mine = commentWithText(part, page, jeannes);
  await mine.waitFor();
  // Role first, then the badges; the `data:` avatar was not an http(s) URL, so there is no image.
  assert.deepEqual(await mine.locator('.badge').allTextContents(), ['Journaliste', 'Abonnée depuis 2019']);
  assert.equal(await mine.locator('img').count(), 0);

  const paul = await (await newContext(browser)).newPage();
  await paul.goto(`${origin}/article.html?as=subscriber-7`);
  await waitForWidget(paul, HOST);
  const paulPart = widgetPart(paul, HOST);
  await commentWithText(paulPart, paul, jeannes).getByTestId('reply').click();
  const reply = `D’accord avec vous ${Date.now().toString(36)}`;
  await (await composerField(commentWithText(paulPart, paul, jeannes).getByTestId('composer'))).fill(reply);
  await commentWithText(paulPart, paul, jeannes).getByTestId('post').click();
  const avatar = commentWithText(paulPart, paul, reply).locator('img.av').first();
  await avatar.waitFor();
  assert.equal(await avatar.getAttribute('src'), `${origin}/avatar.svg`);
  assert.equal(await avatar.getAttribute('alt'), '', 'decorative: the name is next to it');
  // The image really loaded from the publisher (cross-site, no referrer needed).
  await eventually(async () => assert.ok(await avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)));
  await paul.context().close();
});

test('the notifications bell tells Jeanne that Paul replied, and opening it marks it read', { timeout: TEST_TIMEOUT_MS }, async () => {
  const part = widgetPart(page, HOST);
  // The count is fetched on sign-in: reload until the reply's notification is there.
  await eventually(async () => {
    await page.goto(`${origin}/article.html?as=subscriber-42`);
    await waitForWidget(page, HOST);
    await part('bell').filter({ hasText: 'Notifications (1 nouvelle)' }).waitFor({ timeout: 2_000 });
  });
  await part('bell').click();
  const list = part('notifications');
  await list.getByText('Paul Lecteur a répondu à votre commentaire').waitFor();
  // The item links to the reply itself: its permalink on the story's page.
  assert.match((await list.getByRole('link').first().getAttribute('href')) ?? '', new RegExp(`^${origin.replace(/[.:/]/g, '\\$&')}/article\\.html#comment-[\\w-]+$`));
  await part('bell').filter({ hasText: /^Notifications$/ }).waitFor();
  assert.equal(await part('bell').getAttribute('aria-expanded'), 'true');
  await page.reload();
  await waitForWidget(page, HOST);
  await part('bell').filter({ hasText: /^Notifications$/ }).waitFor();
});

test('a guest comments without an account: name and email, a proof of work, then held for review', { timeout: TEST_TIMEOUT_MS }, async () => {
  const guest = await (await newContext(browser)).newPage();
  await guest.goto(`${origin}/article.html`);
  await waitForWidget(guest, HOST);
  const part = widgetPart(guest, HOST);
  await part('guest-toggle').click();
  await part('guest-name').fill('Invitée du soir');
  await part('guest-email').fill('invitee@example.org');
  const text = `Je passe sans compte ${Date.now().toString(36)}`;
  await (await composerField(part('composer').last())).fill(text);
  const started = Date.now();
  await part('post').last().click();
  const mine = commentWithText(part, guest, text);
  await mine.getByText('En attente de modération').waitFor({ timeout: 60_000 });
  // The site's default difficulty (18 bits, about 260,000 hashes) solved by WebCrypto in the page.
  console.log(`# guest comment posted, proof of work included, in ${Date.now() - started} ms`);
  const row = await agora.deps.db.selectFrom('comments').select(['status']).where('body', 'like', `%${text}%`).executeTakeFirstOrThrow();
  assert.equal(row.status, 'pending');
  // The email is never shown to readers.
  assert.equal(await guest.locator(HOST).getByText('invitee@example.org').count(), 0);
  // The browser keeps the token the comment returned: its next guest comment is the same guest (the server never
  // binds a guest to a typed email, see test/security/guests.test.ts).
  const kept = await guest.evaluate(() => localStorage.getItem('agora:guest'));
  assert.match(kept ?? '', /^[A-Za-z0-9_-]{20,}$/, `the guest token is kept by the page: ${kept}`);
  await guest.context().close();
});
