import type { Queryable } from '../storage/tx.js';
import type { User } from './repository.js';

/**
 * Every write to `users`: the users module owns the table (ADR 0026), and other modules (single sign-on, guests,
 * OpenID Connect, staff setup, erasure) call these inside their own change's transaction, passed as `q`. One place
 * then holds what a row may become: the columns an erasure clears, the roles an account may take, the email that
 * needs a free address.
 */
export const userWrites = {
  /**
   * A new account with an email and a password (sign-up, the first admin). `ifEmailFree`: returns false instead of
   * failing when the address is taken (the unique index decides, so callers need no race-prone pre-check).
   */
  async insert(q: Queryable, user: User, passwordHash: string | null, opts: { ifEmailFree?: boolean } = {}): Promise<boolean> {
    let insert = q
      .insertInto('users')
      .values({ id: user.id, email: user.email, display_name: user.displayName, password_hash: passwordHash, role: user.role, created_at: user.createdAt });
    if (opts.ifEmailFree) insert = insert.onConflict((oc) => oc.column('email').doNothing());
    const res = await insert.executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  /** Accounts with no email and no password, for identities seen the first time (see identities.ts). */
  async insertBare(q: Queryable, rows: readonly { id: string; displayName: string }[], createdAt: string): Promise<void> {
    if (rows.length === 0) return;
    await q
      .insertInto('users')
      .values(rows.map((r) => ({ id: r.id, email: null, display_name: r.displayName, password_hash: null, role: 'commenter', created_at: createdAt })))
      .execute();
  },

  /** Removes accounts made in this transaction that lost a race for their identity (never an account in use). */
  async removeUnused(q: Queryable, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await q.deleteFrom('users').where('id', 'in', [...ids]).execute();
  },

  async setRole(q: Queryable, userId: string, role: User['role']): Promise<void> {
    await q.updateTable('users').set({ role }).where('id', '=', userId).execute();
  },

  async setDisplayName(q: Queryable, userId: string, name: string): Promise<void> {
    await q.updateTable('users').set({ display_name: name }).where('id', '=', userId).execute();
  },

  /** A new password; `verifiedAt`: the address is proven too (a reset link reached it), unless it already was. */
  async setPasswordHash(q: Queryable, userId: string, hash: string, verifiedAt?: string): Promise<void> {
    await q
      .updateTable('users')
      .set((eb) => (verifiedAt === undefined ? { password_hash: hash } : { password_hash: hash, email_verified_at: eb.fn.coalesce('email_verified_at', eb.val(verifiedAt)) }))
      .where('id', '=', userId)
      .execute();
  },

  /** A confirmed address (an emailed link was followed); the unique index refuses one another account holds. */
  async setVerifiedEmail(q: Queryable, userId: string, email: string, at: string): Promise<void> {
    await q.updateTable('users').set({ email, email_verified_at: at }).where('id', '=', userId).execute();
  },

  /** An address for an account that has none (an identity provider's verified email); never replaces one. */
  async claimEmail(q: Queryable, userId: string, email: string): Promise<void> {
    await q.updateTable('users').set({ email }).where('id', '=', userId).where('email', 'is', null).execute();
  },

  /** Erasure: the row stays (comments keep their tombstones) with nothing left that names or reaches the person. */
  async scrub(q: Queryable, userId: string, name: string): Promise<void> {
    await q.updateTable('users').set({ email: null, password_hash: null, display_name: name, role: 'commenter' }).where('id', '=', userId).execute();
  },
};
