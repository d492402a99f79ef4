import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { renderCommentBody } from '../../src/server/comments/markdown.js';
import { exportSite } from '../../src/server/portability/export/exporter.js';
import { restoreExport } from '../../src/server/portability/export/restore.js';
import { buildTestApp } from '../fixtures/server.js';

// Issue 11, finding 8: `agora import agora` trusted body_html and roles from the file. An export is a file anyone
// may have edited: HTML is rendered again from the Markdown, and admin and moderator roles come back only when the
// operator asks (--restore-roles).

type App = { app: FastifyInstance; deps: Deps; close(): Promise<void> };
let source: App;
let tmp: string;
let tampered: string;
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)><p>looks fine</p>';

before(async () => {
  source = await buildTestApp({ seedDemo: false });
  tmp = mkdtempSync(join(tmpdir(), 'agora-restore-'));
  const { deps } = source;
  const at = '2024-01-01T00:00:00.000Z';
  await deps.sites.createIfAbsent({ id: 'paper', name: 'Paper', origins: ['https://paper.example.com'], lang: 'en' });
  await deps.db.insertInto('stories').values({ id: 'st1', site_id: 'paper', url: 'https://paper.example.com/a', title: 'A', lang: 'en', closed: 0, created_at: at }).execute();
  const users = [
    { id: 'u-admin', role: 'admin' },
    { id: 'u-mod', role: 'commenter' },
    { id: 'u-reader', role: 'commenter' },
  ];
  for (const u of users) await deps.db.insertInto('users').values({ id: u.id, email: `${u.id}@example.com`, display_name: u.id, password_hash: null, role: u.role, created_at: at }).execute();
  await deps.db.insertInto('site_moderators').values({ site_id: 'paper', user_id: 'u-mod', created_at: at }).execute();
  for (const [id, author, body] of [
    ['c1', 'u-admin', 'Welcome, **everyone**.'],
    ['c2', 'u-reader', 'A reader <b>writes</b> & asks'],
  ] as const) {
    await deps.db
      .insertInto('comments')
      .values({ id, site_id: 'paper', story_id: 'st1', parent_id: null, root_id: null, depth: 0, in_reply_to_id: null, author_id: author, body, body_html: renderCommentBody(body), status: 'published', created_at: at, edited_at: null, deleted_at: null, external_id: null })
      .execute();
  }
  const lines: string[] = [];
  await exportSite(deps.db, { siteId: 'paper', withSecrets: false, write: (l) => void lines.push(l) });
  // What an attacker who can edit the file does: hostile HTML beside harmless Markdown, and a reader made admin.
  tampered = join(tmp, 'tampered.jsonl');
  const edited = lines
    .join('')
    .trimEnd()
    .split('\n')
    .map((l) => {
      const v = JSON.parse(l) as { table?: string; row?: Record<string, unknown> };
      if (v.table === 'comments' && v.row?.id === 'c2') v.row.body_html = HOSTILE;
      if (v.table === 'users' && v.row?.id === 'u-reader') v.row.role = 'admin';
      return JSON.stringify(v);
    });
  writeFileSync(tampered, `${edited.join('\n')}\n`);
});
after(async () => {
  await source.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function restoreInto(restoreRoles: boolean) {
  const target = await buildTestApp({ seedDemo: false });
  const summary = await restoreExport(target.deps.db, tampered, undefined, { restoreRoles });
  const roles = Object.fromEntries((await target.deps.db.selectFrom('users').select(['id', 'role']).execute()).map((u) => [u.id, u.role]));
  const moderators = (await target.deps.db.selectFrom('site_moderators').select('user_id').execute()).map((r) => r.user_id);
  const res = await target.app.inject({ method: 'GET', url: '/api/v1/stories/st1/comments?sort=oldest' });
  assert.equal(res.statusCode, 200, res.body);
  const html = res.json<{ comments: { id: string; bodyHtml: string }[] }>().comments;
  await target.close();
  return { summary, roles, moderators, html };
}

describe('restoring an Agora export trusts neither its HTML nor its roles', () => {
  test('by default: HTML rendered again from the Markdown, every account a commenter, no site moderators', async () => {
    assert.match(readFileSync(tampered, 'utf8'), /onerror/, 'the file does carry the hostile HTML');
    const { summary, roles, moderators, html } = await restoreInto(false);
    assert.deepEqual(html.map((c) => c.bodyHtml), [renderCommentBody('Welcome, **everyone**.'), renderCommentBody('A reader <b>writes</b> & asks')]);
    assert.doesNotMatch(JSON.stringify(html), /<script|onerror|<img/);
    assert.deepEqual(roles, { 'u-admin': 'commenter', 'u-mod': 'commenter', 'u-reader': 'commenter' });
    assert.deepEqual(moderators, []);
    assert.deepEqual(summary.roles, { restored: 0, dropped: 3 });
    assert.equal(summary.tables.site_moderators?.skipped, 1);
  });

  test('with --restore-roles: the roles of the file come back (the operator vouches for it); HTML is still rendered again', async () => {
    const { summary, roles, moderators, html } = await restoreInto(true);
    assert.deepEqual(roles, { 'u-admin': 'admin', 'u-mod': 'commenter', 'u-reader': 'admin' });
    assert.deepEqual(moderators, ['u-mod']);
    assert.deepEqual(summary.roles, { restored: 3, dropped: 0 });
    assert.doesNotMatch(JSON.stringify(html), /<script|onerror|<img/);
  });
});
