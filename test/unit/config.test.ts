import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../src/server/config.js';

const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError, nothing was thrown');
}

describe('loadConfig', () => {
  test('an empty environment gives working defaults', () => {
    const c = loadConfig(env({}));
    assert.equal(c.port, 8080);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.publicUrl, 'http://localhost:8080');
    assert.equal(c.dataDir, resolve('./data'));
    assert.deepEqual(c.demoAllowedOrigins, []);
    assert.equal(c.seedDemo, true);
    assert.equal(c.maxCommentLength, 5000);
    assert.equal(c.scryptN, 2 ** 15);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.loginMaxAttempts, 10);
    assert.equal(c.loginWindowMs, 300_000);
    assert.equal(c.trustProxy, false);
  });

  test('loadConfig reads the environment it is given, not the process’s', () => {
    const before = process.env.PORT;
    process.env.PORT = 'not a port';
    try {
      assert.equal(loadConfig(env({})).port, 8080);
    } finally {
      if (before === undefined) delete process.env.PORT;
      else process.env.PORT = before;
    }
  });

  test('PORT sets the port and the default public URL', () => {
    const c = loadConfig(env({ PORT: '3000' }));
    assert.equal(c.port, 3000);
    assert.equal(c.publicUrl, 'http://localhost:3000');
  });

  test('an empty PORT means the default', () => {
    assert.equal(loadConfig(env({ PORT: '' })).port, 8080);
  });

  for (const bad of ['abc', '70000', '-1', '80.5', '65536']) {
    test(`PORT=${bad} is refused with a message naming the variable, the range and the value`, () => {
      const err = configError(() => loadConfig(env({ PORT: bad })));
      assert.match(err.message, /PORT/);
      assert.match(err.message, /0 and 65535/);
      assert.ok(err.message.includes(`"${bad}"`), err.message);
    });
  }

  test('other numeric variables are checked the same way', () => {
    assert.match(configError(() => loadConfig(env({ AGORA_MAX_COMMENT_LENGTH: '10' }))).message, /AGORA_MAX_COMMENT_LENGTH/);
    assert.match(configError(() => loadConfig(env({ AGORA_LOGIN_MAX_ATTEMPTS: '0' }))).message, /AGORA_LOGIN_MAX_ATTEMPTS/);
    assert.equal(loadConfig(env({ AGORA_LOGIN_WINDOW_SECONDS: '60' })).loginWindowMs, 60_000);
    assert.equal(loadConfig(env({ AGORA_SCRYPT_LOG_N: '12' })).scryptN, 4096);
  });

  test('AGORA_ALLOWED_ORIGINS: comma separated, trimmed, reduced to origins, empty entries ignored', () => {
    const c = loadConfig(env({ AGORA_ALLOWED_ORIGINS: ' https://News.Example/some/page?x=1 , http://blog.example:8081,, ' }));
    assert.deepEqual(c.demoAllowedOrigins, ['https://news.example', 'http://blog.example:8081']);
  });

  for (const bad of ['ftp://files.example', 'news.example', 'javascript:alert(1)']) {
    test(`AGORA_ALLOWED_ORIGINS with ${bad} is refused and the message names the entry`, () => {
      const err = configError(() => loadConfig(env({ AGORA_ALLOWED_ORIGINS: `https://ok.example,${bad}` })));
      assert.match(err.message, /AGORA_ALLOWED_ORIGINS/);
      assert.ok(err.message.includes(bad), err.message);
    });
  }

  test('AGORA_PUBLIC_URL is reduced to its origin', () => {
    assert.equal(loadConfig(env({ AGORA_PUBLIC_URL: 'https://comments.example/some/path/' })).publicUrl, 'https://comments.example');
    assert.match(configError(() => loadConfig(env({ AGORA_PUBLIC_URL: 'comments.example' }))).message, /AGORA_PUBLIC_URL/);
  });

  test('AGORA_DATA_DIR is used, made absolute', () => {
    assert.equal(loadConfig(env({ AGORA_DATA_DIR: '/var/lib/agora' })).dataDir, '/var/lib/agora');
    assert.equal(loadConfig(env({ AGORA_DATA_DIR: 'relative/dir' })).dataDir, resolve('relative/dir'));
  });

  test('flags: AGORA_SEED_DEMO=false and AGORA_TRUST_PROXY=true', () => {
    const c = loadConfig(env({ AGORA_SEED_DEMO: 'false', AGORA_TRUST_PROXY: 'true' }));
    assert.equal(c.seedDemo, false);
    assert.equal(c.trustProxy, true);
  });

  test('AGORA_WEBHOOK_ALLOW_PRIVATE: off by default, true or false only (a typo must not decide a security boundary)', () => {
    assert.equal(loadConfig(env({})).webhookAllowPrivate, false);
    assert.equal(loadConfig(env({ AGORA_WEBHOOK_ALLOW_PRIVATE: '' })).webhookAllowPrivate, false);
    assert.equal(loadConfig(env({ AGORA_WEBHOOK_ALLOW_PRIVATE: 'true' })).webhookAllowPrivate, true);
    assert.equal(loadConfig(env({ AGORA_WEBHOOK_ALLOW_PRIVATE: 'false' })).webhookAllowPrivate, false);
    for (const bad of ['yes', '1', 'TRUE']) {
      const err = configError(() => loadConfig(env({ AGORA_WEBHOOK_ALLOW_PRIVATE: bad })));
      assert.match(err.message, /AGORA_WEBHOOK_ALLOW_PRIVATE must be true or false/);
      assert.ok(err.message.includes(`"${bad}"`), err.message);
    }
  });

  test('explicit overrides win over the environment', () => {
    const c = loadConfig(env({ PORT: '3000' }), { port: 4000, maxCommentLength: 100 });
    assert.equal(c.port, 4000);
    assert.equal(c.maxCommentLength, 100);
  });
});
