/**
 * What readers see of the Discussion beyond the basics (issue 12, widget side), in real Chromium on the demo site's
 * French and English articles: dark pages and theming (axe in light and dark), staff and featured badges, the
 * Featured tab, and a permalink to a comment that is not on the first page.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { publishEverything, signUp, signUpAdmin } from '../fixtures/publisher.js';
import { demoArticles } from '../../src/server/articles/demo-articles.js';
import {
  PASSWORD,
  TEST_TIMEOUT_MS,
  commentWithText,
  composerField,
  deepActiveTestId,
  describeViolations,
  eventually,
  launchBrowser,
  lookupStoryId,
  newContext,
  seriousA11yViolations,
  uniqueEmail,
  waitForWidget,
  widgetPart, textTag } from './helpers.js';

const HOST = '#agora-discussion';
const fr = demoArticles.find((a) => a.lang === 'fr')!;
const en = demoArticles.find((a) => a.lang === 'en')!;

let server: TestServer;
let browser: Browser;
const url = (slug: string) => `${server.url}/articles/${slug}`;

/** Posts `body` on the story of `slug` as `who`, through the API; returns the comment's id. */
async function post(slug: string, who: { auth: Record<string, string> }, body: string): Promise<string> {
  const storyId = await lookupStoryId(server.url, url(slug));
  const res = await server.app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: who.auth, payload: { body } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ comment: { id: string } }>().comment.id;
}

const run = textTag();
let admin: Awaited<ReturnType<typeof signUpAdmin>>;
let staffText = '';
let featuredText = '';
let plainText = '';
let oldestId = '';
const oldestText = `Le tout premier avis ${run}`;

before(async () => {
  server = await startTestServer();
  publishEverything(server.deps);
  browser = await launchBrowser();
  admin = await signUpAdmin(server.app, server.deps);
  // French story: more than two pages of threads (20 each), the oldest on page 3 of "newest first".
  const readers = await Promise.all([0, 1, 2].map((i) => signUp(server.app, `Lectrice ${i} ${run}`)));
  oldestId = await post(fr.slug, readers[0]!, oldestText);
  for (let i = 0; i < 44; i++) await post(fr.slug, readers[i % 3]!, `Avis numéro ${i} ${run}`);
  // English story: a staff comment, a featured one, a plain one.
  const reader = await signUp(server.app, `Reader ${run}`);
  staffText = `A word from the newsroom ${run}`;
  featuredText = `A comment worth featuring ${run}`;
  plainText = `An ordinary comment ${run}`;
  await post(en.slug, admin, staffText);
  const picked = await post(en.slug, reader, featuredText);
  await post(en.slug, reader, plainText);
  const feature = await server.app.inject({ method: 'POST', url: `/api/v1/admin/moderation/comments/${picked}/feature`, headers: admin.auth, payload: { featured: true } });
  assert.equal(feature.statusCode, 200, feature.body);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The widget's background colour, as painted on its host. */
const hostBackground = (page: Page) => page.locator(HOST).evaluate((el) => getComputedStyle(el).backgroundColor);

for (const { scheme, bg } of [
  { scheme: 'light', bg: 'rgb(255, 255, 255)' },
  { scheme: 'dark', bg: 'rgb(13, 17, 23)' },
] as const) {
  test(`the widget follows a ${scheme} colour scheme, with no serious or critical axe violation (fr, en)`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const context = await newContext(browser, { colorScheme: scheme });
    try {
      for (const slug of [fr.slug, en.slug]) {
        const page = await context.newPage();
        await page.goto(url(slug));
        await waitForWidget(page, HOST);
        await widgetPart(page, HOST)('comment').first().waitFor();
        assert.equal(await hostBackground(page), bg);
        const violations = await seriousA11yViolations(page);
        assert.deepEqual(violations, [], describeViolations(violations));
        await page.close();
      }
    } finally {
      await context.close();
    }
  });
}

test('data-theme on the host wins over the system scheme, and the --agora-* properties let a publisher match its site', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser, { colorScheme: 'dark' });
  try {
    const page = await context.newPage();
    await page.goto(url(en.slug));
    await waitForWidget(page, HOST);
    await page.locator(HOST).evaluate((el) => el.setAttribute('data-theme', 'light'));
    assert.equal(await hostBackground(page), 'rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator(HOST).evaluate((el) => el.setAttribute('data-theme', 'dark'));
    assert.equal(await hostBackground(page), 'rgb(13, 17, 23)');
    // The page's own values beat the widget's palettes.
    await page.locator(HOST).evaluate((el) => (el as HTMLElement).style.setProperty('--agora-bg', '#102030'));
    assert.equal(await hostBackground(page), 'rgb(16, 32, 48)');
    const violations = await seriousA11yViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
  } finally {
    await context.close();
  }
});

test('staff and featured comments carry a badge; the Featured tab lists only featured comments, or says there are none', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser, { locale: 'en-GB' });
  try {
    const page = await context.newPage();
    await page.goto(url(en.slug));
    await waitForWidget(page, HOST);
    const part = widgetPart(page, HOST);
    await commentWithText(part, page, staffText).locator('.badge', { hasText: 'Newsroom' }).waitFor();
    await commentWithText(part, page, featuredText).locator('.badge', { hasText: 'Featured' }).waitFor();
    assert.equal(await commentWithText(part, page, plainText).locator('.badge').count(), 0);
    await part('sort').selectOption('featured');
    await eventually(async () => assert.equal(await part('comment').count(), 1));
    await commentWithText(part, page, featuredText).waitFor();

    // The French story has nothing featured: an empty state, in French.
    await page.goto(url(fr.slug));
    await waitForWidget(page, HOST);
    await widgetPart(page, HOST)('sort').selectOption('featured');
    await eventually(async () => assert.match((await widgetPart(page, HOST)('featured-empty').textContent()) ?? '', /Rien à la une/));
  } finally {
    await context.close();
  }
});

test('a permalink to a comment on page 3 loads it, scrolls to it and highlights it; its time links to it (fr)', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(`${url(fr.slug)}#comment-${oldestId}`);
    await waitForWidget(page, HOST);
    const part = widgetPart(page, HOST);
    const target = part('comment').and(page.locator(`[data-comment-id="${oldestId}"]`));
    await target.waitFor();
    await eventually(async () => assert.equal(await target.getAttribute('data-highlighted'), ''));
    assert.ok(await target.isVisible());
    assert.ok(await target.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el), 'the comment has the focus');
    assert.ok(await target.evaluate((el) => el.getBoundingClientRect().top < innerHeight), 'the comment is scrolled into view');
    assert.ok((await target.textContent())?.includes(oldestText));
    // The first page is still there below it, and the comment's time is its permalink.
    assert.equal(await target.locator('a:has(time)').getAttribute('href'), `#comment-${oldestId}`);

    // Following another comment's link (hashchange) moves the highlight there.
    const other = part('comment').nth(3);
    const otherId = (await other.getAttribute('data-comment-id'))!;
    await other.locator('a:has(time)').click();
    await eventually(async () => assert.equal(await other.getAttribute('data-highlighted'), ''));
    assert.equal(await target.getAttribute('data-highlighted'), null);
    assert.equal(new URL(page.url()).hash, `#comment-${otherId}`);

    // An unknown comment: the discussion as it is, and a message.
    await page.evaluate(() => (location.hash = '#comment-nope'));
    await eventually(async () => assert.match((await part('status').textContent()) ?? '', /n’est plus disponible/));
  } finally {
    await context.close();
  }
});

test('"Copy link" puts the comment’s permalink on the clipboard (en)', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser, { locale: 'en-GB', permissions: ['clipboard-read', 'clipboard-write'] });
  try {
    const page = await context.newPage();
    await page.goto(url(en.slug));
    await waitForWidget(page, HOST);
    const part = widgetPart(page, HOST);
    const c = commentWithText(part, page, plainText);
    const id = await c.getAttribute('data-comment-id');
    await c.locator('[data-testid="copy-link"]').first().click();
    await eventually(async () => assert.equal(await part('status').textContent(), 'Link copied.'));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${url(en.slug)}#comment-${id}`);
  } finally {
    await context.close();
  }
});

test('signed in: Esc closes the report form, "Reported ✓" after reporting, no Respect on one’s own comment, a "My account" link, ignoring a reader folds their comments (en)', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser, { locale: 'en-GB' });
  try {
    const page = await context.newPage();
    await page.goto(url(en.slug));
    await waitForWidget(page, HOST);
    const part = widgetPart(page, HOST);
    await part('sign-in').click();
    await part('auth-email').waitFor();
    await part('auth-toggle').click();
    await part('auth-name').waitFor();
    await part('auth-email').fill(uniqueEmail());
    await part('auth-password').fill(PASSWORD);
    await part('auth-name').fill(`Signed-in reader ${run}`);
    await part('auth-submit').click();
    await part('sign-out').waitFor();
    assert.equal(await part('my-account').getAttribute('href'), `${server.url}/profile`);

    const c = commentWithText(part, page, plainText);
    await c.locator('[data-testid="report"]').click();
    await part('report-reason').waitFor();
    await page.keyboard.press('Escape');
    await eventually(async () => assert.equal(await part('report-reason').count(), 0));
    assert.equal(await deepActiveTestId(page), 'report', 'focus is back on the Report button');
    await c.locator('[data-testid="report"]').click();
    await part('report-submit').click();
    await eventually(async () => assert.equal(await c.locator('[data-testid="report"]').textContent(), 'Reported ✓'));
    assert.ok(await c.locator('[data-testid="report"]').isDisabled());

    const mine = `My own comment ${run}`;
    await (await composerField(part('composer').first())).fill(mine);
    await part('post').first().click();
    const own = commentWithText(part, page, mine);
    await own.waitFor();
    assert.ok(await own.locator('[data-testid="react"]').isDisabled(), 'no Respect on one’s own comment');

    // Ignoring the plain comment's author folds their comments (the featured one is theirs too), with "Show".
    const folded = page.locator(HOST).locator(`[data-comment-id="${await c.getAttribute('data-comment-id')}"]`);
    await c.locator('[data-testid="ignore"]').click();
    await eventually(async () => assert.match((await part('status').textContent()) ?? '', /comments are now folded for you/));
    const featured = page.locator(HOST).locator('[data-testid="comment"]').filter({ has: page.locator('.badge', { hasText: 'Featured' }) });
    await featured.locator('[data-testid="unfold"]').waitFor();
    assert.equal(await folded.locator('.body').count(), 0, 'folded: no body');
    await folded.locator('[data-testid="unfold"]').click();
    await eventually(async () => assert.ok(((await folded.locator('.body').textContent()) ?? '').includes(plainText)));
  } finally {
    await context.close();
  }
});

test('keep the reader’s place: Répondre while signed out says why, and after sign-in the reply form is open under that comment (fr)', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(url(fr.slug));
    await waitForWidget(page, HOST);
    const part = widgetPart(page, HOST);
    const c = part('comment').nth(6);
    const id = await c.getAttribute('data-comment-id');
    await c.locator('[data-testid="reply"]').click();
    await eventually(async () => assert.equal(await part('status').textContent(), 'Connectez-vous pour répondre.'));
    await part('auth-email').waitFor();
    await part('auth-toggle').click();
    await part('auth-name').waitFor();
    await part('auth-email').fill(uniqueEmail());
    await part('auth-password').fill(PASSWORD);
    await part('auth-name').fill(`Lectrice revenue ${run}`);
    await part('auth-submit').click();
    await part('sign-out').waitFor();
    const form = page.locator(HOST).locator(`[data-comment-id="${id}"] [data-testid="composer"]`);
    await form.waitFor();
    await eventually(async () => assert.equal(await deepActiveTestId(page), 'composer'));
    assert.ok(await form.evaluate((el) => el.getBoundingClientRect().top < innerHeight && el.getBoundingClientRect().bottom > 0), 'the form is in view');
    // Esc closes it.
    await page.keyboard.press('Escape');
    await eventually(async () => assert.equal(await form.count(), 0));
  } finally {
    await context.close();
  }
});

test('the chosen sort is remembered on the next visit (en)', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser, { locale: 'en-GB' });
  try {
    const page = await context.newPage();
    await page.goto(url(en.slug));
    await waitForWidget(page, HOST);
    await widgetPart(page, HOST)('sort').selectOption('oldest');
    await page.reload();
    await waitForWidget(page, HOST);
    assert.equal(await widgetPart(page, HOST)('sort').inputValue(), 'oldest');
    await widgetPart(page, HOST)('comment').first().waitFor();
    assert.ok(((await widgetPart(page, HOST)('comment').first().textContent()) ?? '').includes(staffText), 'oldest first');
  } finally {
    await context.close();
  }
});

test('"Load more" moves focus to the first new comment; local accounts get initials avatars (fr)', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(url(fr.slug));
    await waitForWidget(page, HOST);
    const part = widgetPart(page, HOST);
    await part('comment').first().waitFor();
    assert.match((await part('comment').first().locator('.av').textContent()) ?? '', /^L\d$/, 'initials of "Lectrice N …"');
    const before = await part('comment').count();
    await part('load-more').click();
    await eventually(async () => assert.ok((await part('comment').count()) > before));
    const first = await page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el?.getAttribute('data-comment-id') ?? null;
    });
    assert.equal(first, await part('comment').nth(before).getAttribute('data-comment-id'));
  } finally {
    await context.close();
  }
});
