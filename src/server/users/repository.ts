import type { Kysely } from 'kysely';
import type { Db } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { userWrites } from './writes.js';

/** A reader or staff account. */
export interface User {
  id: string;
  email: string | null;
  displayName: string;
  role: 'commenter' | 'moderator' | 'admin';
  createdAt: string;
  /**
   * What single sign-on says of the account, when it was read with it (a signed-in request reads it in the same
   * query as the session): the site whose SSO made it, and the profile it last gave. Absent: not read, ask sso/.
   */
  sso?: { homeSiteId: string | null; profile: { siteId: string; avatar: string | null; badges: string; role: string | null } | null };
}

type Row = { id: string; email: string | null; display_name: string; role: string; created_at: string };

/** A user row as the domain sees it. */
export function toUser(row: Row): User {
  const role = row.role === 'admin' || row.role === 'moderator' ? row.role : 'commenter';
  return { id: row.id, email: row.email, displayName: row.display_name, role, createdAt: row.created_at };
}

/** Users storage. */
export function usersRepository(db: Db) {
  return {
    async get(id: string): Promise<User | undefined> {
      const row = await db.selectFrom('users').select(['id', 'email', 'display_name', 'role', 'created_at']).where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },
    async findByEmailWithHash(email: string): Promise<{ user: User; passwordHash: string | null } | undefined> {
      const row = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined;
    },
    /** Whether the account's address is confirmed, with its password hash (null: none, e.g. single sign-on). */
    async credentials(id: string): Promise<{ email: string | null; verified: boolean; passwordHash: string | null } | undefined> {
      const row = await db.selectFrom('users').select(['email', 'email_verified_at', 'password_hash']).where('id', '=', id).executeTakeFirst();
      return row ? { email: row.email, verified: row.email_verified_at !== null, passwordHash: row.password_hash } : undefined;
    },
    /** The stored password hash of an account; null when it has none (single sign-on, imported), undefined when unknown. */
    async passwordHash(id: string): Promise<string | null | undefined> {
      const row = await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirst();
      return row ? row.password_hash : undefined;
    },
    /** Inserts a user; returns false when the email is taken (unique constraint), so callers need no race-prone pre-check. */
    async insert(user: User, passwordHash: string, q: Kysely<Database> = db): Promise<boolean> {
      return userWrites.insert(q, user, passwordHash, { ifEmailFree: true });
    },
  };
}
export type UsersRepository = ReturnType<typeof usersRepository>;
