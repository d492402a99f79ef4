// Live updates in the browser: a reader's open Discussion receives what others do, without reloading.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { commentWithText, DEMO_ARTICLE_SLUG, eventually, launchBrowser, PASSWORD, signUpViaApi, uniqueEmail, waitForWidget, widgetPart, type ApiSession } from './helpers.js';

let server: TestServer;
let browser: Browser;
let storyId: string;
let alice: ApiSession;

/** The demo article in a fresh browser context signed in with `cookie`, once its widget is up. */
async function openArticleAs(cookie: string) {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'agora_session', value: cookie, url: server.url }]);
  const page = await context.newPage();
  await page.goto(`${server.url}/articles/${DEMO_ARTICLE_SLUG}`);
  await waitForWidget(page, '#agora-discussion');
  return { context, page, part: widgetPart(page, '#agora-discussion') };
}

async function post(session: ApiSession, body: string, parentId?: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/stories/${storyId}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify(parentId ? { body, parentId } : { body }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { comment: { id: string } }).comment.id;
}

before(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  alice = await signUpViaApi(server.url, 'Alice Direct');
  const res = await fetch(`${server.url}/api/v1/stories/lookup?url=${encodeURIComponent(`${server.url}/articles/${DEMO_ARTICLE_SLUG}`)}`);
  storyId = ((await res.json()) as { story: { id: string } }).story.id;
  await post(alice, 'Premier commentaire de la discussion.');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('new comments wait behind "N new comments", reactions update in place, and a reply to my comment appears at once', { timeout: 90_000 }, async () => {
  // The reader has a first-party session cookie, as after signing in on the site.
  const signup = await fetch(`${server.url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ email: uniqueEmail('live'), password: PASSWORD, displayName: 'Lectrice' }),
  });
  const cookie = /agora_session=([^;]+)/.exec(signup.headers.get('set-cookie') ?? '')?.[1];
  assert.ok(cookie, 'session cookie');
  const { context, page, part } = await openArticleAs(cookie);
  await commentWithText(part, page, 'Premier commentaire').waitFor();

  // Someone else comments: the reader is told, and the list does not move until they ask.
  await post(alice, 'Un avis arrivé en direct.');
  await part('new-comments').waitFor();
  assert.match((await part('new-comments').textContent()) ?? '', /1 nouveau commentaire/);
  assert.equal(await commentWithText(part, page, 'arrivé en direct').count(), 0, 'not inserted before the click');
  await part('new-comments').click();
  await commentWithText(part, page, 'arrivé en direct').waitFor();
  assert.equal(await part('new-comments').count(), 0);

  // A reaction elsewhere updates the count in place (another reader's: nobody reacts to their own comment).
  const first = commentWithText(part, page, 'Premier commentaire');
  const firstId = await first.getAttribute('data-comment-id');
  const bob = await signUpViaApi(server.url, 'Bob Direct');
  const reacted = await fetch(`${server.url}/api/v1/comments/${firstId}/reaction`, { method: 'POST', headers: { authorization: `Bearer ${bob.token}` } });
  assert.equal(reacted.status, 200, await reacted.clone().text());
  await eventually(async () => assert.match((await first.locator('[data-testid="react"]').first().textContent()) ?? '', /1/));

  // The reader's own comment, then a reply to it from someone else: it shows at once.
  const composer = part('composer').first();
  await composer.fill('Ma question aux lecteurs.');
  await part('post').first().click();
  const mine = commentWithText(part, page, 'Ma question aux lecteurs.');
  await mine.waitFor();
  const mineId = await mine.getAttribute('data-comment-id');
  await post(alice, 'Voici ma réponse à votre question.', mineId ?? undefined);
  await commentWithText(part, page, 'Voici ma réponse').waitFor();
  assert.equal(await part('new-comments').count(), 0, 'a reply to me is not held back');
  await context.close();
});

test('the Featured view lists the moderators’ picks, and a reader sees why their comment was rejected', { timeout: 90_000 }, async () => {
  const signup = await fetch(`${server.url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ email: uniqueEmail('featured'), password: PASSWORD, displayName: 'Lecteur refusé' }),
  });
  const { token, user } = (await signup.json()) as { token: string; user: { id: string } };
  const cookie = /agora_session=([^;]+)/.exec(signup.headers.get('set-cookie') ?? '')?.[1];
  assert.ok(cookie);
  const picked = await post(alice, 'Une analyse remarquable, mise à la une.');
  const mine = await post({ token, user: { id: user.id, displayName: 'Lecteur refusé' } }, 'Un commentaire que la modération refusera.');
  // As a moderator's decisions would leave them (the console's own tests cover the actions).
  await server.deps.db.updateTable('comments').set({ featured: 1 }).where('id', '=', picked).execute();
  await server.deps.db.updateTable('comments').set({ status: 'rejected', rejection_reason: 'Hors sujet pour cet article.' }).where('id', '=', mine).execute();

  const { context, page, part } = await openArticleAs(cookie);
  await commentWithText(part, page, 'que la modération refusera').getByText('Hors sujet pour cet article.').waitFor();
  await part('sort').selectOption('featured');
  await eventually(async () => {
    assert.equal(await part('comment').count(), 1);
    assert.match((await part('comment').first().textContent()) ?? '', /mise à la une/);
  });
  await context.close();
});
