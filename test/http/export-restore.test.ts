import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { exportSite } from '../../src/server/portability/export/exporter.js';
import { restoreExport, RestoreError } from '../../src/server/portability/export/restore.js';
import { disqusFormat } from '../../src/server/portability/import/disqus.js';
import { importFile } from '../../src/server/portability/import/importer.js';
import { buildTestApp } from '../fixtures/server.js';

type App = { app: FastifyInstance; deps: Deps; close(): Promise<void> };
let source: App;
let target: App;
let tmp: string;

async function exportTo(deps: Deps, file: string, withSecrets = false): Promise<string[]> {
  const lines: string[] = [];
  await exportSite(deps.db, { siteId: 'demo', withSecrets, write: (l) => void lines.push(l) });
  writeFileSync(file, lines.join(''));
  return lines.map((l) => l.trimEnd());
}

/** An export without its time of making, in a stable order: what must survive a round trip. */
function comparable(lines: string[]): string[] {
  const [header, ...rest] = lines;
  const h = JSON.parse(header ?? '{}') as Record<string, unknown>;
  delete h.exportedAt;
  return [JSON.stringify(h), ...rest.sort()];
}

before(async () => {
  source = await buildTestApp();
  target = await buildTestApp({ seedDemo: false });
  tmp = mkdtempSync(join(tmpdir(), 'agora-export-'));
  const { app, deps } = source;
  // A discussion with everything a site has: comments, a reply, an edit, a reaction, a report, a tombstone,
  // imported comments with their identities.
  const own = new URL(deps.config.publicUrl).origin;
  const signup = async (n: number) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: `10.9.0.${n}`, payload: { email: `rt${n}@example.com`, password: 'correct horse battery', displayName: `Reader ${n}` } });
    return { authorization: `Bearer ${res.json<{ token: string }>().token}` };
  };
  const [ann, bob] = [await signup(1), await signup(2)];
  const story = (await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(`${own}/articles/etats-unis-mexique-fentanyl`)}` })).json<{ story: { id: string } }>().story.id;
  const post = async (who: Record<string, string>, body: string, parentId?: string) =>
    (await app.inject({ method: 'POST', url: `/api/v1/stories/${story}/comments`, headers: who, payload: parentId ? { body, parentId } : { body } })).json<{ comment: { id: string } }>().comment.id;
  // Published directly: the round trip must not depend on how moderation treats new readers.
  const c1 = await post(ann, 'Premier **commentaire**');
  await deps.db.updateTable('comments').set({ status: 'published' }).execute();
  const c2 = await post(bob, 'Une réponse', c1);
  await app.inject({ method: 'PATCH', url: `/api/v1/comments/${c2}`, headers: bob, payload: { body: 'Une réponse corrigée' } });
  const c3 = await post(bob, 'À supprimer');
  await deps.db.updateTable('comments').set({ status: 'published' }).execute();
  await app.inject({ method: 'POST', url: `/api/v1/comments/${c1}/reaction`, headers: bob });
  await app.inject({ method: 'POST', url: `/api/v1/comments/${c1}/reports`, headers: bob, payload: { reason: 'other', note: 'test' } });
  await app.inject({ method: 'DELETE', url: `/api/v1/comments/${c3}`, headers: bob });
  await deps.sites.setOrigins('demo', [own, 'https://news.example.com']);
  await importFile({ db: deps.db, siteId: 'demo', path: fileURLToPath(new URL('../fixtures/import/disqus-cases.xml', import.meta.url)), format: disqusFormat });
});
after(async () => {
  await source.close();
  await target.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('export and restore (agora-export v1)', () => {
  test('export → restore into a fresh database → export again gives the same data', async () => {
    const file = join(tmp, 'demo.jsonl');
    const first = await exportTo(source.deps, file);
    const header = JSON.parse(first[0] ?? '{}') as { format: string; version: number; tables: string[] };
    assert.deepEqual([header.format, header.version], ['agora-export', 1]);
    const tables = new Set(first.slice(1, -1).map((l) => (JSON.parse(l) as { table: string }).table));
    for (const t of ['sites', 'users', 'user_identities', 'stories', 'articles', 'comments', 'comment_revisions', 'reactions', 'reports']) assert.ok(tables.has(t), `${t} is exported`);

    const restored = await restoreExport(target.deps.db, file);
    assert.equal(restored.siteId, 'demo');
    assert.ok((restored.tables.comments?.inserted ?? 0) >= 10);
    const second = await exportTo(target.deps, join(tmp, 'again.jsonl'));
    assert.deepEqual(comparable(second), comparable(first));

    // Readers see the same discussion on the restored server.
    const story = await target.deps.db.selectFrom('stories').select('id').where('url', 'like', '%etats-unis-mexique-fentanyl').executeTakeFirstOrThrow();
    const res = await target.app.inject({ method: 'GET', url: `/api/v1/stories/${story.id}/comments?sort=oldest` });
    const [c1] = res.json<{ comments: { bodyHtml: string; reactionCount: number; replies: { bodyHtml: string; editedAt: string | null }[] }[] }>().comments;
    assert.equal(c1?.bodyHtml, '<p>Premier <strong>commentaire</strong></p>');
    assert.equal(c1?.reactionCount, 1);
    assert.equal(c1?.replies[0]?.bodyHtml, '<p>Une réponse corrigée</p>');
    assert.ok(c1?.replies[0]?.editedAt);
  });

  test('restoring the same file again adds nothing', async () => {
    const again = await restoreExport(target.deps.db, join(tmp, 'demo.jsonl'));
    for (const [t, c] of Object.entries(again.tables)) assert.equal(c.inserted, 0, `${t} gained rows`);
  });

  test('password hashes only with --with-secrets', async () => {
    const hashes = (lines: string[]) =>
      lines
        .slice(1, -1)
        .map((l) => JSON.parse(l) as { table: string; row: Record<string, unknown> })
        .filter((l) => l.table === 'users' && l.row.email)
        .map((l) => l.row.password_hash);
    const plain = await exportTo(source.deps, join(tmp, 'plain.jsonl'));
    assert.ok(hashes(plain).length >= 2);
    assert.ok(hashes(plain).every((h) => h === null));
    const secret = await exportTo(source.deps, join(tmp, 'secret.jsonl'), true);
    assert.ok(hashes(secret).every((h) => typeof h === 'string' && h.startsWith('scrypt$')));
    assert.equal(JSON.parse(secret[0] ?? '{}').withSecrets, true);
  });

  test('a cut, reordered or foreign file is refused before anything is written', async () => {
    const fresh = await buildTestApp({ seedDemo: false });
    try {
      const lines = readFileSync(join(tmp, 'demo.jsonl'), 'utf8').trimEnd().split('\n');
      const cases: [string, string[], RegExp][] = [
        ['cut', lines.slice(0, -3), /incomplete/],
        ['no end', lines.slice(0, -1), /no end line/],
        ['reordered', [lines[0] as string, ...lines.slice(1, -1).reverse(), lines.at(-1) as string], /reordered/],
        ['foreign', ['{"hello":"world"}'], /not an Agora export/],
        ['not json', [lines[0] as string, '{oops'], /line 2 is not JSON/],
        ['newer', [JSON.stringify({ ...JSON.parse(lines[0] as string), version: 2 }), ...lines.slice(1)], /version 2/],
        ['unknown column', [lines[0] as string, lines[1]?.replace('"name"', '"nickname"') as string, ...lines.slice(2)], /no column nickname/],
      ];
      for (const [what, content, message] of cases) {
        const f = join(tmp, `${what.replace(' ', '-')}.jsonl`);
        writeFileSync(f, `${content.join('\n')}\n`);
        await assert.rejects(restoreExport(fresh.deps.db, f), (e: Error) => e instanceof RestoreError && message.test(e.message), what);
      }
      const sites = await fresh.deps.db.selectFrom('sites').select('id').execute();
      assert.deepEqual(sites, [], 'nothing was restored from a bad file');
    } finally {
      await fresh.close();
    }
  });
});
