import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqlite } from '../../src/server/storage/db.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dataDir: string;

/** Runs `agora …` from the sources against a SQLite database of its own. */
function agora(args: string[], input = '') {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, AGORA_DATA_DIR: dataDir, AGORA_SCRYPT_LOG_N: '10', DATABASE_URL: '' },
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'agora-cli-admin-'));
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function roleOf(email: string): Promise<string | undefined> {
  const db = openSqlite(dataDir);
  try {
    return (await db.selectFrom('users').select('role').where('email', '=', email).executeTakeFirst())?.role;
  } finally {
    await db.destroy();
  }
}

test('admin create makes an admin account; run again on the same email it keeps the account', async () => {
  const first = agora(['admin', 'create', '--email', 'Editor@Example.com', '--password', 'correct horse battery', '--name', 'Rédaction']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /created admin editor@example.com/);
  assert.equal(await roleOf('editor@example.com'), 'admin');
  const again = agora(['admin', 'create', '--email', 'editor@example.com']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /promoted admin/);
});

test('bad input is one clear line on stderr and a non-zero exit', () => {
  const weak = agora(['admin', 'create', '--email', 'x@example.com', '--password', 'short']);
  assert.equal(weak.code, 1);
  assert.equal(weak.stderr.trim(), 'agora: This password is too easy to guess. Use at least 10 characters.');
  // Long enough is not enough: the same strength rule as sign-up (issue 11), with the reason.
  const guessable = agora(['admin', 'create', '--email', 'y@example.com', '--password', 'password1234']);
  assert.equal(guessable.code, 1);
  assert.match(guessable.stderr.trim(), /^agora: This password is too easy to guess\. This is similar to a commonly used password\./);
  const missing = agora(['admin', 'create']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /--email/);
  const nobody = agora(['admin', 'moderator', '--email', 'nobody@example.com']);
  assert.equal(nobody.code, 1);
  assert.match(nobody.stderr, /no account with the email nobody@example.com/);
});

test('moderation retrain with no decisions says so', () => {
  const res = agora(['moderation', 'retrain']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /no site has moderator decisions yet/);
});

test('admin moderator --user=ID reaches an account without an email (a single sign-on reader)', async () => {
  const db = openSqlite(dataDir);
  try {
    // An id may begin with "-" (base64url): written --user=ID.
    await db.insertInto('users').values({ id: '-sso-reader-1', email: null, display_name: 'Zoé', password_hash: null, role: 'commenter', created_at: new Date().toISOString() }).execute();
  } finally {
    await db.destroy();
  }
  const res = agora(['admin', 'moderator', '--user=-sso-reader-1']);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /user -sso-reader-1: moderates every site/);
  const roles = openSqlite(dataDir);
  try {
    assert.equal((await roles.selectFrom('users').select('role').where('id', '=', '-sso-reader-1').executeTakeFirst())?.role, 'moderator');
  } finally {
    await roles.destroy();
  }
  const neither = agora(['admin', 'moderator']);
  assert.equal(neither.code, 1);
  assert.equal(neither.stderr.trim(), 'agora: give --email or --user (one of them)');
  const unknown = agora(['admin', 'moderator', '--user=nobody']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no account with the id nobody/);
});
