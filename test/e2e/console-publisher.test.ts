/**
 * Sites, webhooks and staff in the one console, in real Chromium with a French locale (issue 13): an admin signs in
 * once at /admin, creates a site, adds an origin, adds a webhook (a refused URL first: what was typed stays), sends a
 * test event and sees it in the delivery log, and makes a reader a moderator of the site. axe-core on each view.
 * The tests of this file share one server and build on each other in order.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { WEB_DIR } from '../../src/server/http/static-routes.js';
import { createAdmin } from '../../src/server/moderation/admin/setup.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { PASSWORD, TEST_TIMEOUT_MS, describeViolations, eventually, launchBrowser, newContext, seriousA11yViolations, uniqueEmail } from './helpers.js';

let server: TestServer;
let browser: Browser;
let page: Page;
let receiver: Server;
let hookUrl: string;
const pings: string[] = [];
const readerEmail = uniqueEmail('lectrice');

async function axeClean(what: string) {
  const v = await seriousA11yViolations(page);
  assert.deepEqual(v, [], `${what}: ${describeViolations(v)}`);
}

before(async () => {
  if (!existsSync(join(WEB_DIR, 'admin.js'))) {
    // @ts-expect-error plain ESM build script without types
    const { buildWeb } = (await import('../../scripts/build-web.mjs')) as { buildWeb: (o: { outdir: string }) => Promise<unknown> };
    await buildWeb({ outdir: WEB_DIR });
  }
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => (pings.push(body), res.writeHead(204).end()));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/agora`;
  // The receiver is on 127.0.0.1: allowed as for a self-hoster whose receiver is on the LAN.
  server = await startTestServer({ config: { webhookAllowPrivate: true } });
  await createAdmin(server.deps.db, { email: 'admin@example.test', password: PASSWORD, displayName: 'Direction' }, server.deps.config.scryptN);
  const res = await fetch(`${server.url}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: readerEmail, password: PASSWORD, displayName: 'Louise Lectrice' }) });
  assert.equal(res.status, 201, await res.text());
  browser = await launchBrowser();
  page = await (await newContext(browser)).newPage();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((r) => receiver?.close(r));
});

test('an admin signs in once at /admin and creates a site, in French', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.goto(`${server.url}/admin`);
  await page.getByLabel('E-mail').fill('admin@example.test');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('link', { name: 'Sites' }).click();
  await page.getByRole('heading', { name: 'Nouveau site' }).waitFor();
  await axeClean('Sites');
  const form = page.getByTestId('new-site');
  await form.getByLabel('Identifiant').fill('la-gazette');
  await form.getByLabel('Nom').fill('La Gazette');
  await form.getByLabel('Origines').fill('https://www.lagazette.example');
  await form.getByRole('button', { name: 'Créer' }).click();
  await page.getByRole('heading', { name: 'La Gazette' }).waitFor();
  assert.match(page.url(), /#\/sites\/la-gazette$/);
});

test('the site gets a second origin; its SSO secret is masked until shown, and rotating it asks first', { timeout: TEST_TIMEOUT_MS }, async () => {
  const form = page.getByTestId('site-form');
  const origins = form.getByTestId('origins');
  await origins.fill('https://www.lagazette.example\nhttps://m.lagazette.example');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await form.getByText('Enregistré.').waitFor();
  assert.equal(await origins.inputValue(), 'https://www.lagazette.example\nhttps://m.lagazette.example');
  const secret = page.getByTestId('sso-secret');
  assert.doesNotMatch(await secret.innerText(), /[A-Za-z0-9_-]{20}/, 'masked');
  await page.getByRole('button', { name: /Afficher/ }).first().click();
  const shown = await secret.innerText();
  assert.match(shown, /[A-Za-z0-9_-]{40}/);
  await page.getByRole('button', { name: 'Renouveler le secret' }).click();
  const dialog = page.getByTestId('rotate-dialog');
  assert.match(await dialog.innerText(), /cessent de fonctionner/);
  await axeClean('Sites: rotate dialog');
  await dialog.getByRole('button', { name: 'Oui, renouveler' }).click();
  await page.getByText('Nouveau secret en place').waitFor();
  assert.notEqual(await secret.innerText(), shown);
  await axeClean('a site');
});

test('a webhook: a refused URL keeps what was typed, then the test event shows in the delivery log and is sent again', { timeout: TEST_TIMEOUT_MS }, async () => {
  // The header's site switcher names the new site once the console reloaded its sites.
  await page.locator('#site').selectOption('la-gazette');
  await page.getByRole('link', { name: 'Webhooks' }).click();
  const form = page.getByTestId('new-webhook');
  const url = form.getByLabel('URL du récepteur');
  await url.fill('ftp://hooks.lagazette.example');
  await form.getByRole('button', { name: 'Ajouter le webhook' }).click();
  await form.getByRole('status').waitFor();
  assert.match(await form.getByRole('status').innerText(), /URL/);
  assert.equal(await url.inputValue(), 'ftp://hooks.lagazette.example', 'what was typed stays');
  await url.fill(hookUrl);
  await form.getByRole('button', { name: 'Ajouter le webhook' }).click();
  const hook = page.getByTestId('webhook');
  await hook.waitFor();
  await hook.getByRole('button', { name: 'Envoyer un événement de test' }).click();
  await eventually(() => assert.equal(pings.length, 1));
  assert.equal(JSON.parse(pings[0]!).type, 'ping');
  await eventually(async () => {
    await page.getByRole('button', { name: 'Actualiser' }).click();
    assert.match(await page.getByTestId('deliveries').innerText(), /ping[\s\S]*remis/);
  });
  await page.getByTestId('deliveries').getByRole('button', { name: 'Renvoyer' }).first().click();
  await page.getByText('Renvoyé').waitFor();
  await eventually(() => assert.equal(pings.length, 2));
  assert.equal(pings[1], pings[0], 'the same payload, sent again');
  await axeClean('Webhooks');
});

test('a reader becomes a moderator of the site', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.getByRole('link', { name: 'Équipe' }).click();
  await page.getByRole('heading', { name: 'Modérateurs de La Gazette' }).waitFor();
  await page.getByLabel(/Courriel d’un compte existant/).fill(readerEmail);
  await page.getByRole('button', { name: 'Nommer modérateur' }).click();
  await page.getByText('Modérateur ajouté.').waitFor();
  assert.match(await page.getByTestId('moderators').innerText(), /Louise Lectrice/);
  await axeClean('Staff');
  const me = await server.deps.db.selectFrom('users').select('id').where('email', '=', readerEmail).executeTakeFirstOrThrow();
  assert.ok(await server.deps.moderation.staff.moderates(me.id, 'la-gazette'), 'the server agrees');
});

test('on a phone-sized screen, the three views have no serious or critical accessibility violation', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [hash, heading] of [
    ['#/sites/la-gazette', 'La Gazette'],
    ['#/webhooks/la-gazette', 'Webhooks de La Gazette'],
    ['#/staff', 'Modérateurs de La Gazette'],
  ] as const) {
    await page.goto(`${server.url}/admin${hash}`);
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    await axeClean(`${hash} on a phone`);
  }
});
