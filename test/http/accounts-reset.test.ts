import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { RESET_ANSWER_FLOOR_MS } from '../../src/server/users/recovery.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, hsToken, makeSite, publishEverything } from '../fixtures/publisher.js';
import { startSmtpSink, type SunkMail } from '../fixtures/smtp.js';
import { until } from '../fixtures/wait.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let own: string;
let addr = 0;

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'purple elephants dance quietly';
/** Each test its own client address, so the per-address allowance of one does not spend another's. */
const nextAddress = () => `10.12.${++addr}.1`;

const askReset = (email: string, o: { lang?: string; remoteAddress?: string } = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', remoteAddress: o.remoteAddress ?? nextAddress(), headers: { 'accept-language': o.lang ?? 'en' }, payload: { email } });
const linkIn = (mail: SunkMail, page: 'reset' | 'verify') => {
  const m = new RegExp(`(http://\\S+/auth/${page}\\?t=([\\w-]+)&lang=(\\w+))`).exec(mail.text);
  assert.ok(m, `a ${page} link in:\n${mail.text}`);
  return { href: m[1] as string, token: m[2] as string, lang: m[3] as string };
};
const resetMailTo = (email: string, from: number) => until(() => sink.mails.slice(from).find((m) => m.to.includes(email) && /reset\?t=/.test(m.text)));

async function signUpFirstParty(email: string) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: nextAddress(), headers: { origin: own }, payload: { email, password: PASSWORD, displayName: 'Reader' } });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json<{ token: string; user: { id: string } }>();
  return { id: body.user.id, bearer: { authorization: `Bearer ${body.token}` }, cookie: String(res.headers['set-cookie']).split(';')[0] ?? '' };
}
const login = (email: string, password: string) => app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: nextAddress(), payload: { email, password } });

before(async () => {
  sink = await startSmtpSink();
  ({ app, deps, close } = await buildTestApp({ smtpUrl: sink.url, jobPollMs: 20 }));
  publishEverything(deps);
  own = new URL(deps.config.publicUrl).origin;
});
after(async () => {
  await close();
  await sink.close();
});

describe('password reset', () => {
  test('a known and an unknown address get the same answer, in about the same time; only the account gets a mail', async () => {
    await signUpFirstParty('known@example.com');
    const from = sink.mails.length;
    const times: Record<string, number[]> = { known: [], unknown: [] };
    for (let i = 0; i < 3; i++) {
      for (const [kind, email] of [['known', 'known@example.com'], ['unknown', `nobody${i}@example.com`]] as const) {
        const t0 = performance.now();
        const res = await askReset(email);
        times[kind]?.push(performance.now() - t0);
        assert.equal(res.statusCode, 202, res.body);
        assert.equal(res.body, '{}');
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [k, u] = [mean(times.known ?? []), mean(times.unknown ?? [])];
    // Both wait for the floor; what remains of the difference is noise, well under the floor itself.
    assert.ok(k >= RESET_ANSWER_FLOOR_MS - 5 && u >= RESET_ANSWER_FLOOR_MS - 5, `known ${k} ms, unknown ${u} ms`);
    assert.ok(Math.abs(k - u) < 60, `known ${k.toFixed(1)} ms vs unknown ${u.toFixed(1)} ms`);
    await resetMailTo('known@example.com', from);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sink.mails.slice(from).filter((m) => m.to.some((t) => t.startsWith('nobody'))).length, 0);
  });

  test('single sign-on and guest readers have no password here: the same neutral answer, and no mail', async () => {
    const site = await makeSite(deps, 'gazette', ['https://gazette.example'], { lang: 'fr' });
    const sso = await app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token: await hsToken(site.secret, { sub: 'g-1', aud: 'gazette', name: 'Gaby', email: 'gaby@gazette.example' }) } });
    assert.equal(sso.statusCode, 200, sso.body);
    const from = sink.mails.length;
    const res = await askReset('gaby@gazette.example');
    assert.equal(res.statusCode, 202);
    assert.equal(res.body, '{}');
    await deps.publisher.jobs.runDue();
    assert.equal(sink.mails.slice(from).filter((m) => m.to.includes('gaby@gazette.example')).length, 0);
  });

  test('the mail is in the reader’s language and names the site; the link is single-use and ends every session', async () => {
    const reader = await signUpFirstParty('lea@example.com');
    const from = sink.mails.length;
    assert.equal((await askReset('Lea@Example.com ', { lang: 'fr-FR' })).statusCode, 202);
    const mail = await resetMailTo('lea@example.com', from);
    assert.equal(mail.subject, 'Choisir un nouveau mot de passe pour Agora demo newsroom');
    assert.match(mail.text, /Le lien fonctionne une fois, pendant 30 minutes\./);
    const link = linkIn(mail, 'reset');
    assert.equal(link.lang, 'fr');
    assert.ok(link.href.startsWith(`${own}/auth/reset?`), link.href);

    // Only a digest is stored, and the queued job names the row, not the link.
    const rows = await deps.db.selectFrom('account_tokens').selectAll().where('user_id', '=', reader.id).where('purpose', '=', 'reset').execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.token_hash, createHash('sha256').update(link.token).digest('hex'));
    assert.ok(!JSON.stringify(rows).includes(link.token));

    const page = await app.inject({ method: 'GET', url: `/auth/reset?t=${link.token}&lang=fr` });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Choisissez un nouveau mot de passe/);
    assert.match(page.body, /<span class="site-name">Agora demo newsroom<\/span>/);
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.doesNotMatch(page.body, /<script/);

    // A weak password is refused with the reason, in French, and the link still works.
    const weak = await app.inject({ method: 'POST', url: '/auth/reset', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ t: link.token, password: 'aaaaaaaaaaaa', lang: 'fr' }).toString() });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /role="alert"[^>]*>Ce mot de passe est trop facile à deviner\./);
    assert.match(weak.body, new RegExp(`name="t" value="${link.token}"`));

    const done = await app.inject({ method: 'POST', url: '/auth/reset', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ t: link.token, password: NEW_PASSWORD, lang: 'fr' }).toString() });
    assert.equal(done.statusCode, 200, done.body);
    assert.match(done.body, /data-testid="reset-done"/);

    // Every session of the account ended: the widget's token and the first-party cookie alike.
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: reader.bearer })).statusCode, 401);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: reader.cookie } })).statusCode, 401);
    assert.equal((await login('lea@example.com', PASSWORD)).statusCode, 401);
    assert.equal((await login('lea@example.com', NEW_PASSWORD)).statusCode, 200);
    // The link reached the mailbox: the address counts as confirmed.
    assert.ok((await deps.users.credentials(reader.id))?.verified);

    const again = await app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token: link.token, password: 'another fine long sentence' } });
    assert.equal(again.statusCode, 400);
    assert.equal(codeOf(again), 'INVALID_LINK');
    const stale = await app.inject({ method: 'GET', url: `/auth/reset?t=${link.token}` });
    assert.equal(stale.statusCode, 400);
    assert.match(stale.body, /href="\/auth\/forgot\?lang=en"/);
  });

  test('a link expires, and only the latest link works', async () => {
    const reader = await signUpFirstParty('max@example.com');
    let from = sink.mails.length;
    await askReset('max@example.com');
    const first = linkIn(await resetMailTo('max@example.com', from), 'reset');
    from = sink.mails.length;
    await askReset('max@example.com');
    const second = linkIn(await resetMailTo('max@example.com', from), 'reset');
    const confirm = (token: string) => app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, password: NEW_PASSWORD } });
    assert.equal(codeOf(await confirm(first.token)), 'INVALID_LINK');
    await deps.db.updateTable('account_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('user_id', '=', reader.id).execute();
    const expired = await confirm(second.token);
    assert.equal(expired.statusCode, 400);
    assert.equal(codeOf(expired), 'INVALID_LINK');
    assert.equal((await login('max@example.com', PASSWORD)).statusCode, 200);
  });

  test('two requests racing with one link: exactly one changes the password', async () => {
    await signUpFirstParty('race@example.com');
    const from = sink.mails.length;
    await askReset('race@example.com');
    const { token } = linkIn(await resetMailTo('race@example.com', from), 'reset');
    const results = await Promise.all(
      ['first racing password here', 'second racing password here'].map((password) => app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, password } })),
    );
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [204, 400]);
  });

  test('rate-limited per email (known or not, the same) and per client address', async () => {
    await signUpFirstParty('limit@example.com');
    for (const email of ['limit@example.com', 'ghost@example.com']) {
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await askReset(email)).statusCode);
      assert.deepEqual(codes, [202, 202, 202, 202, 202, 429], email);
    }
    const limited = await askReset('GHOST@example.com');
    assert.equal(codeOf(limited), 'RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0);

    const address = '10.99.0.1';
    const codes: number[] = [];
    for (let i = 0; i < 21; i++) codes.push((await askReset(`spray${i}@example.com`, { remoteAddress: address })).statusCode);
    assert.equal(codes.filter((c) => c === 202).length, 20);
    assert.equal(codes.at(-1), 429);
  });

  test('bad input gets a clear 400, never a 500', async () => {
    const bad = await askReset('not an email');
    assert.equal(bad.statusCode, 400);
    assert.equal(codeOf(bad), 'INVALID_EMAIL');
    const noToken = await app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token: 'x'.repeat(500), password: NEW_PASSWORD } });
    assert.equal(noToken.statusCode, 400);
    assert.equal(codeOf(noToken), 'VALIDATION_FAILED');
    const form = await app.inject({ method: 'POST', url: '/auth/forgot', remoteAddress: nextAddress(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'fr' }, payload: 'email=nope' });
    assert.equal(form.statusCode, 400);
    assert.match(form.body, /L’adresse e-mail est invalide\./);
  });

  test('the forgot page works without JavaScript, names the publisher’s site, and answers neutrally', async () => {
    await makeSite(deps, 'tribune', ['https://tribune.example'], { lang: 'fr' });
    const get = await app.inject({ method: 'GET', url: `/auth/forgot?origin=${encodeURIComponent('https://tribune.example')}&lang=fr` });
    assert.equal(get.statusCode, 200);
    assert.match(get.body, /<h1>Mot de passe oublié \?<\/h1>/);
    assert.match(get.body, /<span class="site-name">tribune<\/span>/);
    assert.match(get.body, /name="origin" value="https:\/\/tribune\.example"/);
    // A stranger's origin is not echoed.
    const stranger = await app.inject({ method: 'GET', url: `/auth/forgot?origin=${encodeURIComponent('https://evil.example')}` });
    assert.doesNotMatch(stranger.body, /evil\.example/);
    const post = (email: string) =>
      app.inject({ method: 'POST', url: '/auth/forgot', remoteAddress: nextAddress(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ email, lang: 'fr', origin: 'https://tribune.example' }).toString() });
    const [known, unknown] = [await post('lea@example.com'), await post('personne@example.com')];
    assert.equal(known.statusCode, 200);
    assert.equal(unknown.statusCode, 200);
    assert.equal(known.body, unknown.body);
    assert.match(known.body, /data-testid="forgot-sent"/);
  });
});
