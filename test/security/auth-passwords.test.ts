// Issue 11, finding 2: weak passwords were accepted (`aaaaaaaaaaaa`, `password1234`, twelve spaces). Every place a
// password is set now asks zxcvbn (common, English and French dictionaries) for a score of 3 or more, and says why
// not in the reader's language.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../src/server/errors.js';
import { createAdmin } from '../../src/server/moderation/admin/setup.js';
import { assertStrongPassword, MIN_PASSWORD_SCORE, estimateStrength } from '../../src/server/users/password-strength.js';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';

const WEAK = ['aaaaaaaaaaaa', 'password1234', ' '.repeat(12)];
const STRONG = 'lune rousse et thé vert';

let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let n = 0;

const signUp = (password: string, lang: string, extra: { email?: string; displayName?: string } = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    remoteAddress: `10.111.0.${++n}`,
    headers: { 'accept-language': lang },
    payload: { email: extra.email ?? `strength-${n}@example.com`, password, displayName: extra.displayName ?? 'Strength' },
  });
const error = (res: { json<T>(): T }) => res.json<{ error: { code: string; message: string } }>().error;

before(async () => {
  ({ app, deps, close } = await buildTestApp());
});
after(async () => close());

describe('password strength', () => {
  for (const password of WEAK) {
    test(`${JSON.stringify(password)} is refused at sign-up with WEAK_PASSWORD and the reason, in English and French`, async () => {
      const en = await signUp(password, 'en');
      assert.equal(en.statusCode, 400, en.body);
      assert.equal(error(en).code, 'WEAK_PASSWORD');
      assert.match(error(en).message, /^This password is too easy to guess\. \S/, 'the reason follows the verdict');
      const fr = await signUp(password, 'fr');
      assert.equal(fr.statusCode, 400);
      assert.equal(error(fr).code, 'WEAK_PASSWORD');
      assert.match(error(fr).message, /^Ce mot de passe est trop facile à deviner\. \S/);
      assert.notEqual(error(fr).message, error(en).message);
    });
  }

  test('the reasons name what is wrong: repetition, a common password, length', async () => {
    assert.match(error(await signUp('aaaaaaaaaaaa', 'en')).message, /Repeated characters/);
    assert.match(error(await signUp('aaaaaaaaaaaa', 'fr')).message, /caractères répétés/);
    assert.match(error(await signUp('password1234', 'en')).message, /commonly used password/);
    assert.match(error(await signUp('password1234', 'fr')).message, /mot de passe couramment utilisé/);
    assert.equal(error(await signUp('court', 'fr')).message, 'Ce mot de passe est trop facile à deviner. Utilisez au moins 10 caractères.');
    assert.equal(error(await signUp('short', 'en')).message, 'This password is too easy to guess. Use at least 10 characters.');
  });

  test('a password made of the reader’s own name is refused, saying so', async () => {
    const res = await signUp('margauxlefebvre', 'fr', { email: 'margaux.lefebvre@example.com', displayName: 'Margaux Lefebvre' });
    assert.equal(res.statusCode, 400);
    assert.match(error(res).message, /votre nom ou votre adresse e-mail/);
  });

  test('a passphrase of uncommon words is accepted, and no account is made for a refused one', async () => {
    const ok = await signUp(STRONG, 'fr');
    assert.equal(ok.statusCode, 201, ok.body);
    const refused = `strength-refused@example.com`;
    assert.equal((await signUp('password1234', 'en', { email: refused })).statusCode, 400);
    assert.equal(await deps.db.selectFrom('users').select('id').where('email', '=', refused).executeTakeFirst(), undefined);
  });

  test('the estimator scores the examples as expected (below and above the minimum)', async () => {
    for (const p of WEAK) assert.ok((await estimateStrength(p)).score < MIN_PASSWORD_SCORE, p);
    assert.ok((await estimateStrength(STRONG)).score >= MIN_PASSWORD_SCORE);
    await assert.rejects(assertStrongPassword('password1234', { lang: 'fr' }), (e: unknown) => e instanceof AppError && e.code === 'WEAK_PASSWORD' && /couramment/.test(e.details ?? ''));
    await assertStrongPassword(STRONG, { lang: 'en' });
  });

  test('admin creation (command line and first-run form) applies the same rule', async () => {
    for (const password of WEAK) {
      await assert.rejects(createAdmin(deps.db, { email: `admin-${++n}@example.com`, password }, deps.config.scryptN), (e: unknown) => e instanceof AppError && e.code === 'WEAK_PASSWORD');
    }
    const { created } = await createAdmin(deps.db, { email: `admin-${++n}@example.com`, password: STRONG }, deps.config.scryptN);
    assert.equal(created, true);
  });
});
