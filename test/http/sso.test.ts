import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { Deps } from '../../src/server/deps.js';
import { updateSite } from '../../src/server/sites/admin.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, hsToken, makeSite, signUp, publishEverything } from '../fixtures/publisher.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let siteA: { id: string; secret: string };
let siteB: { id: string; secret: string };
let jwks: Server;
let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
let ed: { privateKey: CryptoKey; publicKey: CryptoKey };
const now = () => Math.floor(Date.now() / 1000);

const sso = (token: string, siteId?: string) => app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: siteId ? { token, siteId } : { token } });
const me = (token: string) => app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

function b64(o: object): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

before(async () => {
  // The keys are served from 127.0.0.1 below: the one internal address a test may let the JWKS guard through.
  ({ app, deps, close } = await buildTestApp({ jwksLoopbackForTests: true }));
  publishEverything(deps);
  siteA = await makeSite(deps, 'paper-a', ['https://a.example']);
  siteB = await makeSite(deps, 'paper-b', ['https://b.example']);
  rsa = await generateKeyPair('RS256');
  ed = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const keys = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ed.publicKey)), kid: 'ed-1', alg: 'EdDSA', use: 'sig' },
  ];
  jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  await makeSite(deps, 'paper-jwks', ['https://jwks.example'], { settings: { sso: { jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json` } } });
});
after(async () => {
  jwks.close();
  await close();
});

describe('POST /api/v1/auth/sso: a publisher’s signed token becomes an Agora session', () => {
  test('HS256 with the site secret signs the reader in; the same sub is the same reader, and the name follows the publisher', async () => {
    const res = await sso(await hsToken(siteA.secret, { sub: 'u-42', aud: siteA.id, name: 'Jeanne Martin', email: 'jeanne@a.example' }), siteA.id);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<{ user: { id: string; displayName: string; email?: string }; token: string; siteId: string }>();
    assert.equal(body.user.displayName, 'Jeanne Martin');
    assert.equal(body.siteId, siteA.id);
    // The email claim is not the account's login: it is never stored as one.
    assert.equal(body.user.email, undefined);
    const who = await me(body.token);
    assert.equal(who.statusCode, 200);
    assert.equal(who.json<{ user: { id: string } }>().user.id, body.user.id);

    const sessionsOf = async () => (await deps.db.selectFrom('sessions').select('id').where('user_id', '=', body.user.id).execute()).length;
    const reused = await app.inject({ method: 'POST', url: '/api/v1/auth/sso', headers: { authorization: `Bearer ${body.token}` }, payload: { token: await hsToken(siteA.secret, { sub: 'u-42', aud: siteA.id, name: 'Jeanne Martin' }) } });
    assert.equal(reused.json<{ token: string }>().token, body.token, 'a reader with a session of this account keeps it');
    assert.equal(await sessionsOf(), 1, 'no new session per page view');

    const again = await sso(await hsToken(siteA.secret, { sub: 'u-42', aud: siteA.id, name: 'Jeanne M.' }));
    assert.equal(again.statusCode, 200, again.body);
    const user2 = again.json<{ user: { id: string; displayName: string } }>().user;
    assert.equal(user2.id, body.user.id, 'matched by (site, sub)');
    assert.equal(user2.displayName, 'Jeanne M.');
  });

  test('RS256 and EdDSA tokens verify against the site’s JWKS URL', async () => {
    const rs = await new SignJWT({ sub: 'r-1', name: 'Rita' }).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).setAudience('paper-jwks').setIssuedAt().setExpirationTime('5m').sign(rsa.privateKey);
    assert.equal((await sso(rs)).statusCode, 200);
    const edt = await new SignJWT({ sub: 'e-1', name: 'Eddy' }).setProtectedHeader({ alg: 'EdDSA', kid: 'ed-1' }).setAudience('paper-jwks').setIssuedAt().setExpirationTime('5m').sign(ed.privateKey);
    const res = await sso(edt, 'paper-jwks');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<{ user: { displayName: string } }>().user.displayName, 'Eddy');
  });

  test('never matched by email: a local account with the same email stays untouched and separate', async () => {
    const local = await signUp(app, 'Local Lou', 'lou@shared.example');
    const res = await sso(await hsToken(siteA.secret, { sub: 'lou', aud: siteA.id, name: 'SSO Lou', email: 'lou@shared.example' }));
    assert.equal(res.statusCode, 200, res.body);
    assert.notEqual(res.json<{ user: { id: string } }>().user.id, local.user.id);
    const localMe = await me(local.token);
    assert.equal(localMe.json<{ user: { displayName: string; email: string } }>().user.email, 'lou@shared.example');
    assert.equal(localMe.json<{ user: { displayName: string } }>().user.displayName, 'Local Lou');
  });
});

describe('every rejection has its own 401 code', () => {
  test('bad signature: signed with another key, or with another site’s secret', async () => {
    let res = await sso(await hsToken('not-the-secret-not-the-secret-xx', { sub: 'x', aud: siteA.id }));
    assert.equal(res.statusCode, 401);
    assert.equal(codeOf(res), 'SSO_BAD_SIGNATURE');
    res = await sso(await hsToken(siteB.secret, { sub: 'x', aud: siteA.id }));
    assert.equal(codeOf(res), 'SSO_BAD_SIGNATURE');
    // A tampered payload under a valid signature.
    const good = await hsToken(siteA.secret, { sub: 'x', aud: siteA.id });
    const [h, , s] = good.split('.');
    res = await sso(`${h}.${b64({ sub: 'admin', aud: siteA.id, exp: now() + 60 })}.${s}`);
    assert.equal(codeOf(res), 'SSO_BAD_SIGNATURE');
    // RS256 signed by a key the JWKS does not hold.
    const stranger = await generateKeyPair('RS256');
    const rs = await new SignJWT({ sub: 'r' }).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).setAudience('paper-jwks').setExpirationTime('5m').sign(stranger.privateKey);
    assert.equal(codeOf(await sso(rs)), 'SSO_BAD_SIGNATURE');
  });

  test('alg "none" (any case) is refused', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      const res = await sso(`${b64({ alg, typ: 'JWT' })}.${b64({ sub: 'x', aud: siteA.id, exp: now() + 60 })}.`);
      assert.equal(res.statusCode, 401);
      assert.equal(codeOf(res), 'SSO_UNSIGNED_TOKEN', alg);
    }
  });

  test('wrong algorithm for the key: RS256 without a JWKS, HS512, HS256 with the public key as secret, HS256 on an RS-only site', async () => {
    const rs = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256' }).setAudience(siteA.id).setExpirationTime('5m').sign(rsa.privateKey);
    let res = await sso(rs);
    assert.equal(res.statusCode, 401);
    assert.equal(codeOf(res), 'SSO_WRONG_ALGORITHM');
    assert.equal(codeOf(await sso(await hsToken(siteA.secret, { sub: 'x', aud: siteA.id }, { alg: 'HS512' }))), 'SSO_WRONG_ALGORITHM');
    // Key confusion: HMAC keyed with the publisher's public key, which anyone can read.
    const pem = await exportSPKI(rsa.publicKey);
    res = await sso(await hsToken(pem, { sub: 'x', aud: 'paper-jwks' }));
    assert.equal(codeOf(res), 'SSO_BAD_SIGNATURE');
    await updateSite({ siteStore: deps.publisher.siteStore, origins: deps.origins }, 'paper-jwks', { settings: { sso: { algorithms: ['RS256', 'EdDSA'] } } });
    res = await sso(await hsToken(pem, { sub: 'x', aud: 'paper-jwks' }));
    assert.equal(codeOf(res), 'SSO_WRONG_ALGORITHM');
    await updateSite({ siteStore: deps.publisher.siteStore, origins: deps.origins }, 'paper-jwks', { settings: { sso: { algorithms: ['HS256', 'RS256', 'EdDSA'] } } });
  });

  test('expired, and not yet valid, with a minute of clock skew allowed', async () => {
    let res = await sso(await hsToken(siteA.secret, { sub: 'x', aud: siteA.id }, { exp: now() - 120, iat: now() - 600 }));
    assert.equal(res.statusCode, 401);
    assert.equal(codeOf(res), 'SSO_TOKEN_EXPIRED');
    res = await sso(await hsToken(siteA.secret, { sub: 'skew-1', aud: siteA.id, name: 'Skew' }, { exp: now() - 20, iat: now() - 600 }));
    assert.equal(res.statusCode, 200, 'expired 20 s ago is within the skew');
    res = await sso(await hsToken(siteA.secret, { sub: 'x', aud: siteA.id, nbf: now() + 300 }));
    assert.equal(codeOf(res), 'SSO_TOKEN_NOT_YET_VALID');
    res = await sso(await hsToken(siteA.secret, { sub: 'x', aud: siteA.id }, { iat: now() + 600, exp: now() + 1200 }));
    assert.equal(codeOf(res), 'SSO_TOKEN_NOT_YET_VALID');
    res = await sso(await hsToken(siteA.secret, { sub: 'skew-2', aud: siteA.id, nbf: now() + 20, name: 'Skew' }));
    assert.equal(res.statusCode, 200, 'valid 20 s from now is within the skew');
  });

  test('wrong audience or site', async () => {
    let res = await sso(await hsToken(siteA.secret, { sub: 'x', aud: siteB.id }), siteA.id);
    assert.equal(res.statusCode, 401);
    assert.equal(codeOf(res), 'SSO_WRONG_AUDIENCE');
    res = await sso(await hsToken(siteA.secret, { sub: 'x', aud: 'no-such-site' }));
    assert.equal(codeOf(res), 'SSO_WRONG_AUDIENCE');
    res = await sso(await hsToken(siteA.secret, { sub: 'x' }));
    assert.equal(codeOf(res), 'SSO_WRONG_AUDIENCE', 'no aud at all');
    res = await sso(await hsToken(siteA.secret, { sub: 'x', aud: [siteA.id, siteB.id] }), siteA.id);
    assert.equal(codeOf(res), 'SSO_WRONG_AUDIENCE', 'a token for several sites is for none');
  });

  test('malformed tokens and missing claims', async () => {
    assert.equal(codeOf(await sso('not.a.jwt')), 'SSO_INVALID_TOKEN');
    assert.equal(codeOf(await sso('garbage')), 'SSO_INVALID_TOKEN');
    assert.equal(codeOf(await sso(await hsToken(siteA.secret, { aud: siteA.id }))), 'SSO_INVALID_TOKEN', 'no sub');
    const noExp = await new SignJWT({ sub: 'x', aud: siteA.id }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(siteA.secret));
    assert.equal(codeOf(await sso(noExp)), 'SSO_INVALID_TOKEN', 'no exp');
  });

  test('reused after logout: the publisher revokes, the token and older ones are refused and the sessions end; a newer token works', async () => {
    const t1 = await hsToken(siteA.secret, { sub: 'rev-1', aud: siteA.id, name: 'Rev' }, { iat: now() - 30 });
    const first = await sso(t1);
    assert.equal(first.statusCode, 200, first.body);
    const session = first.json<{ token: string }>().token;
    assert.equal((await me(session)).statusCode, 200);

    const revoke = await app.inject({ method: 'POST', url: '/api/v1/auth/sso/revoke', payload: { token: t1 } });
    assert.equal(revoke.statusCode, 204, revoke.body);
    const reused = await sso(t1);
    assert.equal(reused.statusCode, 401);
    assert.equal(codeOf(reused), 'SSO_TOKEN_REVOKED');
    assert.equal((await me(session)).statusCode, 401, 'the Agora session opened with it ended');
    assert.equal(codeOf(await sso(await hsToken(siteA.secret, { sub: 'rev-1', aud: siteA.id }, { iat: false }))), 'SSO_TOKEN_REVOKED', 'no iat cannot prove it is newer');

    const fresh = await sso(await hsToken(siteA.secret, { sub: 'rev-1', aud: siteA.id, name: 'Rev' }));
    assert.equal(fresh.statusCode, 200, 'signed in again at the publisher');
    // Another reader of the same site is not affected.
    assert.equal((await sso(await hsToken(siteA.secret, { sub: 'rev-2', aud: siteA.id, name: 'Other' }, { iat: now() - 30 }))).statusCode, 200);
  });
});

describe('sites keep their readers apart', () => {
  test('the same publisher user id on two sites is two readers, and each may post only on its own site', async () => {
    const a = await sso(await hsToken(siteA.secret, { sub: '1001', aud: siteA.id, name: 'Same Id' }));
    const b = await sso(await hsToken(siteB.secret, { sub: '1001', aud: siteB.id, name: 'Same Id' }));
    const ua = a.json<{ user: { id: string }; token: string }>();
    const ub = b.json<{ user: { id: string }; token: string }>();
    assert.notEqual(ua.user.id, ub.user.id);

    const storyA = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://a.example/s1')}` })).json<{ story: { id: string; siteId: string } }>().story;
    const storyB = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://b.example/s1')}` })).json<{ story: { id: string; siteId: string } }>().story;
    assert.equal(storyA.siteId, siteA.id);
    const post = (story: string, token: string) => app.inject({ method: 'POST', url: `/api/v1/stories/${story}/comments`, headers: { authorization: `Bearer ${token}` }, payload: { body: 'Bonjour' } });
    assert.equal((await post(storyA.id, ua.token)).statusCode, 201);
    assert.equal((await post(storyB.id, ub.token)).statusCode, 201);
    const cross = await post(storyB.id, ua.token);
    assert.equal(cross.statusCode, 403);
    // Refused as a token of site A's pages (TOKEN_WRONG_SITE), before the account's own rule (WRONG_SITE) is asked.
    assert.equal(codeOf(cross), 'TOKEN_WRONG_SITE');
  });

  test('with local accounts off, password sign-in from the site and local accounts’ comments are refused; SSO readers post', async () => {
    const site = await makeSite(deps, 'sso-only', ['https://only.example'], { settings: { localAccounts: false } });
    const local = await signUp(app, 'Local Lily', 'lily@example.com');
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: 'https://only.example' }, payload: { email: 'lily@example.com', password: 'correct horse battery' } });
    assert.equal(login.statusCode, 403);
    assert.equal(codeOf(login), 'LOCAL_ACCOUNTS_DISABLED');
    const popup = await app.inject({ method: 'GET', url: `/auth/popup?origin=${encodeURIComponent('https://only.example')}` });
    assert.equal(popup.statusCode, 403);
    assert.doesNotMatch(popup.body, /type="password"/);

    const story = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent('https://only.example/x')}` })).json<{ story: { id: string } }>().story;
    const refused = await app.inject({ method: 'POST', url: `/api/v1/stories/${story.id}/comments`, headers: local.auth, payload: { body: 'hi' } });
    assert.equal(codeOf(refused), 'LOCAL_ACCOUNTS_DISABLED');
    const reader = (await sso(await hsToken(site.secret, { sub: 's', aud: site.id, name: 'Sam' }))).json<{ token: string }>();
    const ok = await app.inject({ method: 'POST', url: `/api/v1/stories/${story.id}/comments`, headers: { authorization: `Bearer ${reader.token}` }, payload: { body: 'hi' } });
    assert.equal(ok.statusCode, 201, ok.body);
  });
});
