import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp, TEST_PG } from '../fixtures/server.js';
import { codeOf, hsToken, signUp, signUpAdmin, publishEverything } from '../fixtures/publisher.js';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let admin: Record<string, string>;
let moderator: Record<string, string>;
let reader: Awaited<ReturnType<typeof signUp>>;

before(async () => {
  ({ app, deps, close } = await buildTestApp());
  publishEverything(deps);
  admin = (await signUpAdmin(app, deps)).auth;
  moderator = (await signUpAdmin(app, deps, 'moderator')).auth;
  reader = await signUp(app, 'Rea Der');
});
after(async () => close());

const lookup = async (url: string) => {
  const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(url)}` });
  return { res, story: res.statusCode === 200 ? res.json<{ story: { id: string; siteId: string; closed: boolean; message: string | null; closesAt: string | null } }>().story : undefined };
};

describe('admin API for sites', () => {
  test('only admins may list, create or change sites', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/admin/sites' })).statusCode, 401);
    const asReader = await app.inject({ method: 'GET', url: '/api/v1/admin/sites', headers: reader.auth });
    assert.equal(asReader.statusCode, 403);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: moderator, payload: { id: 'nope', origins: [] } })).statusCode, 403);
  });

  test('create returns the id and SSO secret; the new origin works at once; duplicates and bad ids are refused', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: admin, payload: { id: 'gazette', name: 'La Gazette', origins: ['https://gazette.example/some/path'], lang: 'fr' } });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json<{ site: { id: string; origins: string[]; lang: string; settings: { localAccounts: boolean } }; ssoSecret: string }>();
    assert.equal(body.site.id, 'gazette');
    assert.deepEqual(body.site.origins, ['https://gazette.example']);
    assert.equal(body.site.settings.localAccounts, true);
    assert.ok(body.ssoSecret.length >= 40);
    const { story } = await lookup('https://gazette.example/2026/une');
    assert.equal(story?.siteId, 'gazette');

    const dup = await app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: admin, payload: { id: 'gazette', origins: [] } });
    assert.equal(dup.statusCode, 409);
    assert.equal(codeOf(dup), 'SITE_EXISTS');
    const bad = await app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: admin, payload: { id: 'Not A Site!', origins: [] } });
    assert.equal(bad.statusCode, 400);
    const badOrigin = await app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: admin, payload: { id: 'x-site', origins: ['javascript:alert(1)'] } });
    assert.equal(badOrigin.statusCode, 400);
  });

  test('update changes origins, language and settings without losing other keys; rotating the secret retires old tokens', async () => {
    await deps.db.updateTable('sites').set({ settings: JSON.stringify({ moderationMode: 'post' }) }).where('id', '=', 'gazette').execute();
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/sites/gazette',
      headers: admin,
      payload: { origins: ['https://gazette.example', 'https://www.gazette.example'], settings: { guests: { enabled: true } } },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<{ site: { settings: { guests: { enabled: boolean; holdForReview: boolean } } } }>().site.settings.guests.enabled, true);
    assert.equal(res.json<{ site: { settings: { guests: { holdForReview: boolean } } } }>().site.settings.guests.holdForReview, true);
    const raw = await deps.db.selectFrom('sites').select('settings').where('id', '=', 'gazette').executeTakeFirstOrThrow();
    assert.equal(JSON.parse(raw.settings).moderationMode, 'post', 'another feature’s key survives');
    assert.equal((await lookup('https://www.gazette.example/a')).story?.siteId, 'gazette');
    assert.equal((await app.inject({ method: 'PATCH', url: '/api/v1/admin/sites/none-such', headers: admin, payload: { lang: 'fr' } })).statusCode, 404);

    const got = await app.inject({ method: 'GET', url: '/api/v1/admin/sites/gazette', headers: admin });
    const oldSecret = got.json<{ ssoSecret: string }>().ssoSecret;
    const token = await hsToken(oldSecret, { sub: 'g1', aud: 'gazette', name: 'G' });
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token } })).statusCode, 200);
    const rotated = await app.inject({ method: 'POST', url: '/api/v1/admin/sites/gazette/sso-secret', headers: admin });
    assert.notEqual(rotated.json<{ ssoSecret: string }>().ssoSecret, oldSecret);
    assert.equal(codeOf(await app.inject({ method: 'POST', url: '/api/v1/auth/sso', payload: { token } })), 'SSO_BAD_SIGNATURE');

    const list = await app.inject({ method: 'GET', url: '/api/v1/admin/sites', headers: admin });
    assert.ok(list.json<{ sites: { id: string }[] }>().sites.some((s) => s.id === 'gazette'));
    assert.doesNotMatch(list.body, /ssoSecret|sso_secret/, 'the list never carries secrets');
  });
});

describe('per-story settings', () => {
  test('moderators close and reopen a story; posting to a closed story is 403 STORY_CLOSED', async () => {
    const { story } = await lookup('https://gazette.example/closing');
    assert.ok(story);
    assert.equal((await app.inject({ method: 'PATCH', url: `/api/v1/stories/${story.id}/settings`, headers: reader.auth, payload: { closed: true } })).statusCode, 403);
    const res = await app.inject({ method: 'PATCH', url: `/api/v1/stories/${story.id}/settings`, headers: moderator, payload: { closed: true } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<{ story: { closed: boolean } }>().story.closed, true);
    const post = await app.inject({ method: 'POST', url: `/api/v1/stories/${story.id}/comments`, headers: reader.auth, payload: { body: 'Too late?' } });
    assert.equal(post.statusCode, 403);
    assert.equal(codeOf(post), 'STORY_CLOSED');
    // A moderator of this site only may reopen it; a moderator of another site may not.
    const local = await signUp(app, 'Site Mod');
    await deps.db.insertInto('site_moderators').values({ site_id: 'gazette', user_id: local.user.id, created_at: new Date().toISOString() }).execute();
    const elsewhere = await signUp(app, 'Other Mod');
    await deps.db.insertInto('site_moderators').values({ site_id: 'demo', user_id: elsewhere.user.id, created_at: new Date().toISOString() }).execute();
    assert.equal((await app.inject({ method: 'PATCH', url: `/api/v1/stories/${story.id}/settings`, headers: elsewhere.auth, payload: { closed: false } })).statusCode, 403);
    const reopened = await app.inject({ method: 'PATCH', url: `/api/v1/stories/${story.id}/settings`, headers: local.auth, payload: { closed: false } });
    assert.equal(reopened.statusCode, 200, reopened.body);
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/stories/${story.id}/comments`, headers: reader.auth, payload: { body: 'Open again' } })).statusCode, 201);
  });

  test('auto-close N days after publication', async () => {
    const { story } = await lookup('https://gazette.example/old-news');
    assert.ok(story);
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString();
    let res = await app.inject({ method: 'PATCH', url: `/api/v1/stories/${story.id}/settings`, headers: moderator, payload: { publishedAt: tenDaysAgo, autoCloseDays: 14 } });
    assert.equal(res.json<{ story: { closed: boolean; closesAt: string } }>().story.closed, false);
    assert.equal(res.json<{ story: { closesAt: string } }>().story.closesAt, new Date(Date.parse(tenDaysAgo) + 14 * 86_400_000).toISOString());
    res = await app.inject({ method: 'PATCH', url: `/api/v1/stories/${story.id}/settings`, headers: moderator, payload: { autoCloseDays: 7 } });
    assert.equal(res.json<{ story: { closed: boolean } }>().story.closed, true);
    assert.equal((await lookup('https://gazette.example/old-news')).story?.closed, true);
    const post = await app.inject({ method: 'POST', url: `/api/v1/stories/${story.id}/comments`, headers: reader.auth, payload: { body: 'late' } });
    assert.equal(codeOf(post), 'STORY_CLOSED');
  });

  test('pre-moderation is stored as stories.settings.premoderation; the message shows on the API and above the article’s discussion', async () => {
    const demo = await deps.db.selectFrom('articles').select(['slug', 'story_id']).executeTakeFirstOrThrow();
    const res = await app.inject({ method: 'PATCH', url: `/api/v1/stories/${demo.story_id}/settings`, headers: moderator, payload: { premoderation: true, message: 'Comments are moderated before they appear <b>.' } });
    assert.equal(res.statusCode, 200, res.body);
    const row = await deps.db.selectFrom('stories').select('settings').where('id', '=', demo.story_id).executeTakeFirstOrThrow();
    assert.equal(JSON.parse(row.settings).premoderation, true);
    const story = await app.inject({ method: 'GET', url: `/api/v1/stories/${demo.story_id}` });
    assert.equal(story.json<{ story: { message: string } }>().story.message, 'Comments are moderated before they appear <b>.');
    assert.doesNotMatch(story.body, /premoderation/, 'readers do not see moderation settings');
    const page = await app.inject({ method: 'GET', url: `/articles/${demo.slug}` });
    assert.match(page.body, /class="story-message"[^>]*>Comments are moderated before they appear &lt;b&gt;\.</);
  });
});

describe('data never leaks across sites', () => {
  test('same path on two sites: two stories, two comment lists, each site’s admin view its own', async () => {
    for (const id of ['left', 'right']) {
      await app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: admin, payload: { id, origins: [`https://${id}.example`] } });
    }
    const left = (await lookup('https://left.example/same')).story;
    const right = (await lookup('https://right.example/same')).story;
    assert.ok(left && right);
    assert.notEqual(left.id, right.id);
    assert.equal(left.siteId, 'left');
    await app.inject({ method: 'POST', url: `/api/v1/stories/${left.id}/comments`, headers: reader.auth, payload: { body: 'only on the left' } });
    const rightList = await app.inject({ method: 'GET', url: `/api/v1/stories/${right.id}/comments` });
    assert.equal(rightList.json<{ totalCount: number }>().totalCount, 0);
    assert.doesNotMatch(rightList.body, /only on the left/);
    const unknown = await lookup('https://stranger.example/same');
    assert.equal(unknown.res.statusCode, 403);
  });
});

describe('npx agora site', { skip: TEST_PG ? 'the CLI test uses SQLite' : false }, () => {
  test('create, list and update with --json, including the id and SSO secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agora-cli-'));
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const agora = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: root, env: { ...process.env, AGORA_DATA_DIR: dir, DATABASE_URL: '' }, encoding: 'utf8' });
    const run = (...args: string[]) => agora('site', ...args);
    try {
      // A new install: the site commands open an existing database only (test/unit/cli-no-database.test.ts).
      const init = agora('db', 'init');
      assert.equal(init.status, 0, init.stderr);
      const created = run('create', 'tribune', '--origin', 'https://tribune.example', '--lang', 'fr', '--name', 'La Tribune', '--json');
      assert.equal(created.status, 0, created.stderr);
      const site = JSON.parse(created.stdout) as { id: string; ssoSecret: string; lang: string };
      assert.equal(site.id, 'tribune');
      assert.equal(site.lang, 'fr');
      assert.ok(site.ssoSecret.length >= 40);
      const updated = run('update', 'tribune', '--local-accounts', 'off', '--json');
      assert.equal(updated.status, 0, updated.stderr);
      assert.equal((JSON.parse(updated.stdout) as { settings: { localAccounts: boolean } }).settings.localAccounts, false);
      const list = JSON.parse(run('list', '--json').stdout) as { id: string; ssoSecret: string }[];
      assert.deepEqual(list.map((s) => [s.id, s.ssoSecret]), [['tribune', site.ssoSecret]]);
      const dup = run('create', 'tribune');
      assert.equal(dup.status, 1);
      assert.match(dup.stderr, /already exists/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
