/**
 * Issue 11, finding 8 (JWKS): a site's JWKS URL was fetched without the webhooks' internal-address guard, whenever
 * an anonymous caller posted a token. Now: an internal URL is refused when the site is configured and when keys are
 * fetched (names resolving inward included), fetches time out and are size-capped, and a site's keys are fetched at
 * most once per cooldown however many tokens with unknown key ids arrive.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Deps } from '../../src/server/deps.js';
import { AppError } from '../../src/server/errors.js';
import { createSite, updateSite } from '../../src/server/sites/admin.js';
import { mergeSettings } from '../../src/server/sites/settings.js';
import { JWKS_DEFAULTS, jwksCache, type JwksOptions } from '../../src/server/sso/jwks.js';
import { verifySsoToken, type SiteKeys } from '../../src/server/sso/tokens.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, makeSite, signUpAdmin } from '../fixtures/publisher.js';

type Pair = { privateKey: CryptoKey; publicKey: CryptoKey };

/** A publisher's key server on 127.0.0.1 that counts its requests; `answer` decides each response. */
async function keyServer(answer: (res: ServerResponse, req: IncomingMessage) => void) {
  const state = { hits: 0 };
  const server: Server = createServer((req, res) => {
    state.hits++;
    answer(res, req);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { state, port, url: `http://127.0.0.1:${port}/jwks.json`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
const jwk = async (pair: Pair, kid: string): Promise<JWK> => ({ ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' });
const rsToken = (pair: Pair, kid: string, aud: string, sub = 'reader-1') => new SignJWT({ sub, name: 'Rita' }).setProtectedHeader({ alg: 'RS256', kid }).setAudience(aud).setIssuedAt().setExpirationTime('5m').sign(pair.privateKey);
const codeOfError = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
};

let rsa: Pair;
let rotated: Pair;
before(async () => {
  rsa = await generateKeyPair('RS256');
  rotated = await generateKeyPair('RS256');
});

describe('a JWKS URL on an internal address is refused', () => {
  let app: FastifyInstance;
  let deps: Deps;
  let close: () => Promise<void>;
  before(async () => ({ app, deps, close } = await buildTestApp()));
  after(async () => close());

  test('when the site is configured: IP literals of private, loopback, link-local and metadata ranges, and localhost', async () => {
    const admin = { siteStore: deps.publisher.siteStore, origins: deps.origins };
    await createSite(admin, { id: 'keys-paper', name: 'Keys', origins: ['https://keys.example'] });
    for (const url of ['https://10.0.0.5/jwks.json', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/jwks.json', 'https://localhost/jwks.json', 'http://127.0.0.1:8080/jwks.json', 'https://[fd00:ec2::254]/']) {
      assert.equal(await codeOfError(updateSite(admin, 'keys-paper', { settings: { sso: { jwksUrl: url } } })), 'JWKS_URL_FORBIDDEN', url);
      assert.equal(await codeOfError(createSite(admin, { id: `keys-${Math.random().toString(36).slice(2, 8)}`, settings: { sso: { jwksUrl: url } } })), 'JWKS_URL_FORBIDDEN', url);
    }
    assert.equal(await codeOfError(updateSite(admin, 'keys-paper', { settings: { sso: { jwksUrl: 'http://keys.example/jwks.json' } } })), 'VALIDATION_FAILED', 'https only');
    await updateSite(admin, 'keys-paper', { settings: { sso: { jwksUrl: 'https://keys.example/.well-known/jwks.json' } } });
    assert.equal((await deps.publisher.siteStore.get('keys-paper'))?.settings.sso.jwksUrl, 'https://keys.example/.well-known/jwks.json');

    // Through the admins' API, with the code and a message in the admin's language.
    const { auth } = await signUpAdmin(app, deps);
    const res = await app.inject({ method: 'PATCH', url: '/api/v1/admin/sites/keys-paper', headers: { ...auth, 'accept-language': 'fr' }, payload: { settings: { sso: { jwksUrl: 'https://192.168.1.10/jwks.json' } } } });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(codeOf(res), 'JWKS_URL_FORBIDDEN');
    assert.match(res.json<{ error: { message: string } }>().error.message, /adresse/);
  });

  test('when keys are fetched: a site stored with an internal URL gets JWKS_URL_FORBIDDEN and nothing is fetched', async () => {
    const keys = await keyServer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [] })));
    try {
      await makeSite(deps, 'old-keys', ['https://old.example']);
      // As a site configured before the check: written straight to the store.
      const raw = (await deps.publisher.siteStore.rawSettings('old-keys')) as string;
      await deps.publisher.siteStore.update('old-keys', { settingsJson: mergeSettings(raw, { sso: { jwksUrl: keys.url } }) });
      for (let i = 0; i < 5; i++) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token: await rsToken(rsa, 'rsa-1', 'old-keys') } });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(codeOf(res), 'JWKS_URL_FORBIDDEN');
      }
      assert.equal(keys.state.hits, 0, 'the loopback server was never reached');
    } finally {
      await keys.close();
    }
  });

  test('a host name that resolves to an internal address is refused at connection time (DNS is checked, not trusted)', async () => {
    const set = JSON.stringify({ keys: [await jwk(rsa, 'rsa-1')] });
    const keys = await keyServer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(set));
    try {
      const cache = jwksCache({ ...JWKS_DEFAULTS, egress: { allowPrivate: false, resolve: async () => [{ address: '127.0.0.1', family: 4 }] } });
      const site: SiteKeys = { siteId: 's', secret: 'x', sso: { jwksUrl: `http://keys.publisher.example:${keys.port}/jwks.json`, algorithms: ['RS256'] }, jwks: cache };
      assert.equal(await codeOfError(verifySsoToken(await rsToken(rsa, 'rsa-1', 's'), site)), 'JWKS_URL_FORBIDDEN');
      assert.equal(keys.state.hits, 0);
    } finally {
      await keys.close();
    }
  });
});

describe('fetches are bounded: one per site per cooldown, a timeout, a size cap', () => {
  let app: FastifyInstance;
  let deps: Deps;
  let close: () => Promise<void>;
  let keys: Awaited<ReturnType<typeof keyServer>>;
  before(async () => {
    // The keys are served from 127.0.0.1: the test-only allowance, for loopback literals only.
    ({ app, deps, close } = await buildTestApp({ jwksLoopbackForTests: true }));
    const set = JSON.stringify({ keys: [await jwk(rsa, 'rsa-1')] });
    keys = await keyServer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(set));
    await makeSite(deps, 'busy-paper', ['https://busy.example'], { settings: { sso: { jwksUrl: keys.url, algorithms: ['RS256'] } } });
  });
  after(async () => {
    await keys.close();
    await close();
  });

  test('60 anonymous tokens with made-up key ids, in parallel and in sequence, cause one fetch; a good token needs none more', async () => {
    const stranger = await generateKeyPair('RS256');
    const post = async (i: number) => app.inject({ method: 'POST', url: '/api/v1/auth/sso', remoteAddress: `10.44.0.${i}`, payload: { token: await rsToken(stranger, `kid-${i}`, 'busy-paper') } });
    const parallel = await Promise.all(Array.from({ length: 30 }, (_, i) => post(i + 1)));
    for (let i = 31; i <= 60; i++) parallel.push(await post(i));
    for (const res of parallel) {
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(codeOf(res), 'SSO_BAD_SIGNATURE');
    }
    assert.equal(keys.state.hits, 1, 'one fetch for all of them');
    const good = await app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token: await rsToken(rsa, 'rsa-1', 'busy-paper') } });
    assert.equal(good.statusCode, 200, good.body);
    assert.equal(keys.state.hits, 1, 'served from the cache');
  });

  test('after the cooldown a rotated key is fetched once; a failing server is asked once per cooldown too', async () => {
    let clock = 1_000_000;
    let serving: JWK[] = [await jwk(rsa, 'rsa-1')];
    let failing = false;
    const server = await keyServer((res) => (failing ? res.writeHead(500).end() : res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: serving }))));
    try {
      const options: JwksOptions = { ...JWKS_DEFAULTS, egress: { allowPrivate: false, resolve: async () => [] }, allowLoopbackLiteralForTests: true, now: () => clock };
      const site: SiteKeys = { siteId: 'rot', secret: 'x', sso: { jwksUrl: server.url, algorithms: ['RS256'] }, jwks: jwksCache(options) };
      const verify = async (pair: Pair, kid: string) => codeOfError(verifySsoToken(await rsToken(pair, kid, 'rot'), site));

      assert.equal(await verify(rsa, 'rsa-1'), 'accepted');
      serving = [await jwk(rotated, 'rsa-2')];
      assert.equal(await verify(rotated, 'rsa-2'), 'SSO_BAD_SIGNATURE', 'within the cooldown the new kid is not fetched');
      assert.equal(server.state.hits, 1);
      clock += JWKS_DEFAULTS.cooldownMs + 1;
      assert.equal(await verify(rotated, 'rsa-2'), 'accepted', 'after it, once');
      assert.equal(await verify(rotated, 'rsa-2'), 'accepted');
      assert.equal(server.state.hits, 2);

      // Past the keys' age, with the server failing: the old keys still serve, and it is asked once per cooldown.
      failing = true;
      clock += JWKS_DEFAULTS.maxAgeMs + 1;
      for (let i = 0; i < 20; i++) assert.equal(await verify(rotated, 'rsa-2'), 'accepted');
      assert.equal(server.state.hits, 3);

      // A site whose server fails from the start: the reader is told it is unavailable, and we do not hammer it.
      const broken: SiteKeys = { ...site, siteId: 'broken', jwks: jwksCache(options) };
      for (let i = 0; i < 20; i++) assert.equal(await codeOfError(verifySsoToken(await rsToken(rsa, 'rsa-1', 'broken'), broken)), 'UNAVAILABLE');
      assert.equal(server.state.hits, 4);
    } finally {
      await server.close();
    }
  });

  test('a server that never answers times out; an answer over the size cap is refused', async () => {
    const silent = await keyServer(() => undefined);
    const huge = await keyServer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [], pad: 'x'.repeat(200_000) })));
    try {
      const options: JwksOptions = { ...JWKS_DEFAULTS, timeoutMs: 300, egress: { allowPrivate: false, resolve: async () => [] }, allowLoopbackLiteralForTests: true };
      const at = (url: string): SiteKeys => ({ siteId: url, secret: 'x', sso: { jwksUrl: url, algorithms: ['RS256'] }, jwks: jwksCache(options) });
      const started = Date.now();
      assert.equal(await codeOfError(verifySsoToken(await rsToken(rsa, 'rsa-1', silent.url), at(silent.url))), 'UNAVAILABLE');
      assert.ok(Date.now() - started < 3000, 'bounded by the timeout');
      assert.equal(await codeOfError(verifySsoToken(await rsToken(rsa, 'rsa-1', huge.url), at(huge.url))), 'UNAVAILABLE');
    } finally {
      await silent.close();
      await huge.close();
    }
  });
});
