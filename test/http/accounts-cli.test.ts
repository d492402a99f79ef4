import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { openSqlite } from '../../src/server/storage/db.js';
import { requiresVerifiedEmail } from '../../src/server/users/verification.js';
import { agora, dataDirWithSites } from '../fixtures/cli.js';

let dataDir: string;

before(async () => {
  dataDir = await dataDirWithSites([{ id: 'news', origins: ['https://news.example.com'] }]);
  // Another feature's key in the same settings object must survive.
  const db = openSqlite(dataDir);
  await db.updateTable('sites').set({ settings: JSON.stringify({ privacy: { onDelete: 'remove' } }) }).where('id', '=', 'news').execute();
  await db.destroy();
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

const settings = async () => {
  const db = openSqlite(dataDir);
  try {
    return (await db.selectFrom('sites').select('settings').where('id', '=', 'news').executeTakeFirstOrThrow()).settings;
  } finally {
    await db.destroy();
  }
};

describe('npx agora accounts require-verified-email', () => {
  test('turns the requirement on and off for one site, keeping the other settings', async () => {
    const on = await agora(['accounts', 'require-verified-email', 'on', '--site', 'news'], { dataDir });
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /must confirm their email address/);
    assert.equal(requiresVerifiedEmail(await settings()), true);
    assert.deepEqual((JSON.parse(await settings()) as { privacy: unknown }).privacy, { onDelete: 'remove' });
    assert.equal((await agora(['accounts', 'require-verified-email', 'off', '--site', 'news'], { dataDir })).code, 0);
    assert.equal(requiresVerifiedEmail(await settings()), false);
  });

  test('a clear error for an unknown site or a wrong word', async () => {
    const unknown = await agora(['accounts', 'require-verified-email', 'on', '--site', 'nope'], { dataDir });
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /there is no site "nope"/);
    const wrong = await agora(['accounts', 'require-verified-email', 'maybe', '--site', 'news'], { dataDir });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /say "on" or "off"/);
  });
});
