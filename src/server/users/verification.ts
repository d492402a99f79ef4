import { AppError } from '../errors.js';
import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import { withTx, type Queryable } from '../storage/tx.js';
import type { Story } from '../stories/repository.js';
import type { Lang } from '../../i18n/discussion.js';
import { queueChangeNotice, queueLinkMail, type AccountMailDeps } from './account-mail.js';
import type { User } from './repository.js';
import { normaliseEmail } from './use-cases.js';
import { userWrites } from './writes.js';

/** Records a link that verifies `email` for the account, and its mail, in `q` (the caller's transaction). */
export async function issueVerification(deps: AccountMailDeps, q: Queryable, v: { userId: string; email: string; lang: Lang; siteId: string | null }): Promise<void> {
  const id = await deps.tokens.issue(q, { userId: v.userId, purpose: 'verify', email: v.email, lang: v.lang, siteId: v.siteId });
  await queueLinkMail(deps, q, id);
}

/**
 * Sends the account's verification link again. Returns the address it went to, or null when there is nothing to
 * verify (no address of ours, or already confirmed).
 */
export async function resendVerification(deps: AccountMailDeps & { db: Db }, userId: string, lang: Lang, siteId: string | null): Promise<string | null> {
  const c = await deps.users.credentials(userId);
  if (!c?.email || c.verified) return null;
  const email = c.email;
  await withTx(deps.db, (tx) => issueVerification(deps, tx, { userId, email, lang, siteId }));
  deps.jobs.kick();
  return email;
}

const isUniqueViolation = (err: unknown) => /unique|duplicate/i.test(err instanceof Error ? err.message : '');

/**
 * Uses a verification link: the account's address is confirmed, or, for a change of address, the new one replaces
 * it (confirmed by that very link). INVALID_LINK when the link is unknown, used or expired; EMAIL_TAKEN when
 * another account took the new address meanwhile (the link is then not used up).
 */
export async function confirmEmail(deps: AccountMailDeps & { db: Db }, token: string, now = Date.now()): Promise<{ userId: string; email: string }> {
  return withTx(deps.db, async (tx) => {
    const t = await deps.tokens.consume(tx, token, 'verify', now);
    if (!t?.email) throw new AppError('INVALID_LINK');
    const email = t.email;
    const taken = await tx.selectFrom('users').select('id').where('email', '=', email).where('id', '!=', t.userId).executeTakeFirst();
    if (taken) throw new AppError('EMAIL_TAKEN');
    try {
      await userWrites.setVerifiedEmail(tx, t.userId, email, nowIso(now));
    } catch (err) {
      // Two accounts confirming the same new address at once: the unique index decides, the loser is told why.
      if (isUniqueViolation(err)) throw new AppError('EMAIL_TAKEN', undefined, { cause: err });
      throw err;
    }
    return { userId: t.userId, email };
  });
}

/**
 * Asks to change the account's address: a link goes to the new address (the change happens when it is opened) and
 * a notice to the current one, so a stolen session cannot take the account over unseen. The caller checked the
 * password recently. Returns the normalised new address.
 */
export async function requestEmailChange(deps: AccountMailDeps & { db: Db }, user: Pick<User, 'id' | 'email'>, rawEmail: string, lang: Lang, siteId: string | null): Promise<string> {
  const email = normaliseEmail(rawEmail);
  if (!user.email) throw new AppError('FORBIDDEN');
  if (email === user.email) throw new AppError('EMAIL_TAKEN');
  // Saying so here tells a signed-in reader no more than sign-up already would.
  if (await deps.users.findByEmailWithHash(email)) throw new AppError('EMAIL_TAKEN');
  const current = user.email;
  await withTx(deps.db, async (tx) => {
    await issueVerification(deps, tx, { userId: user.id, email, lang, siteId });
    await queueChangeNotice(deps, tx, { to: current, newEmail: email, lang, siteId });
  });
  deps.jobs.kick();
  return email;
}

/** Whether a site refuses posts from accounts whose address is not confirmed (`accounts.requireVerifiedEmail`). */
export function requiresVerifiedEmail(settingsJson: string): boolean {
  try {
    const s = JSON.parse(settingsJson) as { accounts?: { requireVerifiedEmail?: unknown } } | null;
    return s?.accounts?.requireVerifiedEmail === true;
  } catch {
    return false;
  }
}

/** Sets `accounts.requireVerifiedEmail` in a site's settings, keeping every other feature's keys. False: no such site. */
export async function setRequireVerifiedEmail(db: Db, siteId: string, on: boolean): Promise<boolean> {
  const site = await db.selectFrom('sites').select('settings').where('id', '=', siteId).executeTakeFirst();
  if (!site) return false;
  let all: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(site.settings);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) all = parsed as Record<string, unknown>;
  } catch {
    // A corrupt value is replaced by one that holds at least this setting.
  }
  const accounts = all.accounts && typeof all.accounts === 'object' ? (all.accounts as Record<string, unknown>) : {};
  await db.updateTable('sites').set({ settings: JSON.stringify({ ...all, accounts: { ...accounts, requireVerifiedEmail: on } }) }).where('id', '=', siteId).execute();
  return true;
}

/**
 * Refuses a post with EMAIL_NOT_VERIFIED when the story's site requires confirmed addresses and the author's local
 * account has not confirmed its own. Staff, and accounts without an address of ours (single sign-on, guests: the
 * publisher or the anti-spam challenge vouches for them), pass. One query, read only for local accounts.
 */
export async function assertEmailVerified(db: Db, story: Pick<Story, 'siteId'>, author: Pick<User, 'id' | 'role' | 'email'>): Promise<void> {
  if (author.role !== 'commenter' || !author.email) return;
  const row = await db
    .selectFrom('users as u')
    .innerJoin('sites as s', (j) => j.on('s.id', '=', story.siteId))
    .select(['u.email_verified_at', 's.settings'])
    .where('u.id', '=', author.id)
    .executeTakeFirst();
  if (row && row.email_verified_at === null && requiresVerifiedEmail(row.settings)) throw new AppError('EMAIL_NOT_VERIFIED');
}
