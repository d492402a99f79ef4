import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { addProvider } from '../../src/server/oidc/admin.js';
import { buildTestApp, freePort } from '../fixtures/server.js';
import { codeOf, makeSite, signUp, signUpAdmin } from '../fixtures/publisher.js';
import { startTestProvider, type TestProvider } from '../fixtures/oidc-provider.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let idp: TestProvider;
/** A second provider that takes the client secret only with HTTP Basic. */
let basic: TestProvider;
let hanging: Server;
let hangingUrl: string;
let admin: { auth: { authorization: string } };
const PAGE = 'https://paper.example';
const TIMEOUT_MS = 1500;

before(async () => {
  idp = await startTestProvider();
  basic = await startTestProvider();
  // A provider that accepts connections and never answers: the timeout must cut it.
  hanging = createServer(() => {});
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
  hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  const closed = `http://127.0.0.1:${await freePort()}`;
  // The three issuers run on 127.0.0.1, allowed explicitly (AGORA_OIDC_INTERNAL_ISSUERS); nothing else internal is.
  ({ app, deps, close } = await buildTestApp({ oidcInternalIssuers: [idp.issuer, basic.issuer, hangingUrl, closed], oidcTimeoutMs: TIMEOUT_MS }));
  idp.start({ clientId: 'agora', clientSecret: 'a long enough client secret', redirectUri: deps.oidc.redirectUri });
  basic.start({ clientId: 'agora-basic', clientSecret: 'a basic client secret', redirectUri: deps.oidc.redirectUri, basicAuthOnly: true });
  await makeSite(deps, 'paper', [PAGE], { lang: 'fr' });
  admin = await signUpAdmin(app, deps);
  const oidcAdmin = deps.oidc.admin;
  await addProvider(oidcAdmin, 'paper', { slug: 'down', label: 'Down', issuer: closed, clientId: 'agora', clientSecret: 'x' });
  await addProvider(oidcAdmin, 'paper', { slug: 'slow', label: 'Slow', issuer: hangingUrl, clientId: 'agora', clientSecret: 'x' });
  idp.accounts.set('alice', { email: 'alice@idp.example', email_verified: true, name: 'Alice Martin' });
});
after(async () => {
  hanging.closeAllConnections();
  hanging.close();
  await idp.close();
  await basic.close();
  await close();
});

const cookieOf = (res: { headers: Record<string, unknown> }, name: string): string | undefined => {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  const hit = list.find((c) => c.startsWith(`${name}=`));
  const value = hit?.split(';')[0]?.slice(name.length + 1);
  return value === '' ? undefined : value;
};

/** Clicks the provider's button: Agora's start, answered with a redirect to the provider and the flow cookie. */
async function start(slug = 'local') {
  const res = await app.inject({ method: 'GET', url: `/auth/oidc/${slug}/start?origin=${encodeURIComponent(PAGE)}&lang=fr` });
  assert.equal(res.statusCode, 302, res.body);
  return { location: new URL(res.headers.location as string), flow: cookieOf(res, 'agora_oidc') as string };
}

/** The provider's redirect back, into Agora, with the flow cookie of the browser that started. */
const callback = (url: URL, flow: string | undefined) =>
  app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, headers: flow ? { cookie: `agora_oidc=${flow}` } : {} });

/** A whole sign-in of `account`; returns the account Agora signed in (through its session cookie). */
async function signInAs(account: string) {
  const { location, flow } = await start();
  const back = await callback(await idp.login(location.href, account), flow);
  assert.equal(back.statusCode, 200, back.body);
  const session = cookieOf(back, 'agora_session');
  assert.ok(session, 'a session cookie on Agora’s origin');
  const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `agora_session=${session}` } });
  assert.equal(me.statusCode, 200, me.body);
  return { page: back.body, session, user: me.json<{ user: { id: string; displayName: string; email?: string } }>().user };
}

describe('admins configure a site’s providers', () => {
  test('a provider is added through the API; its secret is never returned; the redirect URI to register is', async () => {
    const add = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/sites/paper/oidc-providers',
      headers: admin.auth,
      payload: { slug: 'local', label: 'Local ID', issuer: idp.issuer, clientId: 'agora', clientSecret: 'a long enough client secret' },
    });
    assert.equal(add.statusCode, 201, add.body);
    assert.ok(!add.body.includes('a long enough client secret'));
    assert.equal(add.json<{ provider: { clientSecretHint: string } }>().provider.clientSecretHint, '…cret');
    const list = await app.inject({ method: 'GET', url: '/api/v1/admin/sites/paper/oidc-providers', headers: admin.auth });
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes('a long enough client secret'));
    const body = list.json<{ providers: { slug: string }[]; redirectUri: string }>();
    assert.deepEqual(body.providers.map((p) => p.slug).sort(), ['down', 'local', 'slow']);
    assert.match(body.redirectUri, /\/auth\/oidc\/callback$/);
  });

  test('presets fill Google and Microsoft; a duplicate name is 409; an internal issuer not allowed is 400', async () => {
    const post = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/admin/sites/paper/oidc-providers', headers: admin.auth, payload });
    const google = await post({ preset: 'google', clientId: 'g', clientSecret: 'gs' });
    assert.equal(google.statusCode, 201, google.body);
    assert.equal(google.json<{ provider: { issuer: string; label: string } }>().provider.issuer, 'https://accounts.google.com');
    const ms = await post({ preset: 'microsoft', clientId: 'm', clientSecret: 'ms' });
    assert.equal(ms.json<{ provider: { issuer: string } }>().provider.issuer, 'https://login.microsoftonline.com/common/v2.0');
    assert.equal(codeOf(await post({ preset: 'google', clientId: 'g', clientSecret: 'gs' })), 'OIDC_PROVIDER_EXISTS');
    for (const issuer of ['http://10.0.0.5', 'https://169.254.169.254', 'https://localhost', 'http://idp.example']) {
      const res = await post({ slug: 'bad', label: 'Bad', issuer, clientId: 'b', clientSecret: 'b' });
      assert.equal(res.statusCode, 400, issuer);
      assert.equal(codeOf(res), 'OIDC_ISSUER_FORBIDDEN', issuer);
    }
    const anon = await app.inject({ method: 'GET', url: '/api/v1/admin/sites/paper/oidc-providers' });
    assert.equal(anon.statusCode, 401);
    const reader = await signUp(app, 'Reader');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/admin/sites/paper/oidc-providers', headers: reader.auth })).statusCode, 403);
    for (const slug of ['google', 'microsoft']) assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/admin/sites/paper/oidc-providers/${slug}`, headers: admin.auth })).statusCode, 204);
    assert.equal(codeOf(await app.inject({ method: 'DELETE', url: '/api/v1/admin/sites/paper/oidc-providers/google', headers: admin.auth })), 'OIDC_PROVIDER_NOT_FOUND');
  });
});

describe('the sign-in window and the code flow against a real provider', () => {
  test('the window shows one button per provider, a plain link that starts the sign-in for the page', async () => {
    const res = await app.inject({ method: 'GET', url: `/auth/popup?origin=${encodeURIComponent(PAGE)}&lang=fr` });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Continuer avec Local ID/);
    assert.ok(res.body.includes(`href="/auth/oidc/local/start?origin=${encodeURIComponent(PAGE)}&amp;lang=fr"`), res.body);
  });

  test('discovery, then the authorisation request carries PKCE (S256), state and nonce; the flow rides in a signed httpOnly cookie', async () => {
    const res = await app.inject({ method: 'GET', url: `/auth/oidc/local/start?origin=${encodeURIComponent(PAGE)}&lang=fr` });
    assert.equal(res.statusCode, 302);
    const to = new URL(res.headers.location as string);
    assert.equal(to.origin, idp.issuer);
    assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
    assert.ok((to.searchParams.get('code_challenge') ?? '').length >= 43);
    assert.ok(to.searchParams.get('state'));
    assert.ok(to.searchParams.get('nonce'));
    assert.equal(to.searchParams.get('redirect_uri'), deps.oidc.redirectUri);
    const set = String(res.headers['set-cookie']);
    assert.match(set, /agora_oidc=/);
    assert.match(set, /HttpOnly/i);
    assert.match(set, /SameSite=Lax/i);
  });

  test('a full sign-in creates an account named by the provider, then signs the same reader into it again', async () => {
    const first = await signInAs('alice');
    assert.equal(first.user.displayName, 'Alice Martin');
    // The page that ends the flow hands the token over with the sign-in window's own script, to the checked origin.
    assert.match(first.page, /<meta name="agora-oidc-done"/);
    assert.ok(first.page.includes(`<meta name="agora-origin" content="${PAGE}">`));
    assert.match(first.page, /<script src="\/popup.js"/);
    // A provider's sign-in is a fresh sign-in: an account without a password may download its data.
    const own = new URL(deps.config.publicUrl).origin;
    const exported = await app.inject({ method: 'GET', url: '/api/v1/me/export', headers: { cookie: `agora_session=${first.session}`, origin: own, 'sec-fetch-site': 'same-origin' } });
    assert.equal(exported.statusCode, 200, exported.body);
    const again = await signInAs('alice');
    assert.equal(again.user.id, first.user.id, 'the same (provider, subject) is the same account');
    const row = await deps.db.selectFrom('users').select('email').where('id', '=', first.user.id).executeTakeFirstOrThrow();
    assert.equal(row.email, 'alice@idp.example', 'a new account keeps the verified email');
  });

  test('a verified email links to the reader’s existing account', async () => {
    const local = await signUp(app, 'Bob Local', 'bob@paper.example');
    idp.accounts.set('bob-at-idp', { email: 'Bob@Paper.example', email_verified: true, name: 'Robert' });
    const { user } = await signInAs('bob-at-idp');
    assert.equal(user.id, local.user.id);
    assert.equal(user.displayName, 'Bob Local', 'the account keeps its own name');
  });

  test('an unverified email never links: a separate account, with no email', async () => {
    const local = await signUp(app, 'Carol Local', 'carol@paper.example');
    idp.accounts.set('carol-at-idp', { email: 'carol@paper.example', email_verified: false, name: 'Carol?' });
    const { user } = await signInAs('carol-at-idp');
    assert.notEqual(user.id, local.user.id);
    const row = await deps.db.selectFrom('users').select('email').where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.equal(row.email, null);
    // An absent email_verified is not true either.
    idp.accounts.set('carol-2', { email: 'carol@paper.example', name: 'Carol 2' });
    assert.notEqual((await signInAs('carol-2')).user.id, local.user.id);
  });

  test('a provider that takes the client secret only in the Authorization header (Basic) works too', async () => {
    basic.accounts.set('dan', { email: 'dan@basic.example', email_verified: true, name: 'Dan Basic' });
    await addProvider(deps.oidc.admin, 'paper', { slug: 'basic', label: 'Basic ID', issuer: basic.issuer, clientId: 'agora-basic', clientSecret: 'a basic client secret' });
    const { location, flow } = await start('basic');
    const back = await callback(await basic.login(location.href, 'dan'), flow);
    assert.equal(back.statusCode, 200, back.body);
    assert.match(back.body, /Dan Basic/);
  });

  test('a staff account is never linked by a provider, however verified', async () => {
    const mod = await signUp(app, 'Mia Moderator', 'mia@paper.example');
    await deps.db.updateTable('users').set({ role: 'moderator' }).where('id', '=', mod.user.id).execute();
    idp.accounts.set('mia-at-idp', { email: 'mia@paper.example', email_verified: true, name: 'Mia' });
    assert.notEqual((await signInAs('mia-at-idp')).user.id, mod.user.id);
  });
});

describe('a sign-in that fails says why, in the reader’s language, never with a 500', () => {
  test('a tampered state is refused with a clear 400 page and no session', async () => {
    const { location, flow } = await start();
    const back = await idp.login(location.href, 'alice');
    back.searchParams.set('state', 'forged-state');
    const res = await callback(back, flow);
    assert.equal(res.statusCode, 400);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.match(res.body, /data-code="OIDC_STATE_INVALID"/);
    assert.match(res.body, /Recommencez/);
    assert.equal(cookieOf(res, 'agora_session'), undefined);
  });

  test('a callback without the flow cookie (another browser, an expired flow) or with a forged one is refused', async () => {
    const { location, flow } = await start();
    const back = await idp.login(location.href, 'alice');
    assert.match((await callback(back, undefined)).body, /OIDC_STATE_INVALID/);
    const [payload, sig] = flow.split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), origin: 'https://evil.example' })).toString('base64url')}.${sig}`;
    const res = await callback(back, forged);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /OIDC_STATE_INVALID/);
  });

  test('an ID token with another nonce is refused', async () => {
    const { location, flow } = await start();
    // The provider is asked with another nonce than the one in the browser's flow, as if the request had been swapped.
    location.searchParams.set('nonce', 'not-the-flows-nonce');
    const res = await callback(await idp.login(location.href, 'alice'), flow);
    assert.equal(res.statusCode, 401, res.body);
    assert.match(res.body, /data-code="OIDC_TOKEN_REFUSED"/);
    assert.equal(cookieOf(res, 'agora_session'), undefined);
  });

  test('a code replayed after its flow ended is refused (the flow cookie is single use)', async () => {
    const { location, flow } = await start();
    const back = await idp.login(location.href, 'alice');
    assert.equal((await callback(back, flow)).statusCode, 200);
    const again = await callback(back, flow);
    assert.equal(again.statusCode, 401, 'the provider refuses a used code');
    assert.match(again.body, /OIDC_TOKEN_REFUSED/);
  });

  test('a reader who cancels at the provider (error=access_denied) is told so, with the way back', async () => {
    const { location, flow } = await start();
    const res = await callback(new URL(`/auth/oidc/callback?error=access_denied&state=${location.searchParams.get('state')}`, 'http://x'), flow);
    assert.equal(res.statusCode, 401);
    assert.match(res.body, /data-code="OIDC_CANCELLED"/);
    assert.match(res.body, /annulée/);
    assert.ok(res.body.includes(`href="/auth/popup?origin=${encodeURIComponent(PAGE)}&amp;lang=fr"`));
    // The provider's own trouble is said as such.
    const next = await start();
    const busy = await callback(new URL(`/auth/oidc/callback?error=temporarily_unavailable&state=${next.location.searchParams.get('state')}`, 'http://x'), next.flow);
    assert.equal(busy.statusCode, 502);
    assert.match(busy.body, /OIDC_PROVIDER_UNAVAILABLE/);
  });

  test('a provider that is down, or that never answers, gives a clear 502 page within the timeout', async () => {
    const down = await app.inject({ method: 'GET', url: `/auth/oidc/down/start?origin=${encodeURIComponent(PAGE)}&lang=en` });
    assert.equal(down.statusCode, 502);
    assert.match(down.body, /data-code="OIDC_PROVIDER_UNAVAILABLE"/);
    assert.match(down.body, /could not be reached/);
    const t0 = Date.now();
    const slow = await app.inject({ method: 'GET', url: `/auth/oidc/slow/start?origin=${encodeURIComponent(PAGE)}&lang=en` });
    const took = Date.now() - t0;
    assert.equal(slow.statusCode, 502);
    assert.match(slow.body, /OIDC_PROVIDER_UNAVAILABLE/);
    assert.ok(took >= TIMEOUT_MS - 100 && took < TIMEOUT_MS + 1500, `answered in ${took} ms`);
  });

  test('an unknown provider, or a page of no site, is a clear 4xx page', async () => {
    const unknown = await app.inject({ method: 'GET', url: `/auth/oidc/nope/start?origin=${encodeURIComponent(PAGE)}` });
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /OIDC_PROVIDER_NOT_FOUND/);
    const stranger = await app.inject({ method: 'GET', url: `/auth/oidc/local/start?origin=${encodeURIComponent('https://evil.example')}` });
    assert.equal(stranger.statusCode, 403);
    assert.match(stranger.body, /ORIGIN_NOT_ALLOWED/);
  });

  test('a site that signs its readers in itself (local accounts off) starts no provider sign-in', async () => {
    await makeSite(deps, 'sso-only', ['https://sso-only.example'], { settings: { localAccounts: false } });
    await addProvider(deps.oidc.admin, 'sso-only', { slug: 'local', label: 'Local ID', issuer: idp.issuer, clientId: 'agora', clientSecret: 'x' });
    const res = await app.inject({ method: 'GET', url: `/auth/oidc/local/start?origin=${encodeURIComponent('https://sso-only.example')}&lang=fr` });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /LOCAL_ACCOUNTS_DISABLED/);
  });
});
