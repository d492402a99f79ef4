import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors.js';
import { nowIso } from '../storage/ids.js';
import { withTx } from '../storage/tx.js';
import type { Lang } from '../../i18n/discussion.js';
import { queueLinkMail } from './account-mail.js';
import { hashPassword } from './passwords.js';
import { assertStrongPassword } from './password-strength.js';
import { normaliseEmail, type AccountDeps } from './use-cases.js';
import { userWrites } from './writes.js';

/**
 * A reset request answers no sooner than this after it arrived, whether or not the address has an account: an
 * account costs a transaction (a link and its mail job) that an unknown address does not, and the difference, a few
 * milliseconds, would otherwise tell which addresses have accounts.
 */
export const RESET_ANSWER_FLOOR_MS = 250;

/**
 * Sends a password-reset link to `email` when it is the address of an account that has a password. Says nothing
 * either way (unknown address, single sign-on or guest account: the same answer, in about the same time).
 */
export async function requestPasswordReset(deps: AccountDeps, input: { email: string; lang: Lang; siteId: string | null }, start = Date.now()): Promise<void> {
  const email = normaliseEmail(input.email);
  const found = await deps.users.findByEmailWithHash(email);
  if (found?.passwordHash) {
    const userId = found.user.id;
    await withTx(deps.db, async (tx) => {
      const id = await deps.mail.tokens.issue(tx, { userId, purpose: 'reset', email: null, lang: input.lang, siteId: input.siteId });
      await queueLinkMail(deps.mail, tx, id);
    });
  }
  const left = start + RESET_ANSWER_FLOOR_MS - Date.now();
  if (left > 0) await sleep(left);
  // Woken only now, so the worker's sending does not run in this answer's time either.
  if (found?.passwordHash) setImmediate(() => deps.mail.jobs.kick());
}

/**
 * Sets a new password with a reset link: the link is used up, every session of the account ends (whoever had the
 * old password is signed out) and the address counts as confirmed (the link reached it). INVALID_LINK when the link
 * is unknown, used or expired; WEAK_PASSWORD (why, in `lang`) before the link is used, so a reader may try again.
 */
export async function resetPassword(deps: AccountDeps, input: { token: string; password: string; lang: Lang }, now = Date.now()): Promise<{ userId: string }> {
  const link = await deps.mail.tokens.peek(input.token, 'reset', now);
  const user = link ? await deps.users.get(link.userId) : undefined;
  if (!link || !user) throw new AppError('INVALID_LINK');
  await assertStrongPassword(input.password, { lang: input.lang, userInputs: [user.email, user.displayName] });
  const hash = await deps.hashing.run(() => hashPassword(input.password, deps.scryptN));
  await withTx(deps.db, async (tx) => {
    // Used here, in the change itself: of two requests with one link, one changes the password, the other fails.
    if (!(await deps.mail.tokens.consume(tx, input.token, 'reset', now))) throw new AppError('INVALID_LINK');
    // The link reached the address: it is proven now, if it was not before.
    await userWrites.setPasswordHash(tx, user.id, hash, nowIso(now));
    await deps.sessions.revokeAll(user.id, null, tx);
  });
  return { userId: user.id };
}

/**
 * Changes the password of a signed-in reader whose password was checked recently (the caller's duty): every other
 * session ends, and so do pending reset links. FORBIDDEN for an account without a password (single sign-on).
 */
export async function changePassword(deps: AccountDeps, input: { userId: string; sessionId: string; password: string; lang: Lang }): Promise<void> {
  const c = await deps.users.credentials(input.userId);
  const user = await deps.users.get(input.userId);
  if (!c?.passwordHash || !user) throw new AppError('FORBIDDEN');
  await assertStrongPassword(input.password, { lang: input.lang, userInputs: [user.email, user.displayName] });
  const hash = await deps.hashing.run(() => hashPassword(input.password, deps.scryptN));
  await withTx(deps.db, async (tx) => {
    await userWrites.setPasswordHash(tx, input.userId, hash);
    await deps.sessions.revokeAll(input.userId, input.sessionId, tx);
    await deps.mail.tokens.revoke(tx, input.userId, 'reset');
  });
}
