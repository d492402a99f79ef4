import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SaxesParser } from 'saxes';
import type { LightMyRequestResponse } from 'fastify';
import { newId, nowIso } from '../../src/server/storage/ids.js';
import { hsToken } from '../fixtures/publisher.js';
import { assertErrorEnvelope, securityWorld, type World } from './helpers.js';

// The probes of issue 11, kept as regression tests: the defects of point 8 that concern input (non-finite numbers,
// coerced bodies, invisible comments, control characters in the feed), and the attacks that already failed (script
// in hostile texts, CSRF, CORS, forged sign-in tokens, webhooks aimed inside the network), so they keep failing.

let w: World;
let demoStory: string;
const DEMO_SLUG = 'etats-unis-mexique-fentanyl';

before(async () => {
  w = await securityWorld();
  const res = await w.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(`${w.publicUrl}/articles/${DEMO_SLUG}`)}` });
  assert.equal(res.statusCode, 200, res.body);
  demoStory = res.json<{ story: { id: string } }>().story.id;
});
after(async () => w?.close());

const codeOf = (res: LightMyRequestResponse) => res.json<{ error?: { code: string } }>().error?.code;

/** The error of a well-formed XML document, or null (saxes is strict: XML 1.0 characters, one root, matched tags). */
function xmlError(xml: string): string | null {
  const parser = new SaxesParser();
  let error: string | null = null;
  parser.on('error', (e) => {
    error ??= e.message;
  });
  parser.write(xml).close();
  return error;
}

/** The elements of an XML document, by name. */
function elements(xml: string): string[] {
  const names: string[] = [];
  const parser = new SaxesParser();
  parser.on('opentag', (t) => names.push(t.name));
  parser.write(xml).close();
  return names;
}

describe('input validation (issue 11, point 8)', () => {
  interface Schema {
    type?: string;
    $ref?: string;
    anyOf?: Schema[];
    enum?: unknown[];
    properties?: Record<string, Schema>;
    required?: string[];
    minimum?: number;
    minItems?: number;
    items?: Schema;
    nullable?: boolean;
  }
  interface Op {
    parameters?: { in: string; name: string; required?: boolean; schema: Schema }[];
    requestBody?: { content?: Record<string, { schema: Schema }> };
  }
  let doc: { paths: Record<string, Record<string, Op>>; components?: { schemas?: Record<string, Schema> } };
  before(async () => {
    doc = (await w.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  });
  const resolve = (s: Schema): Schema => (s.$ref ? resolve(doc.components?.schemas?.[s.$ref.split('/').pop() ?? ''] ?? {}) : s);
  const realPath = (path: string) =>
    path.replace(/\{(\w+)\}/g, (_m, name: string) => ({ storyId: w.storyA, siteId: w.siteA.id, userId: w.actors.other.id, queue: 'pending' })[name] ?? 'no-such-id');
  /** A value the schema accepts, to fill the fields a test is not about. */
  const sample = (s0: Schema): unknown => {
    const s = resolve(s0);
    if (s.anyOf) return sample(s.anyOf[0] ?? {});
    if (s.enum) return s.enum[0];
    if (s.type === 'string') return 'x';
    if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1;
    if (s.type === 'boolean') return false;
    if (s.type === 'array') return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items ?? {}));
    return Object.fromEntries(Object.entries(s.properties ?? {}).filter(([k]) => s.required?.includes(k)).map(([k, p]) => [k, sample(p)]));
  };

  test('non-finite numbers in any numeric query parameter are a 400, never a 500 (five endpoints gave 500)', async () => {
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const p of op.parameters ?? []) {
          const t = resolve(p.schema).type;
          if (p.in !== 'query' || (t !== 'integer' && t !== 'number')) continue;
          for (const value of ['Infinity', '-Infinity', '1e309', '-1e309', 'NaN']) {
            checked++;
            // The other required query parameters get valid values, so the error can only be about this one.
            const others = (op.parameters ?? []).filter((q) => q.in === 'query' && q.required && q.name !== p.name);
            const rest = others.map((q) => `&${q.name}=${encodeURIComponent(String(sample(q.schema)))}`).join('');
            const url = `${realPath(path)}?${p.name}=${value}${rest}`;
            const res = await w.inject({ method: method.toUpperCase() as 'GET', url, headers: w.actors.admin.bearer });
            assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`);
            assert.equal(codeOf(res), 'VALIDATION_FAILED', url);
            assert.match(res.json<{ error: { message: string } }>().error.message, new RegExp(`querystring\\.${p.name}`), url);
          }
        }
      }
    }
    assert.ok(checked >= 25, `only ${checked} numeric query parameters checked`);
  });

  test('numbers in the query string are still read from text: ?limit=2 works', async () => {
    const res = await w.inject({ method: 'GET', url: `/api/v1/stories/${w.storyA}/comments?limit=2` });
    assert.equal(res.statusCode, 200, res.body);
  });

  test('JSON bodies are not coerced: every field of every body refuses a value of another type', async () => {
    // What Ajv would have coerced: a number or null into a string, a string or a number into a boolean or integer.
    const wrong: Record<string, unknown[]> = { string: [123, true, null], boolean: ['true', 1, null], integer: ['5', true, null], number: ['0.5', null], array: ['x', null] };
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const schema = op.requestBody?.content?.['application/json']?.schema;
        if (!schema) continue;
        const s = resolve(schema);
        for (const [name, p0] of Object.entries(s.properties ?? {})) {
          const p = resolve(p0);
          const type = p.type ?? (p.anyOf?.every((b) => resolve(b).type === 'string') ? 'string' : undefined);
          for (const value of wrong[type ?? ''] ?? []) {
            if (value === null && p.nullable) continue;
            checked++;
            const payload = { ...(sample(s) as object), [name]: value };
            const url = realPath(path);
            const res = await w.inject({ method: method.toUpperCase() as 'POST', url, headers: w.actors.admin.bearer, payload });
            const what = `${method} ${path} ${JSON.stringify(payload)}`;
            assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
            assert.equal(codeOf(res), 'VALIDATION_FAILED', what);
            assert.match(res.json<{ error: { message: string } }>().error.message, new RegExp(`body\\.${name}\\b`), what);
          }
        }
      }
    }
    assert.ok(checked >= 80, `only ${checked} body fields checked`);
  });

  test('non-finite and out-of-range numbers in JSON bodies are a 400 (JSON.parse reads 1e309 as Infinity)', async () => {
    const admin = { ...w.actors.admin.bearer, 'content-type': 'application/json' };
    const cases: [string, string, string][] = [
      ['PATCH', `/api/v1/admin/moderation/sites/${w.siteA.id}/users/${w.actors.other.id}`, '{"suspendHours":1e309}'],
      ['PATCH', `/api/v1/admin/moderation/sites/${w.siteA.id}/users/${w.actors.other.id}`, '{"suspendHours":-1e309}'],
      ['PATCH', `/api/v1/admin/moderation/stories/${w.storyA}`, '{"autoCloseDays":1e308}'],
      ['PATCH', `/api/v1/stories/${w.storyA}/settings`, '{"autoCloseDays":9007199254740993}'],
      ['PATCH', `/api/v1/admin/sites/${w.siteA.id}`, '{"settings":{"guests":{"powDifficulty":1e309}}}'],
    ];
    for (const [method, url, payload] of cases) {
      const res = await w.inject({ method: method as 'PATCH', url, headers: admin, payload });
      assert.equal(res.statusCode, 400, `${url} ${payload}: ${res.body}`);
      assert.equal(codeOf(res), 'VALIDATION_FAILED');
    }
  });

  test('a bare POST is read as an empty body: all-optional bodies pass, required fields are named', async () => {
    const read = await w.inject({ method: 'POST', url: '/api/v1/notifications/read', headers: w.actors.commenter.bearer });
    assert.equal(read.statusCode, 204, read.body);
    const post = await w.inject({ method: 'POST', url: `/api/v1/stories/${w.storyA}/comments`, headers: w.actors.commenter.bearer });
    assert.equal(post.statusCode, 400);
    assert.match(post.json<{ error: { message: string } }>().error.message, /body/);
  });

  test('paths that are not valid URL encoding or have an overlong segment get the error envelope, in the reader’s language', async () => {
    for (const url of ['/api/v1/stories/%zz', '/api/v1/stories/%ED%A0%80/comments', '/api/v1/comments/%', `/api/v1/stories/${'x'.repeat(101)}`]) {
      const res = await w.inject({ method: 'GET', url, headers: { 'accept-language': 'fr' } });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assertErrorEnvelope(res, url);
      assert.equal(codeOf(res), 'VALIDATION_FAILED');
      assert.match(res.json<{ error: { message: string } }>().error.message, /^La requête est invalide/);
    }
  });

  test('a moderation path naming a site that does not exist is a 404, not a database error', async () => {
    for (const payload of [{ banned: true }, { premoderate: true }]) {
      const res = await w.inject({ method: 'PATCH', url: `/api/v1/admin/moderation/sites/no-such-site/users/${w.actors.other.id}`, headers: w.actors.admin.bearer, payload });
      assert.ok(res.statusCode === 404 || res.statusCode === 400, `${JSON.stringify(payload)}: ${res.statusCode} ${res.body}`);
      assertErrorEnvelope(res, 'standing on a missing site');
    }
    const note = await w.inject({ method: 'POST', url: `/api/v1/admin/moderation/sites/no-such-site/users/${w.actors.other.id}/notes`, headers: w.actors.admin.bearer, payload: { body: 'A note' } });
    assert.ok(note.statusCode === 404 || note.statusCode === 400, `note: ${note.statusCode} ${note.body}`);
  });

  test('a comment of zero-width or other invisible characters only is BODY_EMPTY, in both languages', async () => {
    const invisible = ['\u200B', '\u200B\u200C\u200D\u2060\uFEFF', ' \u00A0\u3000\n', '\u202E\u202C\u200E\u200F', '\u3164\u115F\u1160\uFFA0', '\u2800', '\u00AD\u034F\uFE0F', '\u0001\u0007'];
    const comment = await w.comment();
    for (const body of invisible) {
      for (const lang of ['en', 'fr']) {
        const post = await w.inject({ method: 'POST', url: `/api/v1/stories/${w.storyA}/comments`, headers: { ...w.actors.commenter.bearer, 'accept-language': lang }, payload: { body } });
        assert.equal(post.statusCode, 400, `${JSON.stringify(body)}: ${post.body}`);
        assert.equal(codeOf(post), 'BODY_EMPTY');
        assert.equal(post.json<{ error: { message: string } }>().error.message, lang === 'fr' ? 'Le commentaire est vide.' : 'The comment is empty.');
      }
      const edit = await w.inject({ method: 'PATCH', url: `/api/v1/comments/${comment}`, headers: w.actors.commenter.bearer, payload: { body } });
      assert.equal(codeOf(edit), 'BODY_EMPTY', `edit to ${JSON.stringify(body)}`);
      const guest = await w.inject({ method: 'POST', url: `/api/v1/stories/${w.storyA}/guest-comments`, payload: { body, name: 'Gaston', email: 'gaston@example.com', ...(await w.challenge(w.storyA)) } });
      assert.equal(codeOf(guest), 'BODY_EMPTY', `guest ${JSON.stringify(body)}`);
    }
    // Visible text around invisible characters is a comment, and so is a lone emoji or a combining accent on a letter.
    for (const body of ['\u200Bhello\u200B', '👍', 'e\u0301']) {
      const res = await w.inject({ method: 'POST', url: `/api/v1/stories/${w.storyA}/comments`, headers: w.actors.commenter.bearer, payload: { body } });
      assert.equal(res.statusCode, 201, `${JSON.stringify(body)}: ${res.body}`);
    }
  });

  test('control characters, lone surrogates and U+FFFE in comments and titles leave the Atom feed well-formed XML', async () => {
    const storyId = newId();
    const url = `${w.siteA.origin}/2027/01/feed-${storyId}`;
    await w.deps.stories.insertIfAbsent(w.deps.db, { id: storyId, siteId: w.siteA.id, url, title: 'Bell\u0007 and escape\u001B in a title', lang: 'en', closed: false, commentCount: 0, createdAt: nowIso() });
    for (const body of ['Vertical\u000Btab and form\u000Cfeed', 'Bell\u0007 backspace\u0008 escape\u001B[31m', 'Lone \uD800 surrogate and \uDFFF', 'Not characters \uFFFE\uFFFF', 'A fine comment, café 👍']) {
      const res = await w.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: w.actors.commenter.bearer, payload: { body } });
      assert.equal(res.statusCode, 201, res.body);
    }
    const feed = await w.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments.atom` });
    assert.equal(feed.statusCode, 200);
    assert.equal(xmlError(feed.body), null, 'the feed parses as XML');
    assert.equal(elements(feed.body).filter((n) => n === 'entry').length, 5, 'every comment is an entry');
    assert.match(feed.body, /Bell and escape in a title/);
    assert.match(feed.body, /café 👍/);
  });
});

describe('hostile bodies, names and titles never become script (held; kept)', () => {
  const PAYLOADS = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)>',
    '"><iframe src="javascript:alert(1)"></iframe>',
    '[click](javascript:alert(1))',
    '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '<a href="javascript:alert(1)">x</a>',
    '`<script>alert(1)</script>`',
  ];
  /** Markup that would run: script elements, event handler attributes, javascript:/data: links, frames, SVG. */
  const assertInert = (html: string, where: string) => {
    // Inside tags, quoted attribute values are text (an escaped name in an aria-label is harmless): blank them first.
    const tags = html.replace(/<[^>]*>/g, (tag) => tag.replace(/"[^"]*"/g, '""').replace(/'[^']*'/g, "''"));
    assert.doesNotMatch(html, /<script[\s>][^<]*alert/i, `${where} holds a script`);
    assert.doesNotMatch(tags, /<[a-z][^>]*\son[a-z]+\s*=/i, `${where} holds an event handler attribute`);
    assert.doesNotMatch(html, /<[a-z][^>]*\s(href|src|action)\s*=\s*["']?\s*(javascript|data|vbscript):/i, `${where} holds a script URL`);
    assert.doesNotMatch(html, /<(iframe|svg|object|embed)[\s>]/i, `${where} holds a frame or SVG`);
  };

  test('in comments: the API’s bodyHtml and the server-rendered article page', async () => {
    for (const body of PAYLOADS) {
      const res = await w.inject({ method: 'POST', url: `/api/v1/stories/${demoStory}/comments`, headers: w.actors.commenter.bearer, payload: { body } });
      assert.equal(res.statusCode, 201, res.body);
      assertInert(res.json<{ comment: { bodyHtml: string } }>().comment.bodyHtml, `bodyHtml of ${body}`);
    }
    const list = await w.inject({ method: 'GET', url: `/api/v1/stories/${demoStory}/comments?limit=50` });
    assertInert(list.body.replace(/"body":"(?:[^"\\]|\\.)*"/g, '"body":""'), 'the comments list');
    const page = await w.inject({ method: 'GET', url: `/articles/${DEMO_SLUG}` });
    assert.equal(page.statusCode, 200);
    // The page's own scripts are external files; no inline script and nothing from the payloads.
    assertInert(page.body.replace(/<script src="\/[a-z-]+\.js"[^>]*><\/script>/g, ''), 'the article page');
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  });

  test('in display names: the article page, the profile page and the API', async () => {
    const name = '<img src=x onerror=alert(1)>';
    const res = await w.inject({ method: 'POST', url: '/api/v1/auth/signup', headers: { origin: w.publicUrl }, payload: { email: `xss-${newId()}@example.com`, password: 'Vermilion-otter-quietly-grazes!', displayName: name } });
    assert.equal(res.statusCode, 201, res.body);
    const auth = { authorization: `Bearer ${res.json<{ token: string }>().token}` };
    const cookie = res.cookies.find((c) => c.name === 'agora_session');
    const posted = await w.inject({ method: 'POST', url: `/api/v1/stories/${demoStory}/comments`, headers: auth, payload: { body: 'Hello from a hostile name' } });
    assert.equal(posted.statusCode, 201, posted.body);
    const page = await w.inject({ method: 'GET', url: `/articles/${DEMO_SLUG}` });
    assert.ok(page.body.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the name is shown, escaped');
    assertInert(page.body.replace(/<script src="\/[a-z-]+\.js"[^>]*><\/script>/g, ''), 'the article page');
    if (cookie) {
      const profile = await w.inject({ method: 'GET', url: '/profile', headers: { cookie: `agora_session=${cookie.value}` } });
      assertInert(profile.body.replace(/<script src="\/[a-z-]+\.js"[^>]*><\/script>/g, ''), 'the profile page');
    }
  });

  test('in story titles: the Atom feed stays XML with no script element', async () => {
    const storyId = newId();
    await w.deps.stories.insertIfAbsent(w.deps.db, { id: storyId, siteId: w.siteA.id, url: `${w.siteA.origin}/2027/01/t-${storyId}`, title: '</title><script>alert(1)</script><title>', lang: 'fr', closed: false, commentCount: 0, createdAt: nowIso() });
    await w.comment(w.actors.commenter, storyId);
    const feed = await w.inject({ method: 'GET', url: `/api/v1/stories/${storyId}/comments.atom` });
    assert.equal(xmlError(feed.body), null);
    assert.ok(!elements(feed.body).includes('script'), 'no script element in the feed');
    const api = await w.inject({ method: 'GET', url: `/api/v1/stories/${storyId}` });
    assert.match(String(api.headers['content-type']), /^application\/json/, 'the API answers JSON, never HTML');
  });
});

describe('CSRF on cookie-authenticated writes (held; kept)', () => {
  test('a cookie session writes through the API only with its X-CSRF-Token', async () => {
    const me = w.actors.commenter;
    const cookieOnly = { cookie: me.cookie.cookie };
    for (const [headers, why] of [
      [cookieOnly, 'no token'],
      [{ ...cookieOnly, 'x-csrf-token': 'forged-token-value-000000000000' }, 'a forged token'],
      [{ ...cookieOnly, 'x-csrf-token': w.actors.other.csrf }, 'another session’s token'],
    ] as const) {
      const post = await w.inject({ method: 'POST', url: `/api/v1/stories/${w.storyA}/comments`, headers, payload: { body: `CSRF ${newId()}` } });
      assert.equal(post.statusCode, 403, `${why}: ${post.body}`);
      assert.equal(codeOf(post), 'CSRF_FAILED', why);
      const patch = await w.inject({ method: 'PATCH', url: '/api/v1/me', headers, payload: { displayName: 'Hijacked' } });
      assert.equal(codeOf(patch), 'CSRF_FAILED', why);
    }
    const ok = await w.inject({ method: 'POST', url: `/api/v1/stories/${w.storyA}/comments`, headers: me.cookie, payload: { body: `Same-site ${newId()}` } });
    assert.equal(ok.statusCode, 201, ok.body);
  });

  test('a form post to a first-party page needs the session’s token in the form', async () => {
    const me = w.actors.other;
    // (/admin/sites takes no form any more: it redirects to the console, test/http/admin-pages.test.ts.)
    for (const url of ['/profile/name', '/profile/notifications', '/profile/privacy/deletion']) {
      const res = await w.inject({ method: 'POST', url, headers: { cookie: me.cookie.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'displayName=Hijacked&mode=none&confirm=yes&id=evil' });
      assert.ok([401, 403].includes(res.statusCode), `${url}: ${res.statusCode}`);
    }
  });

  test('the JSON API refuses the bodies a cross-site form can send without a preflight', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await w.inject({ method: 'POST', url: `/api/v1/stories/${w.storyA}/comments`, headers: { ...w.actors.commenter.cookie, 'content-type': type }, payload: '{"body":"cross-site"}' });
      assert.equal(res.statusCode, 415, `${type}: ${res.body}`);
      assertErrorEnvelope(res, type);
    }
  });
});

describe('CORS (held; kept)', () => {
  test('an unknown origin gets no CORS headers, a site’s origin gets them without credentials', async () => {
    for (const origin of ['https://evil.example', 'null', `${w.siteA.origin}.evil.example`, w.siteA.origin.replace('https', 'http')]) {
      const pre = await w.inject({ method: 'OPTIONS', url: '/api/v1/me', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
      assert.equal(pre.headers['access-control-allow-origin'], undefined, `preflight from ${origin}`);
      const get = await w.inject({ method: 'GET', url: '/api/v1/me', headers: { origin, ...w.actors.commenter.bearer } });
      assert.equal(get.headers['access-control-allow-origin'], undefined, `GET from ${origin}`);
    }
    const ok = await w.inject({ method: 'OPTIONS', url: '/api/v1/me', headers: { origin: w.siteA.origin, 'access-control-request-method': 'POST' } });
    assert.equal(ok.headers['access-control-allow-origin'], w.siteA.origin);
    assert.notEqual(ok.headers['access-control-allow-credentials'], 'true', 'the embed authenticates with a bearer token, never cookies');
  });
});

describe('forged single sign-on tokens (held; kept)', () => {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const sso = (token: string) => w.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token, siteId: w.siteA.id } });
  const secret = async () => (await w.deps.publisher.siteStore.ssoSecret(w.siteA.id)) ?? '';
  const claims = () => ({ sub: `forged-${newId()}`, aud: w.siteA.id, name: 'Mallory' });

  test('alg none, a wrong key, an expired token, another site’s audience and garbage are refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string, string[]][] = [
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims(), exp: now + 600 })}.`, ['SSO_UNSIGNED_TOKEN']],
      ['alg None', `${b64({ alg: 'None' })}.${b64({ ...claims(), exp: now + 600 })}.`, ['SSO_UNSIGNED_TOKEN', 'SSO_INVALID_TOKEN', 'SSO_WRONG_ALGORITHM']],
      ['a wrong key', await hsToken('not-the-site-secret-but-long-enough-0123456789', claims()), ['SSO_BAD_SIGNATURE']],
      ['expired', await hsToken(await secret(), claims(), { exp: now - 3600, iat: now - 7200 }), ['SSO_TOKEN_EXPIRED']],
      ['another site', await hsToken(await secret(), { ...claims(), aud: w.siteB.id }), ['SSO_WRONG_AUDIENCE']],
      ['signature stripped', (await hsToken(await secret(), claims())).replace(/\.[^.]+$/, '.'), ['SSO_BAD_SIGNATURE', 'SSO_INVALID_TOKEN']],
      ['not a JWT', 'definitely.not.a-jwt', ['SSO_INVALID_TOKEN']],
    ];
    for (const [why, token, codes] of cases) {
      const res = await sso(token);
      assert.equal(res.statusCode, 401, `${why}: ${res.body}`);
      assert.ok(codes.includes(codeOf(res) ?? ''), `${why}: ${codeOf(res)}`);
    }
    const good = await sso(await hsToken(await secret(), claims()));
    assert.equal(good.statusCode, 200, `a genuine token still works: ${good.body}`);
  });
});

describe('webhooks aimed inside the network (held; kept)', () => {
  test('internal addresses and local names are refused as webhook URLs', async () => {
    const urls = [
      'http://127.0.0.1/hook', 'http://127.1/hook', 'http://0.0.0.0/hook', 'http://10.0.0.1/hook', 'http://172.16.0.1/hook', 'http://192.168.1.1/hook',
      'http://169.254.169.254/latest/meta-data/', 'http://[::1]/hook', 'http://[::ffff:127.0.0.1]/hook', 'http://[fd00::1]/hook', 'http://[fe80::1]/hook',
      'http://localhost/hook', 'http://api.localhost/hook', 'http://2130706433/hook', 'http://0x7f000001/hook',
    ];
    for (const url of urls) {
      const res = await w.inject({ method: 'POST', url: `/api/v1/admin/sites/${w.siteA.id}/webhooks`, headers: w.actors.admin.bearer, payload: { url } });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.ok(['WEBHOOK_URL_FORBIDDEN', 'INVALID_WEBHOOK_URL'].includes(codeOf(res) ?? ''), `${url}: ${codeOf(res)}`);
    }
    for (const url of ['file:///etc/passwd', 'gopher://example.com/', 'http://user:pass@hooks.example.com/']) {
      const res = await w.inject({ method: 'POST', url: `/api/v1/admin/sites/${w.siteA.id}/webhooks`, headers: w.actors.admin.bearer, payload: { url } });
      assert.equal(codeOf(res), 'INVALID_WEBHOOK_URL', url);
    }
  });
});
