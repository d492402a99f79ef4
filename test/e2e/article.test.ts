/**
 * The first-party article page in real Chromium: server-rendered Discussion for every reader, the widget
 * taking over for readers with JavaScript, and a whole conversation (sign up, comment, reply, respect).
 * The tests of this file share one server and build on each other in order.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { demoArticles } from '../../src/server/articles/demo-articles.js';
import {
  DEMO_ARTICLE_SLUG,
  PASSWORD,
  TEST_TIMEOUT_MS,
  commentWithText,
  composerField,
  deepActiveTestId,
  describeViolations,
  eventually,
  launchBrowser,
  newContext,
  seriousA11yViolations,
  uniqueEmail,
  waitForWidget,
  widgetPart, textTag } from './helpers.js';

const HOST = '#agora-discussion';
const article = demoArticles.find((a) => a.slug === DEMO_ARTICLE_SLUG);
assert.ok(article, `demo article ${DEMO_ARTICLE_SLUG} is missing`);

let server: TestServer;
let browser: Browser;
let articleUrl: string;

// Written by the conversation test, read by the ones after it.
const displayName = `Lectrice ${process.pid}`;
const commentText = `Merci pour cet article clair ${textTag()}`;
const replyText = `Je partage cet avis ${textTag()}`;
let conversationPosted = false;

before(async () => {
  server = await startTestServer();
  articleUrl = `${server.url}/articles/${DEMO_ARTICLE_SLUG}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Signs a new reader up with the widget's inline form and waits until they are signed in. */
async function signUpInWidget(page: Page, part: ReturnType<typeof widgetPart>, name: string): Promise<void> {
  if (!(await part('auth-email').isVisible())) await part('sign-in').click();
  await part('auth-email').waitFor();
  await part('auth-toggle').click();
  await part('auth-name').waitFor();
  await part('auth-email').fill(uniqueEmail());
  await part('auth-password').fill(PASSWORD);
  await part('auth-name').fill(name);
  await part('auth-submit').click();
  await part('sign-out').waitFor();
  await page.locator(HOST).getByText(`Connecté en tant que ${name}`).filter({ visible: true }).waitFor();
}

/** Opens the article in a new page of `context` and waits for the widget to render. */
async function openWithWidget(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(articleUrl);
  await waitForWidget(page, HOST);
  return page;
}

test('without JavaScript, the server-rendered page shows the article and an empty Discussion', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const response = await page.goto(articleUrl);
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    await page.getByRole('heading', { level: 1, name: article.title }).waitFor();
    const section = page.locator(HOST);
    await section.waitFor();
    assert.ok(await section.getAttribute('data-story-id'), 'the section carries the story id for the widget');
    const text = await section.innerText();
    assert.match(text, /Discussion/);
    assert.match(text, /Rejoignez la conversation/);
    assert.match(text, /Soyez le premier à commenter/);
    assert.ok(
      (await page.locator('body').innerText()).includes(article.paragraphs[0]!),
      'the first paragraph of the article is on the page',
    );
  } finally {
    await context.close();
  }
});

test('with JavaScript, the widget takes over the Discussion in French', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser);
  try {
    const page = await openWithWidget(context);
    await page.getByRole('heading', { level: 1, name: article.title }).waitFor();
    const part = widgetPart(page, HOST);
    assert.match(await part('discussion').innerText(), /Discussion/);
    assert.match(await part('cta').innerText(), /Rejoignez la conversation/);
    assert.match(await part('empty-state').innerText(), /Soyez le premier à commenter/);
    assert.match(await part('sign-in').innerText(), /Se connecter/);
  } finally {
    await context.close();
  }
});

test('an empty Discussion has no serious or critical accessibility violation', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser);
  try {
    const page = await openWithWidget(context);
    const violations = await seriousA11yViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
  } finally {
    await context.close();
  }
});

test('the sign-in button is reached with Tab and opens the sign-in form with Enter', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser);
  try {
    const page = await openWithWidget(context);
    const part = widgetPart(page, HOST);
    await part('sign-in').waitFor();
    let reached = false;
    // Bounded: the article has a handful of links before the Discussion; 80 stops covers a long header.
    for (let i = 0; i < 80 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = (await deepActiveTestId(page)) === 'sign-in';
    }
    assert.ok(reached, 'Tab never focused the sign-in button');
    await page.keyboard.press('Enter');
    await part('auth-email').waitFor();
    await part('auth-password').waitFor();
  } finally {
    await context.close();
  }
});

test('a reader signs up in the widget, comments and replies', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser);
  try {
    const page = await openWithWidget(context);
    const part = widgetPart(page, HOST);

    // Sign up with the inline form.
    await signUpInWidget(page, part, displayName);

    // Comment.
    const field = await composerField(part('composer').first());
    await field.fill(commentText);
    await part('post').first().click();
    const comment = commentWithText(part, page, commentText);
    await comment.waitFor();
    assert.match(await comment.innerText(), new RegExp(displayName));
    assert.equal(await part('empty-state').count(), 0, 'the empty state is gone once a comment exists');

    // Reply to it.
    await comment.locator('[data-testid="reply"]').first().click();
    const replyComposer = comment.locator('[data-testid="composer"]').filter({ visible: true }).first();
    await replyComposer.waitFor();
    await (await composerField(replyComposer)).fill(replyText);
    await comment.locator('[data-testid="post"]').filter({ visible: true }).first().click();
    const reply = commentWithText(part, page, replyText);
    await reply.waitFor();

    conversationPosted = true;

    // Everything is still there after a reload. (Respect comes from another reader below: nobody gives it to their
    // own comment, CANNOT_REACT_OWN.)
    await page.reload();
    await waitForWidget(page, HOST);
    await commentWithText(part, page, commentText).waitFor();
    await commentWithText(part, page, replyText).waitFor();
    await part('sign-out').waitFor();

    // Signed in, with a composer and a thread: still usable with assistive technology.
    const violations = await seriousA11yViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
  } finally {
    await context.close();
  }
});

test('another reader sees the new comment and its reply, and gives a respect', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!conversationPosted) return t.skip('the conversation test did not post');
  const context = await newContext(browser);
  try {
    const page = await openWithWidget(context);
    const part = widgetPart(page, HOST);
    const comment = commentWithText(part, page, commentText);
    await comment.waitFor();
    await commentWithText(part, page, replyText).waitFor();
    await signUpInWidget(page, part, `Lecteur ${process.pid}`);

    const respect = commentWithText(part, page, commentText).locator('[data-testid="react"]').first();
    assert.equal(respectCount(await reactionLabel(respect)), 0, 'no respect before the click');
    await respect.click();
    await eventually(async () => assert.equal(respectCount(await reactionLabel(respect)), 1));
    assert.equal(await respect.getAttribute('aria-pressed'), 'true', 'the button tells it is pressed');

    // Still there after a reload.
    await page.reload();
    await waitForWidget(page, HOST);
    const respectAgain = commentWithText(part, page, commentText).locator('[data-testid="react"]').first();
    await eventually(async () => assert.equal(respectCount(await reactionLabel(respectAgain)), 1));
    assert.equal(await respectAgain.getAttribute('aria-pressed'), 'true');
  } finally {
    await context.close();
  }
});

test('a third, signed-out reader sees the respect, not pressed', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!conversationPosted) return t.skip('the conversation test did not post');
  const context = await newContext(browser);
  try {
    const page = await openWithWidget(context);
    const part = widgetPart(page, HOST);
    const respect = commentWithText(part, page, commentText).locator('[data-testid="react"]').first();
    await eventually(async () => assert.equal(respectCount(await reactionLabel(respect)), 1));
    assert.notEqual(await respect.getAttribute('aria-pressed'), 'true');
    await part('sign-in').waitFor();
  } finally {
    await context.close();
  }
});

test('the server-rendered page shows the comments to readers without JavaScript', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!conversationPosted) return t.skip('the conversation test did not post');
  const context = await newContext(browser, { javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(articleUrl);
    const text = await page.locator(HOST).innerText();
    assert.ok(text.includes(commentText), 'the comment is in the server-rendered Discussion');
    assert.ok(text.includes(replyText), 'the reply is in the server-rendered Discussion');
    assert.doesNotMatch(text, /Soyez le premier à commenter/);
  } finally {
    await context.close();
  }
});

test('a Discussion with comments has no serious or critical accessibility violation', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  if (!conversationPosted) return t.skip('the conversation test did not post');
  const context = await newContext(browser);
  try {
    const page = await openWithWidget(context);
    await commentWithText(widgetPart(page, HOST), page, replyText).waitFor();
    const violations = await seriousA11yViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
  } finally {
    await context.close();
  }
});

test('on a 360 px wide phone the page does not scroll sideways', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  try {
    const page = await openWithWidget(context);
    if (conversationPosted) await commentWithText(widgetPart(page, HOST), page, replyText).waitFor();
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= 360, `the page is ${scrollWidth}px wide on a 360px screen`);
  } finally {
    await context.close();
  }
});

/** What a reader (or a screen reader) is told about a respect button: its text and accessible name. */
async function reactionLabel(button: Locator): Promise<string> {
  const [text, label] = await Promise.all([button.innerText(), button.getAttribute('aria-label')]);
  return `${text} ${label ?? ''}`.replace(/\s+/g, ' ').trim();
}

/** The number of respects a label shows ("Respect 3", "3 respects"); 0 when it shows none. */
function respectCount(label: string): number {
  const m = /(\d+)\s*respects?\b|respects?\D*?(\d+)/i.exec(label);
  return m ? Number(m[1] ?? m[2]) : 0;
}
