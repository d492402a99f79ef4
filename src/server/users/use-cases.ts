import { AppError } from '../errors.js';
import { newId, nowIso } from '../storage/ids.js';
import type { SessionKind, SessionStore } from '../auth/sessions.js';
import { dummyHash, hashPassword, verifyPassword } from './passwords.js';
import type { User, UsersRepository } from './repository.js';

export interface AccountDeps {
  users: UsersRepository;
  sessions: SessionStore;
  scryptN: number;
}

// Deliberately loose: the only real check of an address is mail reaching it. This rejects obvious typos.
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

/** Trims, folds case and checks an email; throws INVALID_EMAIL. */
export function normaliseEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (e.length > 254 || !EMAIL.test(e)) throw new AppError('INVALID_EMAIL');
  return e;
}

/** Collapses white space and strips control and invisible characters; throws INVALID_DISPLAY_NAME. */
export function normaliseDisplayName(name: string): string {
  const n = name
    .normalize('NFKC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  if ([...n].length < 1 || [...n].length > 50) throw new AppError('INVALID_DISPLAY_NAME');
  return n;
}

/** Creates an account and opens a session of the given kind. */
export async function signUp(
  deps: AccountDeps,
  input: { email: string; password: string; displayName: string },
  kinds: SessionKind[],
): Promise<{ user: User; sessions: Partial<Record<SessionKind, { token: string; id: string }>> }> {
  const email = normaliseEmail(input.email);
  const displayName = normaliseDisplayName(input.displayName);
  if ([...input.password].length < 10) throw new AppError('WEAK_PASSWORD');
  const user: User = { id: newId(), email, displayName, role: 'commenter', createdAt: nowIso() };
  const hash = await hashPassword(input.password, deps.scryptN);
  if (!(await deps.users.insert(user, hash))) throw new AppError('EMAIL_TAKEN');
  return { user, sessions: await openSessions(deps, user.id, kinds) };
}

let cachedDummy: Promise<string> | undefined;

/** Checks credentials and opens sessions; throws INVALID_CREDENTIALS without telling which part was wrong. */
export async function logIn(
  deps: AccountDeps,
  input: { email: string; password: string },
  kinds: SessionKind[],
): Promise<{ user: User; sessions: Partial<Record<SessionKind, { token: string; id: string }>> }> {
  const email = input.email.trim().toLowerCase();
  const found = await deps.users.findByEmailWithHash(email);
  if (!found?.passwordHash) {
    // Spend the same time as a real check so response time does not reveal which emails have accounts.
    cachedDummy ??= dummyHash(deps.scryptN);
    await verifyPassword(input.password, await cachedDummy);
    throw new AppError('INVALID_CREDENTIALS');
  }
  if (!(await verifyPassword(input.password, found.passwordHash))) throw new AppError('INVALID_CREDENTIALS');
  return { user: found.user, sessions: await openSessions(deps, found.user.id, kinds) };
}

async function openSessions(deps: AccountDeps, userId: string, kinds: SessionKind[]) {
  const out: Partial<Record<SessionKind, { token: string; id: string }>> = {};
  for (const kind of kinds) out[kind] = await deps.sessions.create(userId, kind);
  return out;
}
