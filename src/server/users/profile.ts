import { AppError } from '../errors.js';
import type { Db } from '../storage/db.js';
import { newId, nowIso } from '../storage/ids.js';
import type { User } from './repository.js';
import { normaliseDisplayName } from './use-cases.js';
import { userWrites } from './writes.js';

/** Display-name changes allowed per reader per day: enough to fix a typo, too few to impersonate in turn. */
export const NAME_CHANGES_PER_DAY = 3;

/** Changes the reader's display name; throws RATE_LIMITED (with Retry-After) past the daily allowance. */
export async function changeDisplayName(db: Db, user: User, raw: string, now = Date.now()): Promise<User> {
  const name = normaliseDisplayName(raw);
  if (name === user.displayName) return user;
  const since = nowIso(now - 86_400_000);
  const recent = await db.selectFrom('display_name_changes').select('created_at').where('user_id', '=', user.id).where('created_at', '>', since).orderBy('created_at').execute();
  if (recent.length >= NAME_CHANGES_PER_DAY) {
    const oldest = Date.parse(recent[0]?.created_at ?? nowIso(now));
    throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: Math.max(1, Math.ceil((oldest + 86_400_000 - now) / 1000)) });
  }
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('display_name_changes').values({ id: newId(), user_id: user.id, previous_name: user.displayName, created_at: nowIso(now) }).execute();
    await userWrites.setDisplayName(tx, user.id, name);
  });
  return { ...user, displayName: name };
}

/** One of the reader's own comments, with its story, for their profile page. */
export interface OwnComment {
  id: string;
  bodyHtml: string;
  status: string;
  createdAt: string;
  storyTitle: string;
  storyUrl: string;
}

/** The reader's latest comments on every site (they are theirs to see), deleted ones left out. */
export async function ownComments(db: Db, userId: string, limit = 50): Promise<OwnComment[]> {
  const rows = await db
    .selectFrom('comments as c')
    .innerJoin('stories as s', 's.id', 'c.story_id')
    .select(['c.id', 'c.body_html', 'c.status', 'c.created_at', 's.title', 's.url'])
    .where('c.author_id', '=', userId)
    .where('c.status', '!=', 'deleted')
    .orderBy('c.created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, bodyHtml: r.body_html, status: r.status, createdAt: r.created_at, storyTitle: r.title, storyUrl: r.url }));
}
