/**
 * Sign-in with an identity provider, in real Chromium: a newspaper's page on 127.0.0.1 embeds the Discussion of an
 * Agora on localhost; the reader opens the sign-in window, clicks the provider's button, signs in on a real OpenID
 * Connect provider (oidc-provider, its development login form), and is back on the article, signed in, in the widget.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_SITE_ID } from '../../src/server/sites/seed.js';
import { addProvider } from '../../src/server/oidc/admin.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { startTestProvider, type TestProvider } from '../fixtures/oidc-provider.js';
import { TEST_TIMEOUT_MS, describeViolations, launchBrowser, newContext, seriousA11yViolations, waitForWidget, widgetPart } from './helpers.js';

const HOST = '.agora-embed';

let agora: TestServer;
let idp: TestProvider;
let hostServer: Server;
let hostOrigin: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

function startHostSite(): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/story.html') return res.writeHead(404).end();
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Le tramway prolongé – Le Quotidien de test</title>
<link rel="canonical" href="${hostOrigin}/news/tramway"></head>
<body><main><h1>Le tramway prolongé</h1><p>La ligne 2 ira jusqu’à la gare dès l’automne.</p>
<script async src="${agora.url}/embed.js"></script></main></body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  idp = await startTestProvider();
  hostServer = await startHostSite();
  hostOrigin = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}`;
  // The provider runs on 127.0.0.1: the one internal issuer this Agora may call (AGORA_OIDC_INTERNAL_ISSUERS).
  agora = await startTestServer({ allowedOrigins: [hostOrigin], config: { oidcInternalIssuers: [idp.issuer] } });
  idp.start({ clientId: 'agora-e2e', clientSecret: 'the e2e client secret', redirectUri: agora.deps.oidc.redirectUri });
  idp.accounts.set('zoe', { email: 'zoe@idp.example', email_verified: true, name: 'Zoé Provider' });
  await addProvider(agora.deps.oidc.admin, DEMO_SITE_ID, { slug: 'idp', label: 'Test ID', issuer: idp.issuer, clientId: 'agora-e2e', clientSecret: 'the e2e client secret' });
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  await agora?.close();
  await idp?.close();
  await new Promise((resolve) => (hostServer ? hostServer.close(resolve) : resolve(undefined)));
});

test('the provider’s button in the sign-in window → the provider’s login → back on the article, signed in, in the widget', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.goto(`${hostOrigin}/story.html`);
  await waitForWidget(page, HOST);
  const part = widgetPart(page, HOST);

  const popupOpened = context.waitForEvent('page');
  await part('sign-in').click();
  const popup = await popupOpened;
  await popup.waitForLoadState('domcontentloaded');
  assert.equal(new URL(popup.url()).pathname, '/auth/popup');

  const button = popup.getByRole('link', { name: 'Continuer avec Test ID' });
  await button.waitFor();
  const violations = await seriousA11yViolations(popup);
  assert.deepEqual(violations, [], describeViolations(violations));
  await button.click();
  // The provider's own development login form.
  await popup.waitForURL((u) => u.origin === idp.issuer);
  await popup.locator('input[name="login"]').fill('zoe');
  await popup.locator('input[name="password"]').fill('any');
  const closed = popup.waitForEvent('close');
  await popup.locator('button[type="submit"]').first().click();
  // Back on Agora's callback, the window hands the token to the article's page and closes by itself.
  await closed;

  await page.locator(HOST).getByText('Connecté en tant que Zoé Provider').waitFor();
  await part('sign-out').waitFor();
  const token = await page.evaluate(() => localStorage.getItem('agora:token'));
  assert.ok(token, 'the widget keeps the token the window handed over');
  const me = await fetch(`${agora.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  const user = ((await me.json()) as { user: { displayName: string } }).user;
  assert.equal(user.displayName, 'Zoé Provider');
});
