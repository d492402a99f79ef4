import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from '../../src/server/users/passwords.js';

// A low cost keeps the test quick; the format and the checks are the same at the production cost.
const N = 2 ** 10;

describe('password hashing', () => {
  test('the stored format is scrypt$N$r$p$salt$hash, so the cost can be raised later', async () => {
    const h = await hashPassword('correct horse battery', N);
    assert.match(h, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  test('the password itself is not in the hash', async () => {
    const h = await hashPassword('correct horse battery', N);
    assert.ok(!h.includes('correct horse battery'));
  });

  test('the right password verifies', async () => {
    assert.equal(await verifyPassword('correct horse battery', await hashPassword('correct horse battery', N)), true);
  });

  test('a wrong password does not, even one character off or in another case', async () => {
    const h = await hashPassword('correct horse battery', N);
    assert.equal(await verifyPassword('correct horse batterY', h), false);
    assert.equal(await verifyPassword('correct horse batter', h), false);
    assert.equal(await verifyPassword('', h), false);
  });

  test('two hashes of one password differ (salted), and both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('same password', N), hashPassword('same password', N)]);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('same password', a), true);
    assert.equal(await verifyPassword('same password', b), true);
  });

  test('a hash made with another cost still verifies (the cost is read from the hash)', async () => {
    const h = await hashPassword('older password', 2 ** 11);
    assert.equal(await verifyPassword('older password', h), true);
  });

  test('non-ASCII passwords work', async () => {
    const h = await hashPassword('mot de passe très sûr ✓', N);
    assert.equal(await verifyPassword('mot de passe très sûr ✓', h), true);
    assert.equal(await verifyPassword('mot de passe tres sur ✓', h), false);
  });

  describe('a malformed stored hash never lets anyone in and never throws', () => {
    let parts: string[] = [];
    before(async () => {
      parts = (await hashPassword('the real password', N)).split('$');
    });

    const malformed: [string, (p: string[]) => string][] = [
      ['an empty string', () => ''],
      ['another scheme', ([, n, r, p, salt, key]) => `bcrypt$${n}$${r}$${p}$${salt}$${key}`],
      ['too few parts', ([, n, r, p, salt]) => `scrypt$${n}$${r}$${p}$${salt}`],
      ['too many parts', (p) => `${p.join('$')}$extra`],
      ['an empty key (would compare two empty buffers)', ([, n, r, p, salt]) => `scrypt$${n}$${r}$${p}$${salt}$`],
      ['a non-numeric cost', ([, , r, p, salt, key]) => `scrypt$abc$${r}$${p}$${salt}$${key}`],
      ['a cost that is not a power of two', ([, , r, p, salt, key]) => `scrypt$1000$${r}$${p}$${salt}$${key}`],
      ['every field empty', () => 'scrypt$$$$$'],
    ];
    for (const [name, make] of malformed) {
      test(name, async () => {
        const stored = make(parts);
        let result: boolean | Error;
        try {
          result = await verifyPassword('the real password', stored);
        } catch (err) {
          result = err as Error;
        }
        assert.equal(result, false, `verifyPassword(…, ${JSON.stringify(stored)}) gave ${String(result)}`);
      });
    }
  });
});
