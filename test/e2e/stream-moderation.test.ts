/**
 * Moderation in the stream (issue 13, point 4), in real Chromium and in French: a moderator of the demo site opens the
 * article and signs in with the Discussion's form; each comment then has the "Modérer" menu (loaded from its own
 * chunk, which a reader's page never fetches). The moderator rejects a comment with one of the console's reasons; another reader's
 * open page drops it live; the console's audit log tells it in French words. Tests build on each other.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WEB_DIR } from '../../src/server/http/static-routes.js';
import { createAdmin } from '../../src/server/moderation/admin/setup.js';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { DEMO_ARTICLE_SLUG, PASSWORD, TEST_TIMEOUT_MS, commentWithText, describeViolations, seriousA11yViolations, eventually, launchBrowser, lookupStoryId, newContext, signUpViaApi, uniqueEmail, waitForWidget, widgetPart } from './helpers.js';

let server: TestServer;
let browser: Browser;
let modContext: BrowserContext;
let readerContext: BrowserContext;
let mod: Page;
let modEmail: string;
let reader: Page;
/** Every module the reader's page fetched from /embed/. */
const readerModules: string[] = [];
const tag = Date.now().toString(36);
const offTopic = `Rien à voir, mais qui a vu le match hier soir ${tag}`;
const calm = `Merci pour cet article très clair ${tag}`;
const heated = `Je maintiens mon point de vue, point final ${tag}`;
const HOST = '#agora-discussion';
const article = () => `${server.url}/articles/${DEMO_ARTICLE_SLUG}`;

async function post(storyId: string, token: string, body: string): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/stories/${storyId}/comments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ body }) });
  assert.equal(res.status, 201, await res.clone().text());
}

before(async () => {
  if (!existsSync(join(WEB_DIR, 'embed.js'))) {
    // @ts-expect-error plain ESM build script without types
    const { buildWeb } = (await import('../../scripts/build-web.mjs')) as { buildWeb: (o: { outdir: string }) => Promise<unknown> };
    await buildWeb({ outdir: WEB_DIR });
  }
  server = await startTestServer();
  // An install with an administrator (else the console opens on its first-run form).
  await createAdmin(server.deps.db, { email: uniqueEmail('desk'), password: PASSWORD, displayName: 'Rédaction' }, server.deps.config.scryptN);
  // A moderator of the demo site only (no staff role): the widget learns it from GET /me's `moderates`.
  const email = (modEmail = uniqueEmail('mod'));
  const res = await fetch(`${server.url}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD, displayName: 'Léa Desk' }) });
  assert.equal(res.status, 201, await res.clone().text());
  const { user } = (await res.json()) as { user: { id: string } };
  await server.deps.moderation.staff.addModerator(server.deps.db, 'demo', user.id);
  const storyId = await lookupStoryId(server.url, article());
  await post(storyId, (await signUpViaApi(server.url, 'Lecteur distrait')).token, offTopic);
  await post(storyId, (await signUpViaApi(server.url, 'Lectrice posée')).token, calm);
  await post(storyId, (await signUpViaApi(server.url, 'Lecteur insistant')).token, heated);

  browser = await launchBrowser();
  readerContext = await newContext(browser, { locale: 'fr-FR' });
  reader = await readerContext.newPage();
  reader.on('request', (r) => void (/\/embed\/[^/]+\.js$/.test(r.url()) && readerModules.push(new URL(r.url()).pathname)));
  modContext = await newContext(browser, { locale: 'fr-FR' });
  mod = await modContext.newPage();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the moderator sees the "Modérer" menu on each comment; a reader neither sees it nor fetches its chunk', { timeout: TEST_TIMEOUT_MS }, async () => {
  await reader.goto(article());
  await waitForWidget(reader, HOST);
  const r = widgetPart(reader, HOST);
  await commentWithText(r, reader, offTopic).waitFor();

  // The moderator signs in with the Discussion's own form: the menu appears at once, without a reload.
  await mod.goto(article());
  await waitForWidget(mod, HOST);
  const m = widgetPart(mod, HOST);
  const item = commentWithText(m, mod, offTopic);
  await item.waitFor();
  assert.equal(await m('mod-menu').count(), 0, 'no menu while signed out');
  await m('sign-in').click();
  await m('auth-email').fill(modEmail);
  await m('auth-password').fill(PASSWORD);
  await m('auth-submit').click();
  await m('sign-out').waitFor();
  await item.getByTestId('mod-menu').waitFor();
  assert.equal(await item.getByTestId('mod-menu').innerText(), 'Modérer');
  assert.equal(await commentWithText(m, mod, calm).getByTestId('mod-menu').count(), 1);

  // The reader's page has had time to prefetch every chunk it would (idle callback, 5 s at most).
  await reader.waitForTimeout(1500);
  await eventually(async () => assert.ok(readerModules.some((p) => p.startsWith('/embed/report-')), 'the reader prefetched the interaction chunks'), 8000);
  assert.equal(await r('mod-menu').count(), 0);
  assert.ok(!readerModules.some((p) => p.startsWith('/embed/mod-')), `the reader never fetches the menu: ${readerModules.join(', ')}`);
});

test('the moderator rejects a comment with one of the console’s reasons; the reader’s page drops it live', { timeout: TEST_TIMEOUT_MS }, async () => {
  const m = widgetPart(mod, HOST);
  const item = commentWithText(m, mod, offTopic);
  await item.getByTestId('mod-menu').click();
  const panel = item.getByTestId('mod-panel');
  await panel.waitFor();
  // The open menu is labelled and reachable like the rest of the Discussion.
  const violations = await seriousA11yViolations(mod);
  assert.deepEqual(violations, [], describeViolations(violations));
  await panel.getByTestId('mod-preset').selectOption('Hors sujet.');
  assert.equal(await panel.getByTestId('mod-reason').inputValue(), 'Hors sujet.');
  await panel.getByTestId('mod-kind').selectOption('other');
  await panel.getByTestId('mod-reject').click();
  await eventually(async () => assert.match(await m('status').innerText(), /Commentaire rejeté/));
  assert.equal(await m('comment').filter({ hasText: offTopic }).count(), 0, 'gone from the moderator’s page');

  // The other reader did nothing: the comment.moderated event took it away.
  const r = widgetPart(reader, HOST);
  await eventually(async () => assert.equal(await r('comment').filter({ hasText: offTopic }).count(), 0));
  assert.equal(await commentWithText(r, reader, calm).count(), 1, 'the other comment stays');
});

test('the moderator suspends an author for 3 days from the menu', { timeout: TEST_TIMEOUT_MS }, async () => {
  const m = widgetPart(mod, HOST);
  const item = commentWithText(m, mod, heated);
  await item.getByTestId('mod-menu').click();
  const panel = item.getByTestId('mod-panel');
  await panel.getByTestId('mod-hours').selectOption('72');
  await panel.getByTestId('mod-suspend').click();
  await eventually(async () => assert.match(await m('status').innerText(), /Lecteur insistant est suspendu jusqu’au \d+/));
  assert.equal(await panel.count(), 0, 'the menu closed');
  assert.equal(await commentWithText(m, mod, heated).count(), 1, 'the comment itself stays');
});

test('the console’s audit log tells the reject in French, with its reason', { timeout: TEST_TIMEOUT_MS }, async () => {
  // The console has its own sign-in (a token it keeps), once.
  await mod.goto(`${server.url}/admin#/audit`);
  await mod.getByLabel('E-mail').fill(modEmail);
  await mod.getByLabel('Mot de passe').fill(PASSWORD);
  await mod.getByRole('button', { name: 'Se connecter' }).click();
  const audit = mod.getByTestId('audit');
  await audit.waitFor();
  await eventually(async () => {
    const text = await audit.innerText();
    assert.match(text, /Léa Desk a rejeté un commentaire/);
    assert.match(text, /statut\s:\spublié → rejeté/);
    assert.match(text, /raison\s:\s«\sHors sujet\.\s»/);
    assert.doesNotMatch(text, /comment\.|\{"/);
  });
});

test('the console’s user panel shows the author’s standing history: who, when, what', { timeout: TEST_TIMEOUT_MS }, async () => {
  await mod.goto(`${server.url}/admin#/queue/unmoderated`);
  const item = mod.getByTestId('queue-item').filter({ hasText: heated });
  await item.getByTestId('author').click();
  const history = mod.getByTestId('user-panel').getByTestId('standing-history');
  await eventually(async () => assert.match(await history.innerText(), /Léa Desk\s:\s.*suspendu jusqu’au\s:\s– → \d+/));
});

test('the console’s counts follow a held comment live, well before the next poll', { timeout: TEST_TIMEOUT_MS }, async () => {
  await mod.goto(`${server.url}/admin#/queue/pending`);
  const count = mod.getByTestId('tab-pending').locator('.count');
  await eventually(async () => assert.match(await count.innerText(), /^\d+$/));
  const before = Number(await count.innerText());
  // Give the console's stream a moment to be up (it opens with the queue), then a comment the pipeline holds.
  await mod.waitForTimeout(500);
  const storyId = await lookupStoryId(server.url, article());
  await post(storyId, (await signUpViaApi(server.url, 'Lecteur grossier')).token, `Tu es un connard, voilà ${tag}`);
  await eventually(async () => assert.equal(Number(await count.innerText()), before + 1), 5000);
});

test('the dashboard’s "en attente → traiter" follows a held comment live too', { timeout: TEST_TIMEOUT_MS }, async () => {
  await mod.goto(`${server.url}/admin#/`);
  const todo = mod.getByTestId('todo');
  await todo.waitFor();
  const waiting = async () => Number(/(\d+)/.exec(await todo.locator('a').first().innerText())?.[1]);
  const before = await waiting();
  await mod.waitForTimeout(500);
  const storyId = await lookupStoryId(server.url, article());
  await post(storyId, (await signUpViaApi(server.url, 'Lectrice grossière')).token, `Espèce de connard, va ${tag}`);
  await eventually(async () => assert.equal(await waiting(), before + 1), 5000);
});
