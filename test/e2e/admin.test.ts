/**
 * The moderation console in real Chromium: a comment held for a suspect word appears in Pending with its reason,
 * the moderator reads the keyboard help and approves it with the keyboard, and the reader's page then shows it.
 * The tests of this file share one server and build on each other in order.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WEB_DIR } from '../../src/server/http/static-routes.js';
import { createAdmin } from '../../src/server/moderation/admin/setup.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import {
  DEMO_ARTICLE_SLUG,
  PASSWORD,
  TEST_TIMEOUT_MS,
  describeViolations,
  eventually,
  launchBrowser,
  lookupStoryId,
  newContext,
  seriousA11yViolations,
  signUpViaApi,
  waitForWidget,
  widgetPart,
} from './helpers.js';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let articleUrl: string;
const held = `Ce chroniqueur est un vrai c0nn4rd ${Date.now().toString(36)}`;
const other = `Un avis posé sur la réforme ${Date.now().toString(36)}`;

before(async () => {
  if (!existsSync(join(WEB_DIR, 'admin.js'))) {
    // @ts-expect-error plain ESM build script without types
    const { buildWeb } = (await import('../../scripts/build-web.mjs')) as { buildWeb: (o: { outdir: string }) => Promise<unknown> };
    await buildWeb({ outdir: WEB_DIR });
  }
  server = await startTestServer();
  articleUrl = `${server.url}/articles/${DEMO_ARTICLE_SLUG}`;
  await createAdmin(server.deps.db, { email: 'editor@example.test', password: PASSWORD, displayName: 'Rédaction' }, server.deps.config.scryptN);
  const storyId = await lookupStoryId(server.url, articleUrl);
  for (const [name, body] of [['Lecteur fâché', held], ['Lectrice calme', other]] as const) {
    const s = await signUpViaApi(server.url, name);
    const res = await fetch(`${server.url}/api/v1/stories/${storyId}/comments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` }, body: JSON.stringify({ body }) });
    assert.equal(res.status, 201, await res.clone().text());
  }
  browser = await launchBrowser();
  context = await newContext(browser, { viewport: { width: 390, height: 844 } });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('a moderator signs in to the console at /admin, in French for a French browser', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.goto(`${server.url}/admin#/queue/pending`);
  await page.getByLabel('E-mail').fill('editor@example.test');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByTestId('tab-pending').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  // Counts arrive a moment after the tabs ("…" until then).
  await eventually(async () => assert.match(await page.getByTestId('tab-pending').innerText(), /En attente\s*1/));
});

test('the held comment is in Pending with why it was held: the phase and the word matched', { timeout: TEST_TIMEOUT_MS }, async () => {
  const item = page.getByTestId('queue-item').filter({ hasText: held });
  await item.waitFor();
  const reasons = await item.getByTestId('reasons').innerText();
  assert.match(reasons, /Mots suspects/);
  assert.match(reasons, /connard/);
  assert.equal(await page.getByTestId('queue-item').count(), 1, 'the calm comment was published, not held');
});

test('? shows the keyboard shortcuts; Escape closes them', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.locator('body').press('?');
  const help = page.getByTestId('help');
  await help.waitFor();
  assert.match(await help.innerText(), /approuver/);
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'hidden' });
});

test('the console has no serious or critical accessibility violation, on a phone-sized screen', { timeout: TEST_TIMEOUT_MS }, async () => {
  const violations = await seriousA11yViolations(page);
  assert.deepEqual(violations, [], describeViolations(violations));
});

test('j/k move between comments and a approves the current one with the keyboard', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  assert.equal(await page.locator('[data-testid="queue-item"][aria-current="true"]').innerText().then((t) => t.includes(held)), true);
  await page.keyboard.press('a');
  await eventually(async () => assert.match(await page.getByTestId('status').innerText(), /Approuvé\s:\s1 commentaire/));
  await page.getByText('Rien dans « En attente ».').waitFor();
  await eventually(async () => assert.match(await page.getByTestId('tab-approved').innerText(), /Approuvés\s*1/));
});

test('the reader’s page now shows the approved comment', { timeout: TEST_TIMEOUT_MS }, async () => {
  const reader = await newContext(browser);
  try {
    const p = await reader.newPage();
    await p.goto(articleUrl);
    await waitForWidget(p, '#agora-discussion');
    await widgetPart(p, '#agora-discussion')('comment').filter({ hasText: held }).waitFor();
  } finally {
    await reader.close();
  }
});

test('r asks for a reason, Enter rejects, and the author is told that reason', { timeout: TEST_TIMEOUT_MS }, async () => {
  const author = await signUpViaApi(server.url, 'Troll');
  const storyId = await lookupStoryId(server.url, articleUrl);
  const text = `Bande d’abrutis ${Date.now().toString(36)}`;
  const res = await fetch(`${server.url}/api/v1/stories/${storyId}/comments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${author.token}` }, body: JSON.stringify({ body: text }) });
  const { comment } = (await res.json()) as { comment: { id: string; status: string } };
  assert.equal(comment.status, 'pending');
  // The open queue does not move by itself (only its counts do): switching queues loads the new comment.
  await page.goto(`${server.url}/admin#/queue/rejected`);
  await page.goto(`${server.url}/admin#/queue/pending`);
  const item = page.getByTestId('queue-item').filter({ hasText: text });
  await item.waitFor();
  // The shortcut acts on the current item: make it this one (earlier tests may have left others in the queue),
  // and wait until the console says so before pressing.
  await item.click({ position: { x: 4, y: 4 } });
  await page.locator('[data-testid="queue-item"][aria-current="true"]', { hasText: text }).waitFor();
  await page.locator('body').press('r');
  const dialog = page.getByTestId('reject-dialog');
  await dialog.waitFor();
  await page.keyboard.type('Insultes envers les autres lecteurs.');
  await page.keyboard.press('Enter');
  await eventually(async () => assert.match(await page.getByTestId('status').innerText(), /Rejeté\s:\s1 commentaire/));
  const list = await fetch(`${server.url}/api/v1/stories/${storyId}/comments`, { headers: { authorization: `Bearer ${author.token}` } });
  const mine = ((await list.json()) as { comments: { id: string; status: string; rejectionReason?: string }[] }).comments.find((c) => c.id === comment.id);
  assert.equal(mine?.status, 'rejected');
  assert.equal(mine?.rejectionReason, 'Insultes envers les autres lecteurs.');
});

test('the audit log names the moderator and the approval; ?lang=en gives the console in English', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.goto(`${server.url}/admin?lang=en#/audit`);
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  const audit = page.getByTestId('audit');
  await audit.waitFor();
  await eventually(async () => assert.match(await audit.innerText(), /Rédaction\s+approved a comment/));
});
