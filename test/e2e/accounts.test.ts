/**
 * A reader who forgot their password, in French, in real Chromium: "Mot de passe oublié ?" in the Discussion's
 * sign-in form opens Agora's reset page in a new tab, the link arrives at a real SMTP sink, the new password is set
 * on Agora's page, and the reader signs in with it, back on the article. The old session is gone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { startSmtpSink } from '../fixtures/smtp.js';
import { until } from '../fixtures/wait.js';
import { DEMO_ARTICLE_SLUG, PASSWORD, TEST_TIMEOUT_MS, describeViolations, launchBrowser, newContext, seriousA11yViolations, uniqueEmail, waitForWidget, widgetPart } from './helpers.js';

const HOST = '#agora-discussion';
const NEW_PASSWORD = 'trois tortues traversent la Loire';

let server: TestServer;
let browser: Browser;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;

before(async () => {
  sink = await startSmtpSink();
  server = await startTestServer({ config: { smtpUrl: sink.url, jobPollMs: 50 } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await sink?.close();
});

test('mot de passe oublié : le lien par e-mail, un nouveau mot de passe, puis la connexion', { timeout: TEST_TIMEOUT_MS }, async () => {
  // The reader's account, and a session of theirs elsewhere that the reset must end.
  const email = uniqueEmail('oubli');
  const signup = await fetch(`${server.url}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD, displayName: 'Camille' }) });
  assert.equal(signup.status, 201);
  const elsewhere = ((await signup.json()) as { token: string }).token;

  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/articles/${DEMO_ARTICLE_SLUG}`);
    await waitForWidget(page, HOST);
    const part = widgetPart(page, HOST);
    if (!(await part('auth-email').isVisible())) await part('sign-in').click();

    // The one link of the inline form opens Agora's page in a new tab, in French.
    const forgotLink = part('auth-forgot');
    assert.equal(await forgotLink.innerText(), 'Mot de passe oublié ?');
    const [forgot] = await Promise.all([context.waitForEvent('page'), forgotLink.click()]);
    await forgot.waitForLoadState('domcontentloaded');
    assert.equal(new URL(forgot.url()).pathname, '/auth/forgot');
    assert.equal(await forgot.locator('h1').innerText(), 'Mot de passe oublié ?');
    assert.equal(await forgot.locator('header.site').innerText(), 'Agora demo newsroom', 'the publisher’s name, not “Agora News”');
    const from = sink.mails.length;
    await forgot.getByLabel('Adresse e-mail').fill(email);
    await forgot.getByRole('button', { name: 'Envoyer le lien' }).click();
    assert.match(await forgot.getByTestId('forgot-sent').innerText(), /^Si un compte avec mot de passe utilise cette adresse/);
    const violations = await seriousA11yViolations(forgot);
    assert.deepEqual(violations, [], describeViolations(violations));

    // The mail, in French, with the link.
    const mail = await until(() => sink.mails.slice(from).find((m) => m.to.includes(email)));
    assert.equal(mail.subject, 'Choisir un nouveau mot de passe pour Agora demo newsroom');
    const href = /http:\/\/\S+\/auth\/reset\?t=[\w-]+&lang=fr/.exec(mail.text)?.[0];
    assert.ok(href, mail.text);

    // The new-password page on Agora's origin; a guessable password is refused with the reason.
    await forgot.goto(href);
    assert.equal(await forgot.locator('h1').innerText(), 'Choisissez un nouveau mot de passe');
    await forgot.getByLabel('Nouveau mot de passe').fill('azertyuiop');
    await forgot.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    assert.match(await forgot.getByRole('alert').innerText(), /^Ce mot de passe est trop facile à deviner\./);
    await forgot.getByLabel('Nouveau mot de passe').fill(NEW_PASSWORD);
    await forgot.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    assert.match(await forgot.getByTestId('reset-done').innerText(), /Votre mot de passe est changé/);
    const doneViolations = await seriousA11yViolations(forgot);
    assert.deepEqual(doneViolations, [], describeViolations(doneViolations));
    await forgot.close();

    // The session opened elsewhere is over.
    assert.equal((await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${elsewhere}` } })).status, 401);

    // Back on the article: the old password no longer works, the new one does.
    await part('auth-email').fill(email);
    await part('auth-password').fill(PASSWORD);
    await part('auth-submit').click();
    await page.locator(HOST).getByText('Adresse e-mail ou mot de passe incorrect').filter({ visible: true }).waitFor();
    await part('auth-password').fill(NEW_PASSWORD);
    await part('auth-submit').click();
    await part('sign-out').waitFor();
    await page.locator(HOST).getByText('Connecté en tant que Camille').filter({ visible: true }).waitFor();

    // The profile, under the site's name: the address, confirmed by the reset link, and the account forms.
    await page.goto(`${server.url}/profile`);
    assert.equal(await page.locator('header.site').innerText(), 'Agora demo newsroom');
    assert.equal(await page.getByTestId('account-email').innerText(), email);
    assert.match(await page.getByTestId('account-section').innerText(), /confirmée/);
    await page.getByLabel('Nouvelle adresse e-mail').waitFor();
    const profileViolations = await seriousA11yViolations(page);
    assert.deepEqual(profileViolations, [], describeViolations(profileViolations));
  } finally {
    await context.close();
  }
});

test('the sign-in window links to the reset page, in French, under the site’s name', { timeout: TEST_TIMEOUT_MS }, async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/auth/popup?origin=${encodeURIComponent(server.url)}&lang=fr`);
    assert.equal(await page.locator('header.site').innerText(), 'Agora demo newsroom');
    await page.getByTestId('forgot-link').click();
    await page.waitForURL(/\/auth\/forgot\?/);
    assert.equal(await page.locator('h1').innerText(), 'Mot de passe oublié ?');
  } finally {
    await context.close();
  }
});
