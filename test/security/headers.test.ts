// Issue 11, finding 9: one header policy for every kind of response (helmet), HSTS only on an https install, and
// /metrics closed to strangers. Each kind is asked for through real routes, so a route that loses its policy fails.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { ConfigError, loadConfig } from '../../src/server/config.js';
import type { Deps } from '../../src/server/deps.js';
import { unsubscribeToken } from '../../src/server/notifications/service.js';
import { buildTestApp, embedModule, ensureWebBuilt, startTestServer } from '../fixtures/server.js';
import { openSse } from '../fixtures/sse.js';
import { codeOf, signUp } from '../fixtures/publisher.js';

type Headers = Record<string, string | string[] | number | undefined>;
type Kind = 'api' | 'page' | 'popup' | 'console' | 'emailLink' | 'script';

const SLUG = 'etats-unis-mexique-fentanyl';
const csp = (h: Headers) => String(h['content-security-policy'] ?? '');
const directive = (h: Headers, name: string) => new RegExp(`(?:^|;)\\s*${name} ([^;]*)`).exec(csp(h))?.[1]?.trim();

/** What every response carries, whatever its kind. */
function assertCommon(h: Headers, what: string): void {
  assert.equal(h['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.equal(directive(h, 'frame-ancestors'), "'none'", `${what}: nothing may frame it`);
  assert.equal(directive(h, 'base-uri'), "'none'", what);
  assert.equal(h['x-frame-options'], 'DENY', what);
  assert.equal(h['x-powered-by'], undefined, what);
}

/** The policy expected of each kind of response. */
function assertKind(h: Headers, kind: Kind, what: string): void {
  assertCommon(h, what);
  const scripts = directive(h, 'script-src') ?? directive(h, 'default-src');
  if (kind === 'api' || kind === 'script') {
    assert.equal(directive(h, 'default-src'), "'none'", `${what}: an API answer loads nothing`);
    assert.equal(directive(h, 'form-action'), "'none'", what);
    assert.equal(h['referrer-policy'], 'no-referrer', what);
    assert.equal(h['cross-origin-resource-policy'], kind === 'script' ? 'cross-origin' : 'same-origin', `${what}: CORP`);
    return;
  }
  if (kind === 'emailLink') {
    assert.equal(directive(h, 'default-src'), "'none'", `${what}: no script at all`);
    assert.equal(directive(h, 'script-src'), undefined, what);
    assert.equal(h['referrer-policy'], 'no-referrer', `${what}: the link's token never leaves in a Referer`);
    return;
  }
  // First-party pages: our own scripts only, never inline or eval'd; forms to ourselves.
  assert.equal(scripts, "'self'", `${what}: script-src`);
  assert.equal(directive(h, 'form-action'), "'self'", what);
  assert.equal(directive(h, 'object-src'), "'none'", what);
  assert.match(directive(h, 'style-src') ?? '', /'unsafe-inline'/, `${what}: the widget styles its shadow root`);
  if (kind === 'console') {
    assert.equal(directive(h, 'img-src'), "'self' data:", `${what}: no remote images in the console`);
    assert.equal(h['cross-origin-opener-policy'], 'same-origin', what);
    assert.equal(h['referrer-policy'], 'same-origin', what);
  } else {
    assert.match(directive(h, 'img-src') ?? '', /https:/, `${what}: readers' avatars are on publishers' hosts`);
    assert.equal(h['referrer-policy'], 'strict-origin-when-cross-origin', `${what}: keeps the Origin header on its own posts`);
    // Pages open the sign-in window; the window answers its opener on another origin.
    assert.equal(h['cross-origin-opener-policy'], kind === 'popup' ? 'unsafe-none' : 'same-origin-allow-popups', `${what}: COOP`);
  }
}

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let own: string;
let storyId: string;
let reader: { user: { id: string }; auth: Record<string, string> };

before(async () => {
  await ensureWebBuilt();
  ({ app, deps, close } = await buildTestApp());
  own = new URL(deps.config.publicUrl).origin;
  const site = await deps.origins.siteForOrigin(own);
  storyId = (await deps.articles.bySlug(site?.id ?? '', SLUG))?.storyId ?? '';
  assert.ok(storyId, 'the demo article has a story');
  reader = await signUp(app, 'Header Reader');
});
after(async () => close());

/** One request of every kind of response, with the kind expected. */
function everyKind(): { what: string; kind: Kind; req: InjectOptions }[] {
  const u = reader.user.id;
  return [
    { what: 'a JSON read', kind: 'api', req: { method: 'GET', url: `/api/v1/stories/${storyId}/comments` } },
    { what: 'a signed-in JSON read', kind: 'api', req: { method: 'GET', url: '/api/v1/me', headers: reader.auth } },
    { what: 'a JSON write refused', kind: 'api', req: { method: 'POST', url: `/api/v1/stories/${storyId}/comments`, payload: { body: 'x' } } },
    { what: 'an unknown route', kind: 'api', req: { method: 'GET', url: '/no/such/route' } },
    { what: 'the API document', kind: 'api', req: { method: 'GET', url: '/api/openapi.json' } },
    { what: 'a health check', kind: 'api', req: { method: 'GET', url: '/healthz' } },
    { what: 'a CORS preflight', kind: 'api', req: { method: 'OPTIONS', url: `/api/v1/stories/${storyId}`, headers: { origin: own, 'access-control-request-method': 'GET' } } },
    { what: 'the article page', kind: 'page', req: { method: 'GET', url: `/articles/${SLUG}` } },
    { what: 'the index page', kind: 'page', req: { method: 'GET', url: '/' } },
    { what: 'an unknown article', kind: 'page', req: { method: 'GET', url: '/articles/no-such-article' } },
    { what: '/profile', kind: 'page', req: { method: 'GET', url: '/profile' } },
    { what: '/profile/privacy', kind: 'page', req: { method: 'GET', url: '/profile/privacy' } },
    { what: 'the sign-in window', kind: 'popup', req: { method: 'GET', url: `/auth/popup?origin=${encodeURIComponent(own)}` } },
    { what: 'the sign-in window for a stranger', kind: 'popup', req: { method: 'GET', url: '/auth/popup?origin=https%3A%2F%2Fstranger.example' } },
    { what: 'the moderation console', kind: 'console', req: { method: 'GET', url: '/admin' } },
    { what: 'a console deep link', kind: 'console', req: { method: 'GET', url: '/admin/queue/pending' } },
    { what: 'the old sites page (a redirect)', kind: 'console', req: { method: 'GET', url: '/admin/sites' } },
    { what: 'the old webhooks page (a redirect)', kind: 'console', req: { method: 'GET', url: '/admin/webhooks' } },
    { what: 'the unsubscribe page', kind: 'emailLink', req: { method: 'GET', url: `/unsubscribe?u=${u}&t=${unsubscribeToken(deps.publisher.notificationDeps.secret, u)}` } },
    { what: 'a forged unsubscribe link', kind: 'emailLink', req: { method: 'GET', url: `/unsubscribe?u=${u}&t=forged` } },
    { what: 'the embed script', kind: 'script', req: { method: 'GET', url: '/embed.js' } },
    { what: 'a module of the embed', kind: 'script', req: { method: 'GET', url: `/embed/${embedModule()}` } },
    { what: 'the sign-in window’s script', kind: 'script', req: { method: 'GET', url: '/popup.js' } },
    { what: 'the count script', kind: 'script', req: { method: 'GET', url: '/count.js' } },
  ];
}

describe('security headers on every kind of response', () => {
  test('each kind carries nosniff, its CSP and its isolation headers, and no HSTS on an http install', async () => {
    for (const { what, kind, req } of everyKind()) {
      const res = await app.inject(req);
      assert.ok(res.statusCode < 500, `${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      assertKind(res.headers, kind, `${what} (${res.statusCode})`);
      assert.equal(res.headers['strict-transport-security'], undefined, `${what}: no HSTS over an http public URL`);
    }
  });

  test('pages are HTML and keep their cache rules beside the security headers', async () => {
    const article = await app.inject({ method: 'GET', url: `/articles/${SLUG}` });
    assert.match(String(article.headers['content-type']), /^text\/html/);
    const console = await app.inject({ method: 'GET', url: '/admin' });
    assert.equal(console.headers['cache-control'], 'no-store');
    const privacy = await app.inject({ method: 'GET', url: '/profile/privacy' });
    assert.equal(privacy.headers['cache-control'], 'no-store');
  });

  test('the header strings live in one place: no route writes its own CSP any more', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const dir = new URL('../../src/server/', import.meta.url);
    const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('security-headers.ts'));
    const offenders: string[] = [];
    for (const f of files) {
      const text = await readFile(new URL(f, dir), 'utf8');
      if (/['"](content-security-policy|x-content-type-options|strict-transport-security|x-frame-options)['"]/i.test(text)) offenders.push(f);
    }
    assert.deepEqual(offenders, []);
  });

  test('a live stream carries the API policy too', async () => {
    const server = await startTestServer();
    try {
      const s = await openSse(`${server.url}/api/v1/stories/${(await server.deps.articles.bySlug((await server.deps.origins.siteForOrigin(server.url))?.id ?? '', SLUG))?.storyId}/events`);
      assert.equal(s.status, 200);
      assertKind(s.headers, 'api', 'a live stream');
      assert.match(String(s.headers['content-type']), /^text\/event-stream/);
      s.close();
    } finally {
      await server.close();
    }
  });
});

describe('HSTS', () => {
  test('sent on every kind of response when the public URL is https, for a year, without includeSubDomains', async () => {
    const https = await buildTestApp({ publicUrl: 'https://comments.example.com' });
    try {
      for (const { what, req } of everyKind()) {
        const url = String(req.url ?? '').replace(encodeURIComponent(own), encodeURIComponent('https://comments.example.com'));
        const res = await https.app.inject({ ...req, url, headers: {} });
        assert.equal(res.headers['strict-transport-security'], 'max-age=31536000', what);
      }
    } finally {
      await https.close();
    }
  });
});

describe('/metrics', () => {
  type Asked = { remoteAddress?: string; headers?: Record<string, string> };
  const metrics = (a: FastifyInstance, o: Asked = {}) => a.inject({ method: 'GET', url: '/metrics', ...o });

  test('without AGORA_METRICS_TOKEN: served to this machine only, never to a client forwarded by a proxy', async () => {
    const ok = await metrics(app);
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /^agora_sse_streams \d+$/m);
    assertKind(ok.headers, 'api', '/metrics');
    const strangers: Asked[] = [{ remoteAddress: '203.0.113.9' }, { remoteAddress: '2001:db8::9' }, { headers: { 'x-forwarded-for': '203.0.113.9' } }, { headers: { forwarded: 'for=203.0.113.9' } }];
    for (const o of strangers) {
      const res = await metrics(app, o);
      assert.equal(res.statusCode, 401, JSON.stringify(o));
      assert.equal(codeOf(res), 'METRICS_TOKEN_REQUIRED');
      assert.doesNotMatch(res.body, /agora_/);
    }
  });

  test('with AGORA_METRICS_TOKEN: refused without it or with another, served with it from anywhere', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const t = await buildTestApp({ metricsToken: token });
    try {
      const none = await metrics(t.app);
      assert.equal(none.statusCode, 401, 'the token is required even on loopback');
      assert.equal(none.headers['www-authenticate'], 'Bearer realm="agora-metrics"');
      assert.equal(codeOf(none), 'METRICS_TOKEN_REQUIRED');
      const fr = await metrics(t.app, { headers: { 'accept-language': 'fr' } });
      assert.match(fr.json<{ error: { message: string } }>().error.message, /jeton de métriques/);
      for (const wrong of [`Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, token, 'Basic bWV0cmljczp4']) {
        assert.equal((await metrics(t.app, { headers: { authorization: wrong } })).statusCode, 401, wrong);
      }
      const ok = await metrics(t.app, { remoteAddress: '203.0.113.9', headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /^agora_sse_refused_total\{reason="client"\} 0$/m);
    } finally {
      await t.close();
    }
  });
});

test('configuration: AGORA_METRICS_TOKEN is optional, and a short or spaced one stops the server', () => {
  const env = (e: Record<string, string>) => e as NodeJS.ProcessEnv;
  assert.equal(loadConfig(env({})).metricsToken, null);
  assert.equal(loadConfig(env({ AGORA_METRICS_TOKEN: 'a-long-enough-token-1234' })).metricsToken, 'a-long-enough-token-1234');
  for (const bad of ['short', 'sixteen chars with spaces']) assert.throws(() => loadConfig(env({ AGORA_METRICS_TOKEN: bad })), (e) => e instanceof ConfigError && /AGORA_METRICS_TOKEN/.test(e.message), bad);
});
