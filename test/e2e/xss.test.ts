/**
 * A hostile comment, posted through the API, opened in real Chromium: no script runs, the markup is shown as
 * text, and a `javascript:` link is never made clickable, in the server-rendered page and in the widget alike.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import {
  DEMO_ARTICLE_SLUG,
  TEST_TIMEOUT_MS,
  launchBrowser,
  lookupStoryId,
  newContext,
  signUpViaApi,
  waitForWidget,
} from './helpers.js';

const HOST = '#agora-discussion';
const IMG_PAYLOAD = '<img src=x onerror=alert(1)>';
const LINK_PAYLOAD = '[x](javascript:alert(1))';
const BODY = `Regardez ça ${IMG_PAYLOAD} et ${LINK_PAYLOAD}`;

let server: TestServer;
let browser: Browser;
let articleUrl: string;
let commentId: string;

before(async () => {
  server = await startTestServer();
  articleUrl = `${server.url}/articles/${DEMO_ARTICLE_SLUG}`;
  const session = await signUpViaApi(server.url, 'Visiteur curieux');
  const storyId = await lookupStoryId(server.url, articleUrl);
  const res = await fetch(`${server.url}/api/v1/stories/${storyId}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ body: BODY }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { comment } = (await res.json()) as { comment: { id: string; status: string } };
  assert.equal(comment.status, 'published', 'the hostile comment must be published for the page to render it');
  commentId = comment.id;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

interface Rendered {
  found: boolean;
  text: string;
  images: number;
  scriptLinks: string[];
}

/**
 * What a comment looks like in the light or shadow DOM of the Discussion: its text, its images and its `javascript:`
 * links. The comment is the element carrying its id when the markup has one, else the block around its text.
 */
function inspectComment(page: Page, where: 'light' | 'shadow'): Promise<Rendered> {
  return page.evaluate(
    ({ where, hostSelector, id, marker }) => {
      const host = document.querySelector(hostSelector);
      const root: ParentNode | null | undefined = where === 'light' ? host : host?.shadowRoot;
      if (!root) return { found: false, text: '', images: 0, scriptLinks: [] };
      let el: Element | null =
        root.querySelector(`[data-comment-id="${CSS.escape(id)}"]`) ?? root.querySelector(`#${CSS.escape(`comment-${id}`)}`);
      if (!el) {
        const all = Array.from(root.querySelectorAll('*')).filter((e) => e.textContent?.includes(marker));
        el = all.find((e) => !Array.from(e.children).some((c) => c.textContent?.includes(marker))) ?? null;
        // Widen to the comment's block so an <img> sibling of the text node is not missed.
        el = el?.closest('article, li, [data-comment-id]') ?? el?.parentElement ?? el;
      }
      if (!el) return { found: false, text: '', images: 0, scriptLinks: [] };
      return {
        found: true,
        text: el.textContent ?? '',
        images: el.querySelectorAll('img').length,
        scriptLinks: Array.from(el.querySelectorAll('a'))
          .map((a) => a.getAttribute('href') ?? '')
          // Browsers ignore control characters and spaces around and tabs and newlines inside the scheme, and its case.
          .filter((href) =>
            Array.from(href)
              .filter((ch) => ch.charCodeAt(0) > 0x20)
              .join('')
              .toLowerCase()
              .startsWith('javascript:'),
          ),
      };
    },
    { where, hostSelector: HOST, id: commentId, marker: 'Regardez ça' },
  );
}

test('the server-rendered page shows the hostile comment as text, without JavaScript', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(articleUrl);
    const light = await inspectComment(page, 'light');
    assert.ok(light.found, 'the comment is in the server-rendered Discussion');
    assert.ok(light.text.includes(IMG_PAYLOAD), `the markup is shown literally, got: ${light.text}`);
    assert.equal(light.images, 0, 'the comment contains an <img>');
    assert.deepEqual(light.scriptLinks, [], 'the comment contains a javascript: link');
  } finally {
    await context.close();
  }
});

test('with the widget, no script runs and neither DOM holds an image or a javascript: link', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser);
  const dialogs: string[] = [];
  try {
    const page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(articleUrl);
    await waitForWidget(page, HOST);
    await page.locator(HOST).locator('[data-testid="comment"]').filter({ visible: true }).filter({ hasText: 'Regardez ça' }).waitFor();
    // A broken image fires onerror once its request fails; wait until the network has settled.
    await page.waitForLoadState('networkidle');

    const shadow = await inspectComment(page, 'shadow');
    assert.ok(shadow.found, 'the comment is in the widget');
    assert.ok(shadow.text.includes(IMG_PAYLOAD), `the widget shows the markup literally, got: ${shadow.text}`);
    assert.equal(shadow.images, 0, 'the widget comment contains an <img>');
    assert.deepEqual(shadow.scriptLinks, [], 'the widget comment contains a javascript: link');

    const light = await inspectComment(page, 'light');
    assert.ok(light.found, 'the server-rendered comment stays in the light DOM');
    assert.equal(light.images, 0, 'the server-rendered comment contains an <img>');
    assert.deepEqual(light.scriptLinks, []);

    assert.deepEqual(dialogs, [], 'a dialog opened: script from the comment ran');
  } finally {
    await context.close();
  }
});
