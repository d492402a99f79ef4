/**
 * The console's moderation views in real Chromium, in French: a moderator clears the reports on one comment
 * ("Rejeter les signalements") and rejects another, reads a held reply with its parent and the matched word marked,
 * moves with j/k (real focus), and the audit log tells both decisions in French words. axe finds nothing serious on
 * the queue, the audit log and the settings, in the dense and the comfortable layouts. Tests build on each other.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WEB_DIR } from '../../src/server/http/static-routes.js';
import { createAdmin } from '../../src/server/moderation/admin/setup.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { DEMO_ARTICLE_SLUG, PASSWORD, TEST_TIMEOUT_MS, describeViolations, eventually, launchBrowser, lookupStoryId, newContext, seriousA11yViolations, signUpViaApi, textTag } from './helpers.js';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const tag = textTag();
const kept = `Un avis qui dérange certains ${tag}`;
const spam = `Achetez des montres pas chères ${tag}`;
const parentText = `Le parent calme de la réponse ${tag}`;
const reply = `Tu es un connard, voilà ${tag}`;

async function post(storyId: string, token: string, body: string, parentId?: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/stories/${storyId}/comments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ body, ...(parentId ? { parentId } : {}) }) });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { comment: { id: string } }).comment.id;
}
async function report(id: string, name: string, reason: string, note?: string) {
  const s = await signUpViaApi(server.url, name);
  const res = await fetch(`${server.url}/api/v1/comments/${id}/reports`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` }, body: JSON.stringify({ reason, ...(note ? { note } : {}) }) });
  assert.ok(res.status < 300, await res.clone().text());
}

before(async () => {
  if (!existsSync(join(WEB_DIR, 'admin.js'))) {
    // @ts-expect-error plain ESM build script without types
    const { buildWeb } = (await import('../../scripts/build-web.mjs')) as { buildWeb: (o: { outdir: string }) => Promise<unknown> };
    await buildWeb({ outdir: WEB_DIR });
  }
  server = await startTestServer();
  await createAdmin(server.deps.db, { email: 'desk@example.test', password: PASSWORD, displayName: 'Modération' }, server.deps.config.scryptN);
  const storyId = await lookupStoryId(server.url, `${server.url}/articles/${DEMO_ARTICLE_SLUG}`);
  const author = await signUpViaApi(server.url, 'Auteur');
  const keptId = await post(storyId, author.token, kept);
  const spamId = await post(storyId, author.token, spam);
  await report(keptId, 'Alice', 'offtopic', 'Rien à voir');
  await report(keptId, 'Bruno', 'offtopic');
  await report(keptId, 'Chloé', 'misinformation');
  await report(spamId, 'Denis', 'spam');
  const parentId = await post(storyId, (await signUpViaApi(server.url, 'Lectrice calme')).token, parentText);
  await post(storyId, (await signUpViaApi(server.url, 'Lecteur fâché')).token, reply, parentId);
  // Each from its own reader (one author's burst is held by the flood limit), plain text without the random tag (a
  // nonsense token can tip the toxicity score over the hold threshold): Non modérés keeps its three.
  for (const n of [1, 2, 3]) await post(storyId, (await signUpViaApi(server.url, `Lecteur posé ${n}`)).token, `Merci pour cet article très clair, lecture numéro ${n}.`);
  browser = await launchBrowser();
  context = await newContext(browser, { locale: 'fr-FR', viewport: { width: 1100, height: 900 } });
  page = await context.newPage();
  await page.goto(`${server.url}/admin#/queue/reported`);
  await page.getByLabel('E-mail').fill('desk@example.test');
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByTestId('tab-reported').waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('Reported shows the reasons grouped in French, who reported and their note', { timeout: TEST_TIMEOUT_MS }, async () => {
  const item = page.getByTestId('queue-item').filter({ hasText: kept });
  await item.waitFor();
  const reports = item.getByTestId('reports');
  assert.match(await reports.locator('summary').innerText(), /Signalé\s:\sHors sujet ×2, Désinformation ×1/);
  await reports.locator('summary').click();
  const text = await reports.innerText();
  assert.match(text, /Signalé par Alice · Hors sujet/);
  assert.match(text, /Alice · Hors sujet · .* · «\sRien à voir\s»/);
  assert.doesNotMatch(text, /offtopic|misinformation/);
});

test('"Rejeter les signalements" keeps the comment and takes it out of Reported', { timeout: TEST_TIMEOUT_MS }, async () => {
  const item = page.getByTestId('queue-item').filter({ hasText: kept });
  await item.getByRole('button', { name: /Rejeter les signalements/ }).click();
  await eventually(async () => assert.match(await page.getByTestId('status').innerText(), /Signalements rejetés\s:\s1 commentaire/));
  await item.waitFor({ state: 'detached' });
  await eventually(async () => assert.match(await page.getByTestId('tab-reported').innerText(), /Signalés\s*1/));
});

test('the other reported comment is rejected with a reason', { timeout: TEST_TIMEOUT_MS }, async () => {
  const item = page.getByTestId('queue-item').filter({ hasText: spam });
  await item.getByRole('button', { name: /^Rejeter\b(?! les)/ }).click();
  await page.getByTestId('reject-dialog').waitFor();
  await page.keyboard.type('Publicité.');
  await page.keyboard.press('Enter');
  await eventually(async () => assert.match(await page.getByTestId('status').innerText(), /Rejeté\s:\s1 commentaire/));
});

test('a held reply shows its parent, the matched word marked, and a link to it in the article', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.goto(`${server.url}/admin#/queue/pending`);
  const item = page.getByTestId('queue-item').filter({ hasText: reply });
  await item.waitFor();
  assert.match(await item.getByTestId('parent').innerText(), new RegExp(`En réponse à Lectrice calme\\s:\\s+${parentText}`));
  assert.equal((await item.locator('.body mark').innerText()).toLowerCase(), 'connard');
  assert.match((await item.getByTestId('permalink').getAttribute('href')) ?? '', /#comment-/);
});

test('j and k move the real focus from comment to comment', { timeout: TEST_TIMEOUT_MS }, async () => {
  // A fresh page: a goto that changes only the hash keeps the previous test's dialogs and focus.
  await page.goto('about:blank');
  await page.goto(`${server.url}/admin#/queue/unmoderated`);
  await page.getByTestId('queue-item').nth(1).waitFor();
  const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? null);
  const currentId = () => page.locator('[data-testid="queue-item"][aria-current="true"]').getAttribute('data-comment-id');
  // The queue binds its keys once its list has loaded: press j until it has (a press before that does nothing).
  await eventually(async () => {
    await page.keyboard.press('j');
    assert.equal(await focused(), 'queue-item');
  });
  // A j pressed before the queue chose its first comment lands on the first one: go one further, so k has somewhere to go.
  const firstId = await page.getByTestId('queue-item').first().getAttribute('data-comment-id');
  if ((await currentId()) === firstId) {
    await page.keyboard.press('j');
    await eventually(async () => assert.notEqual(await currentId(), firstId));
  }
  const second = await currentId();
  assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.commentId), second);
  await page.keyboard.press('k');
  await eventually(async () => assert.notEqual(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.commentId), second));
  assert.equal(await focused(), 'queue-item');
});

test('the audit log tells both decisions in French words', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.goto(`${server.url}/admin#/audit`);
  const audit = page.getByTestId('audit');
  await audit.waitFor();
  await eventually(async () => {
    const text = await audit.innerText();
    assert.match(text, new RegExp(`Modération a rejeté les signalements d’un commentaire\\s*«\\s${kept}\\s»`));
    assert.match(text, /signalements ouverts\s:\s3 → 0/);
    assert.match(text, /Modération a rejeté un commentaire/);
    assert.match(text, /statut\s:\spublié → rejeté/);
    assert.doesNotMatch(text, /comment\.|\{"/);
  });
  await page.getByTestId('audit-action').selectOption('comment.dismiss_reports');
  await eventually(async () => assert.equal(await page.getByTestId('audit-entry').count(), 1));
});

test('settings: thresholds in percent, the model’s default shown, and what a threshold would have held last week', { timeout: TEST_TIMEOUT_MS }, async () => {
  await page.goto(`${server.url}/admin#/settings`);
  const help = page.getByTestId('th-toxicity-hold-help');
  await eventually(async () => {
    const text = await help.innerText();
    assert.match(text, /Vide\s:\sle seuil du modèle, \d+\s%/);
    assert.match(text, /Sur les 7 derniers jours, il aurait retenu \d+ commentaires? sur \d+/);
  });
  await page.getByLabel('Toxicité : retenir à partir de (%)'.replace(' :', '\u00a0:')).fill('1');
  await eventually(async () => assert.match(await help.innerText(), /il aurait retenu [1-9]\d* commentaires?/));
});

for (const density of ['dense', 'comfortable'] as const) {
  test(`axe: nothing serious on the queue, the audit log and the settings (${density})`, { timeout: TEST_TIMEOUT_MS }, async () => {
    await page.goto(`${server.url}/admin#/queue/pending`);
    await page.getByTestId('density').selectOption(density);
    await page.getByTestId('queue-item').first().waitFor();
    for (const view of ['queue/pending', 'audit', 'settings']) {
      await page.goto(`${server.url}/admin#/${view}`);
      await page.locator('main h1, main section').first().waitFor();
      await page.waitForTimeout(300);
      const violations = await seriousA11yViolations(page);
      assert.deepEqual(violations, [], `${view} (${density}): ${describeViolations(violations)}`);
    }
  });
}
