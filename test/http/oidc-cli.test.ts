import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { agora, dataDirWithSites } from '../fixtures/cli.js';

// The command line works on the SQLite database of a data dir (as an operator runs it); the use cases it calls are
// the API's, tested on both databases in oidc.test.ts.
test('agora site oidc add|list|remove: presets, the redirect URI to register, the secret never printed', async () => {
  const dataDir = await dataDirWithSites([{ id: 'paper', origins: ['https://paper.example'] }]);
  const env = { AGORA_PUBLIC_URL: 'https://comments.paper.example' };
  try {
    const add = await agora(['site', 'oidc', 'add', 'paper', '--preset', 'google', '--client-id', 'g-123.apps', '--client-secret', 'GOCSPX-very-secret-value'], { dataDir, env });
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /google {2}Google {2}https:\/\/accounts\.google\.com/);
    assert.match(add.stdout, /redirect URI to register with the provider: https:\/\/comments\.paper\.example\/auth\/oidc\/callback/);
    assert.ok(!add.stdout.includes('GOCSPX-very-secret-value'));

    const bad = await agora(['site', 'oidc', 'add', 'paper', '--slug', 'lan', '--label', 'LAN', '--issuer', 'https://192.168.1.10', '--client-id', 'x', '--client-secret', 'y'], { dataDir, env });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /public https URL/);

    const list = await agora(['site', 'oidc', 'list', 'paper', '--json'], { dataDir, env });
    assert.equal(list.code, 0, list.stderr);
    const body = JSON.parse(list.stdout) as { providers: { slug: string; clientSecretHint: string }[]; redirectUri: string };
    assert.deepEqual(body.providers.map((p) => [p.slug, p.clientSecretHint]), [['google', '…alue']]);
    assert.ok(!list.stdout.includes('GOCSPX-very-secret-value'));

    assert.equal((await agora(['site', 'oidc', 'remove', 'paper', 'google'], { dataDir, env })).code, 0);
    const again = await agora(['site', 'oidc', 'remove', 'paper', 'google'], { dataDir, env });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no such sign-in provider/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
