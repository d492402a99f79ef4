import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { openSqlite } from '../../src/server/storage/db.js';
import { agora, dataDirWithSites } from '../fixtures/cli.js';

let dataDir: string;

/** Two readers with a comment each, written straight into the CLI's database. */
before(async () => {
  dataDir = await dataDirWithSites([{ id: 'news', origins: ['https://news.example.com'] }]);
  const db = openSqlite(dataDir);
  const at = new Date().toISOString();
  await db.insertInto('stories').values({ id: 's1', site_id: 'news', url: 'https://news.example.com/a', title: 'A', lang: 'en', closed: 0, created_at: at }).execute();
  for (const [id, email] of [['u1', 'una@example.com'], ['u2', 'ugo@example.com']] as const) {
    await db.insertInto('users').values({ id, email, display_name: id.toUpperCase(), password_hash: null, role: 'commenter', created_at: at }).execute();
    await db
      .insertInto('comments')
      .values({ id: `c-${id}`, site_id: 'news', story_id: 's1', parent_id: null, root_id: null, depth: 0, in_reply_to_id: null, author_id: id, body: `words of ${id}`, body_html: `<p>words of ${id}</p>`, status: 'published', created_at: at, edited_at: null, deleted_at: null, external_id: null })
      .execute();
  }
  await db.destroy();
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function rows<T>(q: (db: ReturnType<typeof openSqlite>) => Promise<T>): Promise<T> {
  const db = openSqlite(dataDir);
  try {
    return await q(db);
  } finally {
    await db.destroy();
  }
}

describe('npx agora privacy', () => {
  test('export a reader\'s data by email, as JSON on stdout', async () => {
    const res = await agora(['privacy', 'export', '--user', 'una@example.com'], { dataDir });
    assert.equal(res.code, 0, res.stderr);
    const data = JSON.parse(res.stdout) as { user: { id: string }; comments: { body: string }[] };
    assert.equal(data.user.id, 'u1');
    assert.equal(data.comments[0]?.body, 'words of u1');
  });

  test('delete on request: scheduled, cancelled, then now; every step audited as the command line', async () => {
    const scheduled = await agora(['privacy', 'delete', '--user', 'u1'], { dataDir });
    assert.match(scheduled.stdout, /will be deleted on \d{4}-/);
    assert.match((await agora(['privacy', 'cancel', '--user', 'u1'], { dataDir })).stdout, /no deletion pending/);
    const now = await agora(['privacy', 'delete', '--user', 'una@example.com', '--now'], { dataDir });
    assert.equal(now.code, 0, now.stderr);
    assert.match(now.stdout, /1 comments left as tombstones/);
    const comment = await rows((db) => db.selectFrom('comments').select(['status', 'body']).where('id', '=', 'c-u1').executeTakeFirstOrThrow());
    assert.deepEqual(comment, { status: 'deleted', body: '' });
    const log = await rows((db) => db.selectFrom('privacy_audit').select(['actor', 'action']).where('subject_user_id', '=', 'u1').orderBy('at').orderBy('id').execute());
    assert.deepEqual(
      log.map((l) => `${l.actor}:${l.action}`),
      ['cli:data.exported', 'cli:deletion.requested', 'cli:deletion.cancelled', 'cli:deletion.completed'],
    );
  });

  test('sweep carries out what is due; with a grace of 0 days a request is due at once; a site may remove', async () => {
    assert.match((await agora(['privacy', 'on-delete', 'remove', '--site', 'news'], { dataDir })).stdout, /now removed/);
    await agora(['privacy', 'delete', '--user', 'u2'], { dataDir, env: { AGORA_DELETION_GRACE_DAYS: '0' } });
    const swept = await agora(['privacy', 'sweep'], { dataDir });
    assert.equal(swept.code, 0, swept.stderr);
    assert.match(swept.stdout, /^1 account deleted/);
    assert.equal(await rows((db) => db.selectFrom('comments').select('id').where('id', '=', 'c-u2').executeTakeFirst()), undefined, 'removed, as the site says');
    assert.match((await agora(['privacy', 'sweep'], { dataDir })).stdout, /^0 accounts deleted/);
  });

  test('mistakes are one clear line and a non-zero exit', async () => {
    for (const [args, message] of [
      [['privacy', 'delete', '--user', 'nobody@example.com'], /no account with the id or email "nobody@example.com"/],
      [['privacy', 'on-delete', 'shred', '--site', 'news'], /"tombstone" or "remove"/],
      [['privacy', 'on-delete', 'remove', '--site', 'nope'], /no site "nope"/],
    ] as const) {
      const res = await agora([...args], { dataDir });
      assert.notEqual(res.code, 0);
      assert.match(res.stderr, message);
      assert.doesNotMatch(res.stderr, /^\s+at /m);
    }
  });
});
