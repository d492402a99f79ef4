import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../fixtures/server.js';

interface ApiUser {
  id: string;
  displayName: string;
  email?: string;
  role: string;
  createdAt: string;
}
interface AuthResult {
  user: ApiUser;
  token: string;
  csrfToken?: string;
}
interface ApiError {
  error: { code: string; message: string };
}

// Agora's own origin in the test configuration (read from the app): requests from it are first party and get the
// session cookie.
let OWN_ORIGIN = '';
const PASSWORD = 'correct horse battery';

// Sign-ups are rate limited per IP; each test reader comes from its own address so setup never trips it.
let ipCounter = 0;
const freshIp = () => `10.20.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`;
let emailCounter = 0;
const freshEmail = () => `reader${++emailCounter}-${Date.now()}@example.com`;

function errorCode(res: LightMyRequestResponse): string {
  return res.json<ApiError>().error.code;
}

function sessionCookie(res: LightMyRequestResponse): string | undefined {
  return res.cookies.find((c) => c.name === 'agora_session')?.value;
}

function setCookieHeader(res: LightMyRequestResponse): string {
  const h = res.headers['set-cookie'];
  return Array.isArray(h) ? h.join('\n') : (h ?? '');
}

async function signUp(app: FastifyInstance, opts: { email?: string; origin?: string; displayName?: string } = {}) {
  const email = opts.email ?? freshEmail();
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    remoteAddress: freshIp(),
    headers: opts.origin ? { origin: opts.origin } : {},
    payload: { email, password: PASSWORD, displayName: opts.displayName ?? 'Camille' },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { email, res, body: res.json<AuthResult>() };
}

describe('auth', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let storyId: string;

  before(async () => {
    const built = await buildTestApp();
    ({ app, close } = built);
    OWN_ORIGIN = new URL(built.deps.config.publicUrl).origin;
    const articleUrl = `${OWN_ORIGIN}/articles/etats-unis-mexique-fentanyl`;
    const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(articleUrl)}` });
    assert.equal(res.statusCode, 200, res.body);
    storyId = res.json<{ story: { id: string } }>().story.id;
  });
  after(async () => close());

  const me = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/v1/me', headers });
  const postComment = (headers: Record<string, string>, body = 'Bonjour') => app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers, payload: { body } });

  describe('sign up', () => {
    test('201 with the user (with email) and a bearer token; no cookie for a request without Origin', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        remoteAddress: freshIp(),
        payload: { email: '  New.Reader@Example.COM ', password: PASSWORD, displayName: '  Camille   Durand ' },
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json<AuthResult>();
      assert.deepEqual(Object.keys(body).sort(), ['token', 'user']);
      assert.equal(body.user.email, 'new.reader@example.com');
      assert.equal(body.user.displayName, 'Camille Durand');
      assert.equal(body.user.role, 'commenter');
      assert.ok(body.user.id.length > 0);
      assert.ok(!Number.isNaN(Date.parse(body.user.createdAt)));
      assert.ok(body.token.length >= 20);
      assert.ok(!res.body.includes(PASSWORD), 'the password is never echoed');
      assert.equal(sessionCookie(res), undefined);
      // The token works straight away.
      const who = await me({ authorization: `Bearer ${body.token}` });
      assert.equal(who.statusCode, 200);
      assert.equal(who.json<{ user: ApiUser }>().user.id, body.user.id);
    });

    test('a second account with the same email (in any case) is 409 EMAIL_TAKEN', async () => {
      const { email } = await signUp(app);
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: freshIp(), payload: { email: email.toUpperCase(), password: PASSWORD, displayName: 'Other' } });
      assert.equal(res.statusCode, 409);
      assert.equal(errorCode(res), 'EMAIL_TAKEN');
    });

    test('a password under 10 characters is 400 WEAK_PASSWORD; exactly 10 that are hard to guess is accepted', async () => {
      const short = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: freshIp(), payload: { email: freshEmail(), password: '123456789', displayName: 'Short' } });
      assert.equal(short.statusCode, 400);
      assert.equal(errorCode(short), 'WEAK_PASSWORD');
      const ok = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: freshIp(), payload: { email: freshEmail(), password: 'Kq7#vT2m!x', displayName: 'Ten' } });
      assert.equal(ok.statusCode, 201, ok.body);
    });

    for (const email of ['not-an-email', 'a@b', 'two words@example.com', '@example.com', 'a@@example.com']) {
      test(`email ${JSON.stringify(email)} is 400 INVALID_EMAIL`, async () => {
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: freshIp(), payload: { email, password: PASSWORD, displayName: 'X' } });
        assert.equal(res.statusCode, 400);
        assert.equal(errorCode(res), 'INVALID_EMAIL');
      });
    }

    test('a display name of only spaces or invisible characters is 400 INVALID_DISPLAY_NAME', async () => {
      for (const displayName of ['   ', '\u200b\u200b']) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: freshIp(), payload: { email: freshEmail(), password: PASSWORD, displayName } });
        assert.equal(res.statusCode, 400);
        assert.equal(errorCode(res), 'INVALID_DISPLAY_NAME');
      }
    });

    for (const missing of ['email', 'password', 'displayName']) {
      test(`without ${missing} it is 400 VALIDATION_FAILED naming the field`, async () => {
        const payload: Record<string, string> = { email: freshEmail(), password: PASSWORD, displayName: 'X' };
        delete payload[missing];
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: freshIp(), payload });
        assert.equal(res.statusCode, 400);
        const { error } = res.json<ApiError>();
        assert.equal(error.code, 'VALIDATION_FAILED');
        assert.match(error.message, new RegExp(missing));
      });
    }
  });

  describe('log in', () => {
    let email: string;
    let userId: string;
    before(async () => {
      const s = await signUp(app);
      email = s.email;
      userId = s.body.user.id;
    });

    test('200 with the user and a new token; the email is matched whatever its case', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ` ${email.toUpperCase()} `, password: PASSWORD } });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<AuthResult>();
      assert.equal(body.user.id, userId);
      assert.equal(body.user.email, email);
      assert.equal((await me({ authorization: `Bearer ${body.token}` })).statusCode, 200);
    });

    test('a wrong password is 401 INVALID_CREDENTIALS', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'not the password' } });
      assert.equal(res.statusCode, 401);
      assert.equal(errorCode(res), 'INVALID_CREDENTIALS');
    });

    test('an unknown email gets exactly the same answer, so accounts cannot be probed', async () => {
      const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'not the password' } });
      const unknown = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody-here@example.com', password: 'not the password' } });
      assert.equal(unknown.statusCode, 401);
      assert.deepEqual(unknown.json(), wrong.json());
    });

    test('a missing password is 400 VALIDATION_FAILED', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email } });
      assert.equal(res.statusCode, 400);
      assert.equal(errorCode(res), 'VALIDATION_FAILED');
    });
  });

  describe('me and log out', () => {
    test('/me with a bearer token is the user with email and no CSRF token', async () => {
      const { body } = await signUp(app, { displayName: 'Moi' });
      const res = await me({ authorization: `Bearer ${body.token}` });
      assert.equal(res.statusCode, 200);
      const got = res.json<{ user: ApiUser; csrfToken?: string }>();
      assert.deepEqual(got.user, body.user);
      assert.equal(got.csrfToken, undefined);
    });

    test('/me without credentials, or with an unknown token, is 401 UNAUTHENTICATED', async () => {
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, { authorization: 'Basic dXNlcjpwYXNz' }]) {
        const res = await me(headers);
        assert.equal(res.statusCode, 401);
        assert.equal(errorCode(res), 'UNAUTHENTICATED');
      }
    });

    test('log out is 204 and the token stops working; another session of the same user keeps working', async () => {
      const { email, body } = await signUp(app);
      const other = (await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: PASSWORD } })).json<AuthResult>();
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${body.token}` } });
      assert.equal(res.statusCode, 204);
      assert.equal(res.body, '');
      const after = await me({ authorization: `Bearer ${body.token}` });
      assert.equal(after.statusCode, 401);
      assert.equal(errorCode(after), 'UNAUTHENTICATED');
      assert.equal((await postComment({ authorization: `Bearer ${body.token}` })).statusCode, 401);
      assert.equal((await me({ authorization: `Bearer ${other.token}` })).statusCode, 200);
    });

    test('log out without a session is 401', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/logout' });
      assert.equal(res.statusCode, 401);
    });
  });

  describe('first-party cookie session', () => {
    test('the test config’s public origin is the default http://localhost:8080', () => {
      assert.equal(OWN_ORIGIN, 'http://localhost:8080');
    });

    test('sign-up from Agora’s own origin sets an HttpOnly, SameSite=Lax session cookie and returns a CSRF token', async () => {
      const { res, body } = await signUp(app, { origin: OWN_ORIGIN });
      const cookie = res.cookies.find((c) => c.name === 'agora_session');
      assert.ok(cookie, setCookieHeader(res));
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      assert.equal(cookie.path, '/');
      assert.match(setCookieHeader(res), /agora_session=[^;]+;.*HttpOnly/i);
      assert.match(setCookieHeader(res), /SameSite=Lax/i);
      assert.ok(body.csrfToken && body.csrfToken.length >= 20);
      const who = await me({ cookie: `agora_session=${cookie.value}` });
      assert.equal(who.statusCode, 200);
      assert.equal(who.json<{ user: ApiUser }>().user.id, body.user.id);
    });

    test('login from Agora’s own origin sets the cookie too, and /me by cookie returns the same CSRF token', async () => {
      const { email } = await signUp(app);
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: OWN_ORIGIN }, payload: { email, password: PASSWORD } });
      assert.equal(res.statusCode, 200);
      const value = sessionCookie(res);
      assert.ok(value);
      assert.match(setCookieHeader(res), /HttpOnly/i);
      const { csrfToken } = res.json<AuthResult>();
      assert.ok(csrfToken);
      const who = await me({ cookie: `agora_session=${value}` });
      assert.equal(who.json<{ csrfToken?: string }>().csrfToken, csrfToken);
    });

    test('a request from another origin gets no cookie and no CSRF token, only the bearer token', async () => {
      const { email, res, body } = await signUp(app, { origin: 'https://elsewhere.example' });
      assert.equal(res.headers['set-cookie'], undefined);
      assert.equal(body.csrfToken, undefined);
      assert.ok(body.token);
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: 'http://localhost:8081' }, payload: { email, password: PASSWORD } });
      assert.equal(login.statusCode, 200);
      assert.equal(login.headers['set-cookie'], undefined);
      assert.equal(login.json<AuthResult>().csrfToken, undefined);
    });

    describe('writes authenticated by the cookie', () => {
      let cookie: string;
      let csrf: string;
      before(async () => {
        const { res, body } = await signUp(app, { origin: OWN_ORIGIN, displayName: 'Cookie reader' });
        cookie = `agora_session=${sessionCookie(res) ?? ''}`;
        csrf = body.csrfToken ?? '';
      });

      test('without X-CSRF-Token a comment is refused with 403 CSRF_FAILED and not stored', async () => {
        const before = await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments` });
        const res = await postComment({ cookie }, 'forged');
        assert.equal(res.statusCode, 403);
        assert.equal(errorCode(res), 'CSRF_FAILED');
        const afterList = await app.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments` });
        assert.equal(afterList.json<{ totalCount: number }>().totalCount, before.json<{ totalCount: number }>().totalCount);
      });

      test('with a wrong token (another session’s) it is 403 CSRF_FAILED', async () => {
        const other = await signUp(app, { origin: OWN_ORIGIN });
        const res = await postComment({ cookie, 'x-csrf-token': other.body.csrfToken ?? 'x' });
        assert.equal(res.statusCode, 403);
        assert.equal(errorCode(res), 'CSRF_FAILED');
      });

      test('with the right X-CSRF-Token the comment is posted', async () => {
        const res = await postComment({ cookie, 'x-csrf-token': csrf }, 'par cookie');
        assert.equal(res.statusCode, 201, res.body);
        assert.equal(res.json<{ comment: { author: { displayName: string } } }>().comment.author.displayName, 'Cookie reader');
      });

      test('reads by cookie need no CSRF token', async () => {
        assert.equal((await me({ cookie })).statusCode, 200);
      });

      test('POST /auth/token without the CSRF token is 403', async () => {
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { cookie } });
        assert.equal(res.statusCode, 403);
        assert.equal(errorCode(res), 'CSRF_FAILED');
      });

      test('POST /auth/token with cookie and CSRF returns a working bearer token for the same user', async () => {
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { cookie, 'x-csrf-token': csrf } });
        assert.equal(res.statusCode, 200, res.body);
        const { user, token } = res.json<{ user: ApiUser; token: string }>();
        const who = await me({ authorization: `Bearer ${token}` });
        assert.equal(who.statusCode, 200);
        assert.equal(who.json<{ user: ApiUser }>().user.id, user.id);
        assert.equal(who.json<{ csrfToken?: string }>().csrfToken, undefined);
        // A bearer token is not ambient, so it needs no CSRF token to write.
        assert.equal((await postComment({ authorization: `Bearer ${token}` }, 'par jeton')).statusCode, 201);
      });

      test('POST /auth/token with a bearer token is 403 FORBIDDEN (only a cookie session can be exchanged)', async () => {
        const { body } = await signUp(app);
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { authorization: `Bearer ${body.token}` } });
        assert.equal(res.statusCode, 403);
        assert.equal(errorCode(res), 'FORBIDDEN');
      });

      test('a bearer token sent as the cookie does not sign anyone in', async () => {
        const { body } = await signUp(app);
        assert.equal((await me({ cookie: `agora_session=${body.token}` })).statusCode, 401);
      });
    });

    test('log out by cookie needs the CSRF token, then clears the cookie and ends the session', async () => {
      const { res, body } = await signUp(app, { origin: OWN_ORIGIN });
      const cookie = `agora_session=${sessionCookie(res) ?? ''}`;
      const forged = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
      assert.equal(forged.statusCode, 403);
      assert.equal((await me({ cookie })).statusCode, 200, 'a forged logout must not end the session');
      const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, 'x-csrf-token': body.csrfToken ?? '' } });
      assert.equal(out.statusCode, 204);
      const cleared = out.cookies.find((c) => c.name === 'agora_session');
      assert.ok(cleared, 'the cookie is cleared');
      assert.equal(cleared.value, '');
      assert.equal((await me({ cookie })).statusCode, 401);
    });
  });

  describe('messages in French', () => {
    test('a failed login answers in French with Accept-Language: fr, with the same code', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.8' }, payload: { email: 'personne@example.com', password: 'pas le bon mot' } });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(res.json(), { error: { code: 'INVALID_CREDENTIALS', message: 'Adresse e-mail ou mot de passe incorrect.' } });
    });

    test('validation and auth errors are in French too; English is the default', async () => {
      const weak = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: freshIp(), headers: { 'accept-language': 'fr' }, payload: { email: freshEmail(), password: 'court', displayName: 'X' } });
      assert.equal(weak.json<ApiError>().error.message, 'Ce mot de passe est trop facile à deviner. Utilisez au moins 10 caractères.');
      const missing = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'accept-language': 'fr' }, payload: {} });
      assert.match(missing.json<ApiError>().error.message, /^La requête est invalide\./);
      const anon = await me({ 'accept-language': 'fr' });
      assert.equal(anon.json<ApiError>().error.message, 'Vous devez vous connecter.');
      const english = await me({ 'accept-language': 'de-DE' });
      assert.equal(english.json<ApiError>().error.message, 'You need to sign in.');
    });
  });
});

describe('login rate limit', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  before(async () => {
    ({ app, close } = await buildTestApp({ loginMaxAttempts: 3 }));
  });
  after(async () => close());

  const login = (email: string, password: string, ip = '10.9.9.9') => app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload: { email, password } });

  test('after 3 failures the next attempt is 429 RATE_LIMITED with Retry-After, even with the right password', async () => {
    const { email } = await signUp(app);
    for (let i = 0; i < 3; i++) assert.equal((await login(email, 'wrong password')).statusCode, 401, `attempt ${i + 1}`);
    const blocked = await login(email, 'wrong password');
    assert.equal(blocked.statusCode, 429);
    assert.equal(errorCode(blocked), 'RATE_LIMITED');
    const retryAfter = Number(blocked.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 300, `retry-after ${String(blocked.headers['retry-after'])}`);
    const right = await login(email, PASSWORD);
    assert.equal(right.statusCode, 429, 'guessing must not go on once blocked');
  });

  test('the limit is per account: another email from the same address can still sign in', async () => {
    const victim = await signUp(app);
    const other = await signUp(app);
    for (let i = 0; i < 4; i++) await login(victim.email, 'wrong password', '10.9.9.10');
    assert.equal((await login(victim.email, 'wrong password', '10.9.9.10')).statusCode, 429);
    assert.equal((await login(other.email, PASSWORD, '10.9.9.10')).statusCode, 200);
  });

  test('the 429 message is localised', async () => {
    const { email } = await signUp(app);
    for (let i = 0; i < 3; i++) await login(email, 'wrong password', '10.9.9.11');
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.9.9.11', headers: { 'accept-language': 'fr' }, payload: { email, password: 'wrong password' } });
    assert.equal(res.statusCode, 429);
    assert.equal(res.json<ApiError>().error.message, 'Trop de tentatives. Réessayez plus tard.');
  });
});
