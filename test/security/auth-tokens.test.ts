// Issue 11, finding 6: the token handed to a publisher's page was a full-account credential: obtained through site
// Y's page, it exported the reader's data, posted on site X and scheduled the account's deletion. Tokens handed to
// pages are now embed tokens (commenting on that page's site only); account-level actions need a first-party cookie
// session on Agora's origin whose password was checked within AGORA_REAUTH_MINUTES.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { embedRoutes } from '../../src/server/auth/scopes.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, hsToken, makeSite, publishEverything } from '../fixtures/publisher.js';

const PASSWORD = 'correct horse battery';
const X = 'https://x-news.example';
const Y = 'https://y-news.example';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let own: string;
let storyX: string;
let storyY: string;
let ySecret: string;
let n = 0;

interface Reader {
  id: string;
  email: string;
  /** The first-party session of the sign-in window (cookie and CSRF token). */
  firstParty: { cookie: string; 'x-csrf-token': string };
  /** The token the sign-in window handed to site Y's page. */
  yToken: { authorization: string };
}

/** Signs a reader up in the first-party sign-in window opened by site Y's page, as popup.js does. */
async function readerViaYPopup(): Promise<Reader> {
  const email = `scoped-${++n}@example.com`;
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: `10.130.0.${n}`, headers: { origin: own }, payload: { email, password: PASSWORD, displayName: `Scoped ${n}`, origin: Y } });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json<{ user: { id: string }; token: string; csrfToken: string }>();
  const cookie = (res.cookies as { name: string; value: string }[]).find((c) => c.name === 'agora_session');
  assert.ok(cookie);
  return { id: body.user.id, email, firstParty: { cookie: `agora_session=${cookie.value}`, 'x-csrf-token': body.csrfToken }, yToken: { authorization: `Bearer ${body.token}` } };
}

const post = (storyId: string, headers: Record<string, string>, body = `Bonjour ${++n}`) => app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers, payload: { body } });
const expectRefused = (res: LightMyRequestResponse, status: number, code: string) => assert.deepEqual([res.statusCode, codeOf(res)], [status, code], res.body);

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  publishEverything(deps);
  own = new URL(deps.config.publicUrl).origin;
  await makeSite(deps, 'x-news', [X]);
  ySecret = (await makeSite(deps, 'y-news', [Y])).secret;
  const lookup = async (url: string) => (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(url)}&title=Story` })).json<{ story: { id: string } }>().story.id;
  storyX = await lookup(`${X}/2026/a`);
  storyY = await lookup(`${Y}/2026/b`);
});
after(async () => close());

describe('a token handed to site Y’s page', () => {
  test('comments on site Y: post, edit, react, report, delete, notifications', async () => {
    const r = await readerViaYPopup();
    const other = await readerViaYPopup();
    const mine = await post(storyY, r.yToken);
    assert.equal(mine.statusCode, 201, mine.body);
    const id = mine.json<{ comment: { id: string } }>().comment.id;
    const theirs = (await post(storyY, other.yToken)).json<{ comment: { id: string } }>().comment.id;
    assert.equal((await app.inject({ method: 'PATCH', url: `/api/v1/comments/${id}`, headers: r.yToken, payload: { body: 'Corrigé' } })).statusCode, 200);
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/comments/${theirs}/reaction`, headers: r.yToken })).statusCode, 200);
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/comments/${theirs}/reports`, headers: r.yToken, payload: { reason: 'spam' } })).statusCode, 201);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/notifications', headers: r.yToken })).statusCode, 200);
    assert.equal((await app.inject({ method: 'PUT', url: '/api/v1/me/notification-settings', headers: r.yToken, payload: { mode: 'digest' } })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me', headers: r.yToken })).statusCode, 200);
    assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/comments/${id}`, headers: r.yToken })).statusCode, 200);
  });

  test('is refused on site X’s stories and comments: 403 TOKEN_WRONG_SITE, nothing stored', async () => {
    const r = await readerViaYPopup();
    const before = await deps.db.selectFrom('comments').select('id').where('author_id', '=', r.id).execute();
    expectRefused(await post(storyX, r.yToken), 403, 'TOKEN_WRONG_SITE');
    const onX = (await post(storyX, r.firstParty)).json<{ comment: { id: string } }>().comment.id;
    expectRefused(await app.inject({ method: 'PATCH', url: `/api/v1/comments/${onX}`, headers: r.yToken, payload: { body: 'edited from Y' } }), 403, 'TOKEN_WRONG_SITE');
    expectRefused(await app.inject({ method: 'DELETE', url: `/api/v1/comments/${onX}`, headers: r.yToken }), 403, 'TOKEN_WRONG_SITE');
    expectRefused(await app.inject({ method: 'POST', url: `/api/v1/comments/${onX}/reaction`, headers: r.yToken }), 403, 'TOKEN_WRONG_SITE');
    expectRefused(await app.inject({ method: 'POST', url: `/api/v1/comments/${onX}/reports`, headers: r.yToken, payload: { reason: 'spam' } }), 403, 'TOKEN_WRONG_SITE');
    expectRefused(await app.inject({ method: 'GET', url: `/api/v1/stories/${storyX}/comments`, headers: r.yToken }), 403, 'TOKEN_WRONG_SITE');
    const after = await deps.db.selectFrom('comments').select(['id', 'body', 'status']).where('author_id', '=', r.id).execute();
    assert.equal(after.length, before.length + 1, 'only the first-party comment');
    assert.notEqual(after[0]?.status, 'deleted');
  });

  test('is refused for account-level actions: export, deletion, name change, admin (403 TOKEN_SCOPE)', async () => {
    const r = await readerViaYPopup();
    await deps.db.updateTable('users').set({ role: 'admin' }).where('id', '=', r.id).execute();
    expectRefused(await app.inject({ method: 'GET', url: '/api/v1/me/export', headers: r.yToken }), 403, 'TOKEN_SCOPE');
    expectRefused(await app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: r.yToken }), 403, 'TOKEN_SCOPE');
    expectRefused(await app.inject({ method: 'DELETE', url: '/api/v1/me/deletion', headers: r.yToken }), 403, 'TOKEN_SCOPE');
    expectRefused(await app.inject({ method: 'PATCH', url: '/api/v1/me', headers: r.yToken, payload: { displayName: 'Renamed by Y' } }), 403, 'TOKEN_SCOPE');
    expectRefused(await app.inject({ method: 'GET', url: '/api/v1/admin/sites', headers: r.yToken }), 403, 'TOKEN_SCOPE');
    expectRefused(await app.inject({ method: 'GET', url: `/api/v1/admin/users/${r.id}/export`, headers: r.yToken }), 403, 'TOKEN_SCOPE');
    expectRefused(await app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: r.yToken }), 403, 'TOKEN_SCOPE');
    assert.equal(await deps.db.selectFrom('privacy_deletions').select('user_id').where('user_id', '=', r.id).executeTakeFirst(), undefined, 'no deletion scheduled');
    assert.deepEqual(await deps.db.selectFrom('privacy_audit').select('action').where('subject_user_id', '=', r.id).execute(), [], 'no export made');
    assert.notEqual((await deps.users.get(r.id))?.displayName, 'Renamed by Y');
  });

  test('a token got by signing in from Y’s page itself (Origin: Y) is scoped the same way', async () => {
    const r = await readerViaYPopup();
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.131.0.1', headers: { origin: Y }, payload: { email: r.email, password: PASSWORD } });
    assert.equal(login.statusCode, 200);
    const token = { authorization: `Bearer ${login.json<{ token: string }>().token}` };
    assert.equal((await post(storyY, token)).statusCode, 201);
    expectRefused(await post(storyX, token), 403, 'TOKEN_WRONG_SITE');
    expectRefused(await app.inject({ method: 'GET', url: '/api/v1/me/export', headers: token }), 403, 'TOKEN_SCOPE');
  });

  test('a single sign-on token of site Y is scoped to site Y', async () => {
    const sso = await app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token: await hsToken(ySecret, { sub: 'y-77', aud: 'y-news', name: 'Yann' }) } });
    assert.equal(sso.statusCode, 200, sso.body);
    const token = { authorization: `Bearer ${sso.json<{ token: string }>().token}` };
    assert.equal((await post(storyY, token)).statusCode, 201);
    expectRefused(await app.inject({ method: 'GET', url: '/api/v1/me/export', headers: token }), 403, 'TOKEN_SCOPE');
    expectRefused(await app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: token }), 403, 'TOKEN_SCOPE');
  });

  test('the sign-in window hands tokens only to allowed pages, each for its own site', async () => {
    const r = await readerViaYPopup();
    const refused = await app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { ...r.firstParty, origin: own }, payload: { origin: 'https://evil.example' } });
    expectRefused(refused, 403, 'ORIGIN_NOT_ALLOWED');
    const forX = await app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { ...r.firstParty, origin: own }, payload: { origin: X } });
    assert.equal(forX.statusCode, 200, forX.body);
    const xToken = { authorization: `Bearer ${forX.json<{ token: string }>().token}` };
    assert.equal((await post(storyX, xToken)).statusCode, 201);
    expectRefused(await post(storyY, xToken), 403, 'TOKEN_WRONG_SITE');
    const signup = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: '10.131.0.2', headers: { origin: own }, payload: { email: 'evil-target@example.com', password: PASSWORD, displayName: 'E', origin: 'https://evil.example' } });
    expectRefused(signup, 403, 'ORIGIN_NOT_ALLOWED');
  });
});

describe('account-level actions: the first-party session, recently signed in', () => {
  const stale = (r: Reader) =>
    deps.db
      .updateTable('sessions')
      .set({ authenticated_at: new Date(Date.now() - deps.config.reauthMs - 60_000).toISOString() })
      .where('user_id', '=', r.id)
      .execute();

  test('the first-party session exports and schedules the deletion; a full API token cannot (FIRST_PARTY_REQUIRED)', async () => {
    const r = await readerViaYPopup();
    const exported = await app.inject({ method: 'GET', url: '/api/v1/me/export', headers: r.firstParty });
    assert.equal(exported.statusCode, 200, exported.body);
    const api = await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.132.0.1', payload: { email: r.email, password: PASSWORD } });
    const apiToken = { authorization: `Bearer ${api.json<{ token: string }>().token}` };
    expectRefused(await app.inject({ method: 'GET', url: '/api/v1/me/export', headers: apiToken }), 403, 'FIRST_PARTY_REQUIRED');
    expectRefused(await app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: apiToken }), 403, 'FIRST_PARTY_REQUIRED');
    // The bearer token of Agora's own pages (the console keeps one) is a full one too: never for account-level actions.
    const ownPage = await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.132.0.2', headers: { origin: own }, payload: { email: r.email, password: PASSWORD } });
    const consoleToken = { authorization: `Bearer ${ownPage.json<{ token: string }>().token}` };
    assert.equal((await post(storyX, consoleToken)).statusCode, 201, 'not bound to one site');
    expectRefused(await app.inject({ method: 'GET', url: '/api/v1/me/export', headers: consoleToken }), 403, 'FIRST_PARTY_REQUIRED');
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: r.firstParty })).statusCode, 202);
    assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/me/deletion', headers: r.firstParty })).statusCode, 200);
  });

  test('signed in long ago: REAUTH_REQUIRED, until the password is entered again (a wrong one is 401)', async () => {
    const r = await readerViaYPopup();
    await stale(r);
    expectRefused(await app.inject({ method: 'GET', url: '/api/v1/me/export', headers: r.firstParty }), 403, 'REAUTH_REQUIRED');
    expectRefused(await app.inject({ method: 'POST', url: '/api/v1/me/deletion', headers: r.firstParty }), 403, 'REAUTH_REQUIRED');
    const fr = await app.inject({ method: 'GET', url: '/api/v1/me/export', headers: { ...r.firstParty, 'accept-language': 'fr' } });
    assert.match(fr.json<{ error: { message: string } }>().error.message, /saisissez à nouveau votre mot de passe/);
    // Cancelling a deletion only needs the first-party session.
    assert.equal((await app.inject({ method: 'DELETE', url: '/api/v1/me/deletion', headers: r.firstParty })).statusCode, 200);
    expectRefused(await app.inject({ method: 'POST', url: '/api/v1/auth/reauth', headers: r.firstParty, payload: { password: 'not my password' } }), 401, 'INVALID_CREDENTIALS');
    expectRefused(await app.inject({ method: 'POST', url: '/api/v1/auth/reauth', headers: { cookie: r.firstParty.cookie }, payload: { password: PASSWORD } }), 403, 'CSRF_FAILED');
    expectRefused(await app.inject({ method: 'POST', url: '/api/v1/auth/reauth', headers: r.yToken, payload: { password: PASSWORD } }), 403, 'TOKEN_SCOPE');
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/reauth', headers: r.firstParty, payload: { password: PASSWORD } })).statusCode, 204);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/me/export', headers: r.firstParty })).statusCode, 200);
  });

  test('the profile pages ask for the password first, then show the download and deletion forms', async () => {
    const r = await readerViaYPopup();
    await stale(r);
    const csrf = r.firstParty['x-csrf-token'];
    for (const url of ['/profile', '/profile/privacy']) {
      const page = await app.inject({ method: 'GET', url, headers: { cookie: r.firstParty.cookie, 'accept-language': 'fr' } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /data-testid="privacy-reauth"/, url);
      assert.doesNotMatch(page.body, /data-testid="privacy-section"/, url);
    }
    const formHeaders = { cookie: r.firstParty.cookie, 'content-type': 'application/x-www-form-urlencoded' };
    const refused = await app.inject({ method: 'POST', url: '/profile/privacy/deletion', headers: formHeaders, payload: new URLSearchParams({ csrf, confirm: 'yes' }).toString() });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /data-testid="privacy-reauth"/);
    assert.equal(await deps.db.selectFrom('privacy_deletions').select('user_id').where('user_id', '=', r.id).executeTakeFirst(), undefined);
    const wrong = await app.inject({ method: 'POST', url: '/profile/reauth', headers: formHeaders, payload: new URLSearchParams({ csrf, password: 'nope nope nope', returnTo: '/profile/privacy' }).toString() });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.body, /role="alert"/);
    const ok = await app.inject({ method: 'POST', url: '/profile/reauth', headers: formHeaders, payload: new URLSearchParams({ csrf, password: PASSWORD, returnTo: '/profile/privacy' }).toString() });
    assert.deepEqual([ok.statusCode, ok.headers.location], [303, '/profile/privacy']);
    const page = await app.inject({ method: 'GET', url: '/profile/privacy', headers: { cookie: r.firstParty.cookie } });
    assert.match(page.body, /data-testid="privacy-section"/);
    const offSite = await app.inject({ method: 'POST', url: '/profile/reauth', headers: formHeaders, payload: new URLSearchParams({ csrf, password: PASSWORD, returnTo: 'https://evil.example/' }).toString() });
    assert.equal(offSite.headers.location, '/profile', 'never redirected off site');
  });
});

test('every route an embed token may use exists', () => {
  for (const route of embedRoutes()) {
    const [method, url] = route.split(' ') as [string, string];
    assert.ok(app.hasRoute({ method: method as 'GET', url }), route);
  }
});
