import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { DEMO_SITE_ID } from '../../src/server/sites/seed.js';
import { setRequireVerifiedEmail } from '../../src/server/users/verification.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, hsToken, makeSite, publishEverything } from '../fixtures/publisher.js';
import { startSmtpSink, type SunkMail } from '../fixtures/smtp.js';
import { until } from '../fixtures/wait.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let own: string;
let storyId: string;
let addr = 0;

const PASSWORD = 'correct horse battery';
const nextAddress = () => `10.13.${++addr}.1`;
const verifyLink = (mail: SunkMail) => {
  const m = /http:\/\/\S+\/auth\/verify\?t=([\w-]+)&lang=(\w+)/.exec(mail.text);
  assert.ok(m, `a verification link in:\n${mail.text}`);
  return m[1] as string;
};
const mailTo = (email: string, from: number, re: RegExp) => until(() => sink.mails.slice(from).find((m) => m.to.includes(email) && re.test(m.text)));

interface Reader {
  id: string;
  email: string;
  bearer: Record<string, string>;
  cookie: string;
  csrf: string;
}
async function signUpFirstParty(email: string, lang = 'en'): Promise<Reader> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: nextAddress(), headers: { origin: own, 'accept-language': lang }, payload: { email, password: PASSWORD, displayName: 'Reader' } });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json<{ token: string; user: { id: string }; csrfToken: string }>();
  return { id: body.user.id, email, bearer: { authorization: `Bearer ${body.token}` }, cookie: String(res.headers['set-cookie']).split(';')[0] ?? '', csrf: body.csrfToken };
}
const cookieHeaders = (r: Reader) => ({ cookie: r.cookie, 'x-csrf-token': r.csrf, origin: own });
const post = (auth: Record<string, string>, body = 'Un avis.') => app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: auth, payload: { body } });
const confirm = (token: string) => app.inject({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token } });
/** Makes a session's password check older than AGORA_REAUTH_MINUTES. */
const ageSession = (r: Reader) => deps.db.updateTable('sessions').set({ authenticated_at: new Date(Date.now() - 3_600_000).toISOString() }).where('user_id', '=', r.id).execute();
const form = (r: Reader, url: string, fields: Record<string, string>) =>
  app.inject({ method: 'POST', url, headers: { cookie: r.cookie, origin: own, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ csrf: r.csrf, ...fields }).toString() });

before(async () => {
  sink = await startSmtpSink();
  ({ app, deps, close } = await buildTestApp({ smtpUrl: sink.url, jobPollMs: 20 }));
  publishEverything(deps);
  own = new URL(deps.config.publicUrl).origin;
  storyId = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(`${own}/articles/verif`)}&title=Verif` })).json<{ story: { id: string } }>().story.id;
});
after(async () => {
  await close();
  await sink.close();
});

describe('email verification', () => {
  test('sign-up sends a link in the reader’s language; the page confirms with a button, once', async () => {
    const from = sink.mails.length;
    const r = await signUpFirstParty('ines@example.com', 'fr');
    const mail = await mailTo('ines@example.com', from, /verify\?t=/);
    assert.equal(mail.subject, 'Confirmez votre adresse e-mail pour Agora demo newsroom');
    const token = verifyLink(mail);
    // Opening the link (a mail scanner does) confirms nothing: the page asks for a click.
    const page = await app.inject({ method: 'GET', url: `/auth/verify?t=${token}&lang=fr` });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Confirmez que ines@example\.com est bien votre adresse\./);
    assert.equal((await deps.users.credentials(r.id))?.verified, false);
    const done = await app.inject({ method: 'POST', url: '/auth/verify', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ t: token, lang: 'fr' }).toString() });
    assert.equal(done.statusCode, 200, done.body);
    assert.match(done.body, /Merci : ines@example\.com est confirmée\./);
    assert.equal((await deps.users.credentials(r.id))?.verified, true);
    const again = await confirm(token);
    assert.equal(again.statusCode, 400);
    assert.equal(codeOf(again), 'INVALID_LINK');
  });

  test('resend: a new link replaces the old one; nothing to send once confirmed', async () => {
    const r = await signUpFirstParty('noe@example.com');
    const first = verifyLink(await mailTo('noe@example.com', 0, /verify\?t=/));
    let from = sink.mails.length;
    // The widget's (embed) token may ask too: a reader refused with EMAIL_NOT_VERIFIED needs it.
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/verify-email/resend', headers: r.bearer });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { sent: true });
    const second = verifyLink(await mailTo('noe@example.com', from, /verify\?t=/));
    assert.notEqual(first, second);
    assert.equal(codeOf(await confirm(first)), 'INVALID_LINK');
    assert.deepEqual((await confirm(second)).json(), { email: 'noe@example.com' });
    from = sink.mails.length;
    assert.deepEqual((await app.inject({ method: 'POST', url: '/api/v1/auth/verify-email/resend', headers: r.bearer })).json(), { sent: false });
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/verify-email/resend' })).statusCode, 401);
  });

  test('a site that requires a confirmed address refuses unconfirmed local accounts with EMAIL_NOT_VERIFIED; off by default', async () => {
    const r = await signUpFirstParty('ugo@example.com', 'fr');
    assert.equal((await post(r.bearer)).statusCode, 201, 'the demo site lets unconfirmed accounts post by default');
    assert.ok(await setRequireVerifiedEmail(deps.db, DEMO_SITE_ID, true));
    const refused = await post({ ...r.bearer, 'accept-language': 'fr' }, 'Deuxième avis.');
    assert.equal(refused.statusCode, 403);
    assert.equal(codeOf(refused), 'EMAIL_NOT_VERIFIED');
    assert.match(refused.json<{ error: { message: string } }>().error.message, /^Confirmez votre adresse e-mail pour commenter sur ce site/);
    // Staff and single sign-on readers pass (the publisher vouches for the latter).
    const site = await makeSite(deps, 'echo', ['https://echo.example']);
    const echoStory = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://echo.example/a')}&title=A` })).json<{ story: { id: string } }>().story.id;
    assert.ok(await setRequireVerifiedEmail(deps.db, 'echo', true));
    const sso = await app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token: await hsToken(site.secret, { sub: 'e-1', aud: 'echo', name: 'Eve', email: 'eve@echo.example' }) } });
    const ssoPost = await app.inject({ method: 'POST', url: `/api/v1/stories/${echoStory}/comments`, headers: { authorization: `Bearer ${sso.json<{ token: string }>().token}` }, payload: { body: 'Hello' } });
    assert.equal(ssoPost.statusCode, 201, ssoPost.body);
    // Once confirmed, the reader posts.
    const link = verifyLink(await mailTo('ugo@example.com', 0, /verify\?t=/));
    assert.equal((await confirm(link)).statusCode, 200);
    assert.equal((await post(r.bearer, 'Troisième avis.')).statusCode, 201);
    assert.ok(await setRequireVerifiedEmail(deps.db, DEMO_SITE_ID, false));
    assert.equal(await setRequireVerifiedEmail(deps.db, 'no-such-site', true), false);
  });
});

describe('changing email and password from the profile', () => {
  test('an email change needs a recent password check, takes effect when the new address confirms it, and tells the old one', async () => {
    const r = await signUpFirstParty('old@example.com');
    // A bearer token (what a publisher's page holds) may not change the account.
    const viaBearer = await app.inject({ method: 'POST', url: '/api/v1/me/email', headers: r.bearer, payload: { email: 'new@example.com' } });
    assert.equal(codeOf(viaBearer), 'FIRST_PARTY_REQUIRED');
    await ageSession(r);
    const stale = await app.inject({ method: 'POST', url: '/api/v1/me/email', headers: cookieHeaders(r), payload: { email: 'new@example.com' } });
    assert.equal(stale.statusCode, 403);
    assert.equal(codeOf(stale), 'REAUTH_REQUIRED');
    const reauth = await app.inject({ method: 'POST', url: '/api/v1/auth/reauth', remoteAddress: nextAddress(), headers: cookieHeaders(r), payload: { password: PASSWORD } });
    assert.equal(reauth.statusCode, 204, reauth.body);

    await signUpFirstParty('taken@example.com');
    assert.equal(codeOf(await app.inject({ method: 'POST', url: '/api/v1/me/email', headers: cookieHeaders(r), payload: { email: 'Taken@example.com' } })), 'EMAIL_TAKEN');

    const from = sink.mails.length;
    const res = await app.inject({ method: 'POST', url: '/api/v1/me/email', headers: cookieHeaders(r), payload: { email: 'New@Example.com' } });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { pending: 'new@example.com' });
    const notice = await until(() => sink.mails.slice(from).find((m) => m.to.includes('old@example.com') && /being changed/.test(m.subject)));
    assert.equal(notice.subject, 'Your email address on Agora demo newsroom is being changed');
    assert.match(notice.text, /n…@example\.com/);
    assert.doesNotMatch(notice.text, /new@example\.com/);
    const link = verifyLink(await mailTo('new@example.com', from, /verify\?t=/));
    assert.match((await mailTo('new@example.com', from, /verify\?t=/)).subject, /^Confirm your new email address/);

    // Nothing changes until the new address confirms.
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: r.bearer })).json<{ user: { email: string } }>().user.email, 'old@example.com');
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextAddress(), payload: { email: 'new@example.com', password: PASSWORD } })).statusCode, 401);
    assert.deepEqual((await confirm(link)).json(), { email: 'new@example.com' });
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: r.bearer })).json<{ user: { email: string } }>().user.email, 'new@example.com');
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextAddress(), payload: { email: 'new@example.com', password: PASSWORD } })).statusCode, 200);
    assert.equal((await deps.users.credentials(r.id))?.verified, true);
  });

  test('a password change keeps this session, ends the others, and is checked like sign-up', async () => {
    const r = await signUpFirstParty('pwd@example.com', 'fr');
    const other = await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextAddress(), payload: { email: 'pwd@example.com', password: PASSWORD } });
    const otherAuth = { authorization: `Bearer ${other.json<{ token: string }>().token}` };
    const weak = await app.inject({ method: 'PUT', url: '/api/v1/me/password', headers: { ...cookieHeaders(r), 'accept-language': 'fr' }, payload: { password: 'motdepasse' } });
    assert.equal(weak.statusCode, 400);
    assert.equal(codeOf(weak), 'WEAK_PASSWORD');
    const noCsrf = await app.inject({ method: 'PUT', url: '/api/v1/me/password', headers: { cookie: r.cookie, origin: own }, payload: { password: 'a much better sentence here' } });
    assert.equal(codeOf(noCsrf), 'CSRF_FAILED');
    const ok = await app.inject({ method: 'PUT', url: '/api/v1/me/password', headers: cookieHeaders(r), payload: { password: 'a much better sentence here' } });
    assert.equal(ok.statusCode, 204, ok.body);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: r.cookie } })).statusCode, 200, 'this session stays');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: otherAuth })).statusCode, 401, 'the others end');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: r.bearer })).statusCode, 401);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextAddress(), payload: { email: 'pwd@example.com', password: 'a much better sentence here' } })).statusCode, 200);
  });

  test('the profile page: the address and its state, forms that work without JavaScript, the site’s name', async () => {
    const r = await signUpFirstParty('prof@example.com');
    const page = await app.inject({ method: 'GET', url: '/profile', headers: { cookie: r.cookie, 'accept-language': 'fr' } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<span class="site-name">Agora demo newsroom<\/span>/);
    assert.doesNotMatch(page.body, /Agora News/);
    assert.match(page.body, /data-testid="account-email">prof@example\.com<\/strong> \(pas encore confirmée\)/);
    assert.match(page.body, /action="\/profile\/password"/);

    const from = sink.mails.length;
    const resent = await form(r, '/profile/verify-email', {});
    assert.equal(resent.statusCode, 303);
    assert.equal(resent.headers.location, '/profile?account=verify');
    await mailTo('prof@example.com', from, /verify\?t=/);
    const told = await app.inject({ method: 'GET', url: '/profile?account=verify', headers: { cookie: r.cookie } });
    assert.match(told.body, /We sent a confirmation link to prof@example\.com\./);

    const weak = await form(r, '/profile/password', { password: 'aaaaaaaaaaaa' });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /role="alert"[^>]*>This password is too easy to guess\. /);
    const changed = await form(r, '/profile/email', { email: 'prof2@example.com' });
    assert.equal(changed.statusCode, 303);
    const after = await app.inject({ method: 'GET', url: '/profile?account=email', headers: { cookie: r.cookie } });
    assert.match(after.body, /We sent a link to prof2@example\.com: open it to confirm the change\./);

    // Signed in long ago: the forms give way to the password.
    await ageSession(r);
    const old = await app.inject({ method: 'GET', url: '/profile', headers: { cookie: r.cookie } });
    assert.doesNotMatch(old.body, /action="\/profile\/password"/);
    assert.match(old.body, /id="account-reauth-password"/);
    const refused = await form(r, '/profile/password', { password: 'a much better sentence here' });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /enter your password again/);
  });

  test('the sign-in popup carries the publisher’s name and a “forgot password” link to Agora’s page', async () => {
    await makeSite(deps, 'lemonde', ['https://lemonde.example'], { lang: 'fr' });
    const popup = await app.inject({ method: 'GET', url: `/auth/popup?origin=${encodeURIComponent('https://lemonde.example')}&lang=fr` });
    assert.equal(popup.statusCode, 200);
    assert.match(popup.body, /<span class="site-name">lemonde<\/span>/);
    assert.doesNotMatch(popup.body, /Agora News/);
    assert.match(popup.body, /<a href="\/auth\/forgot\?origin=https%3A%2F%2Flemonde\.example&amp;lang=fr" data-testid="forgot-link">Mot de passe oublié \?<\/a>/);
  });
});
