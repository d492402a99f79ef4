import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agora } from '../fixtures/cli.js';
import { freshPgDatabase, TEST_PG } from '../fixtures/server.js';

// `npx agora …` where there is no database (issue 12, point 11): it says so and stops with a non-zero exit instead
// of creating an empty data/agora.db and working there. Only `db init`, `admin create` (the first step of an
// install) and `import agora` (a restore onto a new machine) may create one, and they say that they did.

const tmp = mkdtempSync(join(tmpdir(), 'agora-cli-nodb-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const NEEDS_A_DATABASE = [
  ['site', 'list'],
  ['site', 'create', 'news', '--origin', 'https://news.example'],
  ['export', '--site', 'news'],
  ['privacy', 'sweep'],
  ['moderation', 'retrain'],
  ['admin', 'moderator', '--email', 'mod@example.com'],
  ['import', 'wordpress', fileURLToPath(new URL('../fixtures/import/wordpress-1.2.xml', import.meta.url)), '--site', 'news'],
];

describe('SQLite: no agora.db in AGORA_DATA_DIR', () => {
  for (const args of NEEDS_A_DATABASE) {
    test(`agora ${args.slice(0, 2).join(' ')}: one clear line, exit 1, nothing created`, async () => {
      const dataDir = join(tmp, `missing-${args.join('-').replace(/\W+/g, '-')}`);
      const res = await agora(args, { dataDir });
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stderr, /^agora: there is no database at .*agora\.db \(AGORA_DATA_DIR=.*\): .*npx agora db init/);
      assert.equal(res.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
      assert.equal(existsSync(dataDir), false, 'no folder, no empty database');
    });
  }

  test('agora db init creates it (and says so), then the other commands work; run again it changes nothing', async () => {
    const dataDir = join(tmp, 'init');
    const init = await agora(['db', 'init'], { dataDir });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stderr, /created a new database at .*init\/agora\.db/);
    assert.match(init.stdout, /database ready: .*agora\.db, schema up to date/);
    const list = await agora(['site', 'list', '--json'], { dataDir });
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout), [], 'an empty install: no demo site');
    const again = await agora(['db', 'init'], { dataDir });
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /created/);
  });

  test('agora admin create, the first step of a new install, may create it', async () => {
    const dataDir = join(tmp, 'admin');
    const res = await agora(['admin', 'create', '--email', 'editor@example.com', '--password', 'Vermilion-otter-quietly-grazes!'], { dataDir, env: { AGORA_SCRYPT_LOG_N: '10' } });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /created a new database/);
    assert.deepEqual(readdirSync(dataDir).filter((f) => f === 'agora.db'), ['agora.db']);
  });
});

describe('PostgreSQL: a database without Agora’s tables', { skip: TEST_PG ? false : 'AGORA_TEST_PG is not set' }, () => {
  test('the commands stop and name the database without its password; db init creates the tables', async () => {
    const pg = await freshPgDatabase(TEST_PG ?? '');
    try {
      const withPassword = pg.url.replace('://', '://postgres:s3cret-pw@');
      const env = { DATABASE_URL: withPassword };
      const res = await agora(['site', 'list'], { dataDir: join(tmp, 'pg'), env });
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stderr, /^agora: the PostgreSQL database .* has no Agora tables yet/);
      assert.doesNotMatch(res.stderr, /s3cret-pw/);
      assert.equal((await agora(['db', 'init'], { dataDir: join(tmp, 'pg'), env })).code, 0);
      const list = await agora(['site', 'list', '--json'], { dataDir: join(tmp, 'pg'), env });
      assert.equal(list.code, 0, list.stderr);
    } finally {
      await pg.drop();
    }
  });
});
