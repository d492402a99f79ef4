import type { Kysely } from 'kysely';
import { newId, nowIso } from '../storage/ids.js';
import type { Database } from '../storage/schema.js';
import type { Queryable } from '../storage/tx.js';
import { userWrites } from './writes.js';

/** An account known to a site through another system: single sign-on, a guest's token, an imported author. */
export interface Identity {
  siteId: string;
  /** 'sso', 'guest', or the import source ('disqus', 'wordpress'). */
  provider: string;
  subject: string;
  displayName: string;
  /** The id a new account takes, for a caller that must name it before it exists (a guest's first comment). */
  newUserId?: string | undefined;
  /**
   * An existing account this identity is linked to on first use, instead of a new one (an identity provider's
   * verified email matching an account: oidc/sign-in.ts). The account is never removed if the identity was taken.
   */
  linkTo?: string | undefined;
}

const CHUNK = 400;

/**
 * The accounts behind identities, creating those not seen before: the one place such accounts are made. Accounts
 * made here have no email and no password. Two first uses racing agree on one account: the identity's primary key
 * decides, and the loser's fresh user row is removed in the same transaction. Returns the user id by subject and
 * which subjects were new (linked to an existing account counts as new). Runs in `tx`, the caller's change.
 */
export async function findOrCreateIdentities(tx: Kysely<Database>, list: readonly Identity[], createdAt = nowIso()): Promise<{ ids: Map<string, string>; created: Set<string> }> {
  const ids = new Map<string, string>();
  const created = new Set<string>();
  const groups = new Map<string, Identity[]>();
  for (const i of list) {
    const k = `${i.siteId}\u0000${i.provider}`;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  }
  for (const group of groups.values()) {
    const { siteId, provider } = group[0] as Identity;
    const wanted = new Map(group.map((i) => [i.subject, i]));
    const subjects = [...wanted.keys()];
    for (let at = 0; at < subjects.length; at += CHUNK) for (const r of await existing(tx, siteId, provider, subjects.slice(at, at + CHUNK))) ids.set(r.subject, r.user_id);
    const missing = subjects.filter((s) => !ids.has(s));
    for (let at = 0; at < missing.length; at += CHUNK) {
      const chunk = missing.slice(at, at + CHUNK).map((s) => {
        const i = wanted.get(s) as Identity;
        return { i, id: i.linkTo ?? i.newUserId ?? newId(), fresh: i.linkTo === undefined };
      });
      const fresh = chunk.filter((c) => c.fresh);
      await userWrites.insertBare(tx, fresh.map(({ i, id }) => ({ id, displayName: i.displayName })), createdAt);
      await tx
        .insertInto('user_identities')
        .values(chunk.map(({ i, id }) => ({ site_id: siteId, provider, subject: i.subject, user_id: id, created_at: nowIso() })))
        .onConflict((oc) => oc.columns(['site_id', 'provider', 'subject']).doNothing())
        .execute();
      // Whoever won each identity is its account; a fresh row that lost the race goes.
      const won = new Map((await existing(tx, siteId, provider, chunk.map((c) => c.i.subject))).map((r) => [r.subject, r.user_id]));
      const lost = fresh.filter((c) => won.get(c.i.subject) !== c.id).map((c) => c.id);
      await userWrites.removeUnused(tx, lost);
      for (const c of chunk) {
        ids.set(c.i.subject, won.get(c.i.subject) as string);
        if (won.get(c.i.subject) === c.id) created.add(c.i.subject);
      }
    }
  }
  return { ids, created };
}

function existing(q: Queryable, siteId: string, provider: string, subjects: string[]) {
  return q.selectFrom('user_identities').select(['subject', 'user_id']).where('site_id', '=', siteId).where('provider', '=', provider).where('subject', 'in', subjects).execute();
}

/** One identity's account (see findOrCreateIdentities). */
export async function findOrCreateIdentity(tx: Kysely<Database>, i: Identity): Promise<{ userId: string; created: boolean }> {
  const { ids, created } = await findOrCreateIdentities(tx, [i]);
  return { userId: ids.get(i.subject) as string, created: created.has(i.subject) };
}
