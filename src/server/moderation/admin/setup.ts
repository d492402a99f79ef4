import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import { withTx } from '../../storage/tx.js';
import { newId, nowIso } from '../../storage/ids.js';
import { hashPassword } from '../../users/passwords.js';
import { userWrites } from '../../users/writes.js';
import { assertStrongPassword } from '../../users/password-strength.js';
import type { Lang } from '../../../i18n/discussion.js';
import type { User } from '../../users/repository.js';
import { normaliseDisplayName, normaliseEmail } from '../../users/use-cases.js';
import { auditLog } from '../audit.js';
import { staffRepository } from './access.js';

const KEY = 'admin_setup_token';
const digest = (t: string) => createHash('sha256').update(t).digest('hex');

/**
 * First run: while no admin exists, a one-time setup token is made (a fresh one at each start; only its hash is
 * stored) and returned for the log, so whoever can read the server's log, and nobody else, can create the first
 * admin at /admin. Returns null once an admin exists.
 */
export async function issueSetupToken(db: Db): Promise<string | null> {
  if (await staffRepository(db).adminExists()) {
    await db.deleteFrom('meta').where('key', '=', KEY).execute();
    return null;
  }
  const token = randomBytes(18).toString('base64url');
  await db
    .insertInto('meta')
    .values({ key: KEY, value: digest(token) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: digest(token) }))
    .execute();
  return token;
}

/** True while the install has no admin (the console then offers the setup form). */
export async function needsSetup(db: Db): Promise<boolean> {
  return !(await staffRepository(db).adminExists());
}

/**
 * Creates an admin account, or makes an existing account (same email) an admin. Used by `agora admin create` and,
 * with a valid setup token, by the first-run form. Returns the user and whether it was created.
 */
export async function createAdmin(db: Db, input: { email: string; password?: string | undefined; displayName?: string | undefined; lang?: Lang | undefined }, scryptN: number): Promise<{ user: User; created: boolean }> {
  const email = normaliseEmail(input.email);
  const staff = staffRepository(db);
  const existing = await staff.findByEmail(email);
  if (existing) {
    // The same strength rule as every password (WEAK_PASSWORD says why).
    if (input.password !== undefined) await assertStrongPassword(input.password, { lang: input.lang ?? 'en', userInputs: [email] });
    const hash = input.password !== undefined ? await hashPassword(input.password, scryptN) : null;
    await withTx(db, async (tx) => {
      await staff.setRole(tx, existing.id, 'admin');
      if (hash) await userWrites.setPasswordHash(tx, existing.id, hash);
      await auditLog(db).record(tx, { siteId: null, actorId: null, action: 'user.role', targetType: 'user', targetId: existing.id, before: { role: existing.role }, after: { role: 'admin' } });
    });
    const row = await db.selectFrom('users').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow();
    return { user: { id: row.id, email: row.email, displayName: row.display_name, role: 'admin', createdAt: row.created_at }, created: false };
  }
  const displayName = normaliseDisplayName(input.displayName ?? email.split('@')[0] ?? 'Admin');
  if (input.password === undefined) throw new AppError('WEAK_PASSWORD');
  await assertStrongPassword(input.password, { lang: input.lang ?? 'en', userInputs: [email, displayName] });
  const user: User = { id: newId(), email, displayName, role: 'admin', createdAt: nowIso() };
  const hash = await hashPassword(input.password, scryptN);
  await withTx(db, async (tx) => {
    await userWrites.insert(tx, user, hash);
    await auditLog(db).record(tx, { siteId: null, actorId: null, action: 'user.role', targetType: 'user', targetId: user.id, before: null, after: { role: 'admin', created: true } });
  });
  return { user, created: true };
}

/** The first-run form: checks the setup token, then creates the first admin and retires the token. */
export async function completeSetup(db: Db, input: { token: string; email: string; password: string; displayName: string; lang?: Lang | undefined }, scryptN: number): Promise<User> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', KEY).executeTakeFirst();
  const a = Buffer.from(row?.value ?? '');
  const b = Buffer.from(digest(input.token));
  if (!row || a.length !== b.length || !timingSafeEqual(a, b) || !(await needsSetup(db))) throw new AppError('SETUP_TOKEN_INVALID');
  const { user } = await createAdmin(db, input, scryptN);
  await db.deleteFrom('meta').where('key', '=', KEY).execute();
  return user;
}
