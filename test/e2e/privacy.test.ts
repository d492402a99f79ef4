/**
 * Readers' rights in real Chromium, on the first-party privacy page: a signed-in reader downloads their data and
 * schedules then cancels the deletion of their account, with plain links and form posts under the pages' CSP.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { PASSWORD, TEST_TIMEOUT_MS, describeViolations, launchBrowser, newContext, seriousA11yViolations, uniqueEmail } from './helpers.js';

let server: TestServer;
let browser: Browser;

before(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('a reader downloads their data, then deletes their account and changes their mind', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser, { acceptDownloads: true });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });

    // Signed out, the page says how to sign in.
    await page.goto(`${server.url}/profile/privacy`);
    await page.getByTestId('privacy-signin').waitFor();

    // Sign up on Agora's own origin: the session cookie is set, as on the article page.
    const email = uniqueEmail('privacy');
    const status = await page.evaluate(
      async ({ email, password }) => {
        const res = await fetch('/api/v1/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, displayName: 'Lectrice Privée' }) });
        return res.status;
      },
      { email, password: PASSWORD },
    );
    assert.equal(status, 201);

    await page.goto(`${server.url}/profile/privacy`);
    await page.getByTestId('privacy-section').waitFor();
    assert.match(await page.locator('h2#privacy-title').innerText(), /Vos données/, 'French, as the browser asks');

    // Download: a JSON file with the reader's own data.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('privacy-download').click()]);
    assert.match(download.suggestedFilename(), /^agora-data-.+\.json$/);
    const data = JSON.parse(await readFile(await download.path(), 'utf8')) as { format: string; user: { email: string; displayName: string } };
    assert.equal(data.format, 'agora-personal-data');
    assert.equal(data.user.email, email);

    // Delete: the box must be ticked (the browser refuses the form otherwise), then the deletion is pending.
    await page.getByTestId('privacy-delete').click();
    assert.equal(await page.getByTestId('privacy-pending').count(), 0, 'not sent without the confirmation');
    await page.getByTestId('privacy-confirm').check();
    await Promise.all([page.waitForURL(`${server.url}/profile/privacy`), page.getByTestId('privacy-delete').click()]);
    const pending = await page.getByTestId('privacy-pending').innerText();
    assert.match(pending, /suppression de votre compte est prévue le/);
    const row = await server.deps.db.selectFrom('privacy_deletions').select('due_at').executeTakeFirst();
    assert.ok(row, 'the deletion is scheduled');

    // Resource errors are the signed-out page's 401 and the browser's favicon request; anything else (a script
    // refused by the CSP, say) would be a defect of the page. Checked before axe, whose injection the CSP refuses.
    const pageErrors = errors.filter((e) => !/^Failed to load resource: the server responded with a status of (401|404)/.test(e));
    assert.deepEqual(pageErrors, [], 'no console errors');

    const violations = await seriousA11yViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));

    // Cancel: the account stays.
    await Promise.all([page.waitForURL(`${server.url}/profile/privacy`), page.getByTestId('privacy-cancel').click()]);
    await page.getByTestId('privacy-delete').waitFor();
    assert.equal(await server.deps.db.selectFrom('privacy_deletions').select('due_at').executeTakeFirst(), undefined);
    const log = await server.deps.db.selectFrom('privacy_audit').select('action').orderBy('at').orderBy('id').execute();
    assert.deepEqual(
      log.map((l) => l.action),
      ['data.exported', 'deletion.requested', 'deletion.cancelled'],
    );
  } finally {
    await context.close();
  }
});
