import { AppError } from '../errors.js';
import type { Db } from '../storage/db.js';
import { withTx } from '../storage/tx.js';
import type { AccountMailDeps } from './account-mail.js';
import { issueVerification } from './verification.js';
import { newId, nowIso } from '../storage/ids.js';
import type { SessionKind, SessionOptions, SessionStore } from '../auth/sessions.js';
import type { Lang } from '../../i18n/discussion.js';
import { dummyHash, hashPassword, verifyPassword } from './passwords.js';
import { assertStrongPassword } from './password-strength.js';
import type { User, UsersRepository } from './repository.js';
import type { Gate } from './semaphore.js';

export interface AccountDeps {
  users: UsersRepository;
  sessions: SessionStore;
  scryptN: number;
  /** Every password hash and check goes through it: a bounded number at once, a bounded queue (semaphore.ts). */
  hashing: Gate;
  db: Db;
  /** Links sent by email (verification at sign-up, reset, email change): users/account-mail.ts. */
  mail: AccountMailDeps;
}

/** The sessions a sign-in opens: always a bearer token (scoped as given), and a cookie session on first-party pages. */
export interface SessionRequest {
  bearer: Pick<SessionOptions, 'scope' | 'siteId'>;
  cookie: boolean;
}

type Opened = Partial<Record<SessionKind, { token: string; id: string }>>;

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

/**
 * Creates an account, queues the link that verifies its address (in the same transaction) and opens its sessions;
 * throws WEAK_PASSWORD (the reason in `lang`) for a guessable password. `siteId`: the site the reader signs up on,
 * whose name the email carries.
 */
export async function signUp(deps: AccountDeps, input: { email: string; password: string; displayName: string; lang: Lang; siteId?: string | null }, open: SessionRequest): Promise<{ user: User; sessions: Opened }> {
  const email = normaliseEmail(input.email);
  const displayName = normaliseDisplayName(input.displayName);
  await assertStrongPassword(input.password, { lang: input.lang, userInputs: [email, displayName] });
  const user: User = { id: newId(), email, displayName, role: 'commenter', createdAt: nowIso() };
  const hash = await deps.hashing.run(() => hashPassword(input.password, deps.scryptN));
  await withTx(deps.db, async (tx) => {
    if (!(await deps.users.insert(user, hash, tx))) throw new AppError('EMAIL_TAKEN');
    await issueVerification(deps.mail, tx, { userId: user.id, email, lang: input.lang, siteId: input.siteId ?? null });
  });
  deps.mail.jobs.kick();
  return { user, sessions: await openSessions(deps, user.id, open) };
}

let cachedDummy: Promise<string> | undefined;

/** Checks a password against a stored hash (or, without one, a dummy taking the same time), within the hashing gate. */
async function checkPassword(deps: AccountDeps, password: string, stored: string | null | undefined): Promise<boolean> {
  return deps.hashing.run(async () => {
    if (stored) return verifyPassword(password, stored);
    // Spend the same time as a real check so response time does not reveal which emails have accounts.
    cachedDummy ??= dummyHash(deps.scryptN);
    await verifyPassword(password, await cachedDummy);
    return false;
  });
}

/** Checks credentials and opens sessions; throws INVALID_CREDENTIALS without telling which part was wrong. */
export async function logIn(deps: AccountDeps, input: { email: string; password: string }, open: SessionRequest): Promise<{ user: User; sessions: Opened }> {
  const email = input.email.trim().toLowerCase();
  const found = await deps.users.findByEmailWithHash(email);
  if (!(await checkPassword(deps, input.password, found?.passwordHash)) || !found) throw new AppError('INVALID_CREDENTIALS');
  return { user: found.user, sessions: await openSessions(deps, found.user.id, open) };
}

/** Checks the password again in an open session, which then counts as recently signed in; INVALID_CREDENTIALS if wrong. */
export async function reauthenticate(deps: AccountDeps, input: { userId: string; sessionId: string; password: string }): Promise<void> {
  if (!(await checkPassword(deps, input.password, await deps.users.passwordHash(input.userId)))) throw new AppError('INVALID_CREDENTIALS');
  await deps.sessions.markAuthenticated(input.sessionId);
}

async function openSessions(deps: AccountDeps, userId: string, open: SessionRequest): Promise<Opened> {
  const out: Opened = { bearer: await deps.sessions.create(userId, 'bearer', { ...open.bearer, authenticated: true }) };
  if (open.cookie) out.cookie = await deps.sessions.create(userId, 'cookie', { authenticated: true });
  return out;
}
