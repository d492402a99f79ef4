import type { Db } from '../../storage/db.js';
import type { StoredParent } from './plan.js';

const CHUNK = 400;

/** A post of the file, asked about by its external id. */
export interface Asked {
  index: number;
  externalId: string;
  createdAt: string | null;
}

/**
 * Which posts of the file this site already has from the same source, by their stored external id (never by a
 * derived comment id, so rows written before ids were scoped by site are found too). A stored row is the same comment
 * when its date is the post's date; a stored row with another date under the same id is another comment (a second
 * blog imported into the site): a conflict, never "already imported". Asks in chunks, as the first pass goes.
 */
export function knownComments(db: Db, siteId: string, found: (a: Asked, same: boolean, status: string) => void) {
  let asked: Asked[] = [];
  const flush = async () => {
    if (asked.length === 0) return;
    const batch = asked;
    asked = [];
    const rows = await db
      .selectFrom('comments')
      .select(['external_id', 'created_at', 'status'])
      .where('site_id', '=', siteId)
      .where('external_id', 'in', batch.map((a) => a.externalId))
      .execute();
    const byExt = new Map(rows.map((r) => [r.external_id as string, r]));
    for (const a of batch) {
      const row = byExt.get(a.externalId);
      if (row) found(a, row.created_at === a.createdAt, row.status);
    }
  };
  return {
    async ask(a: Asked): Promise<void> {
      asked.push(a);
      if (asked.length >= CHUNK) await flush();
    },
    flush,
  };
}

/** Comments of earlier imports that replies of this file name as their parent, with their stored ids. */
export async function storedParents(db: Db, siteId: string, provider: string, keys: string[]): Promise<Map<string, StoredParent>> {
  const out = new Map<string, StoredParent>();
  for (let at = 0; at < keys.length; at += CHUNK) {
    const chunk = keys.slice(at, at + CHUNK);
    const rows = await db
      .selectFrom('comments')
      .select(['id', 'story_id', 'parent_id', 'root_id', 'depth', 'external_id'])
      .where('site_id', '=', siteId)
      .where('external_id', 'in', chunk.map((k) => `${provider}:${k}`))
      .execute();
    for (const r of rows) out.set((r.external_id as string).slice(provider.length + 1), { id: r.id, storyId: r.story_id, parentId: r.parent_id, rootId: r.root_id, depth: r.depth });
  }
  return out;
}

/** What stands in the way of a batch of rows about to be written: ids already used, external ids already stored. */
export async function takenInBatch(q: Pick<Db, 'selectFrom'>, siteId: string, rows: { id: string; external_id?: string | null }[]): Promise<{ ids: Set<string>; sameComment: Set<string> }> {
  const ids = new Set<string>();
  const sameComment = new Set<string>();
  for (let at = 0; at < rows.length; at += CHUNK) {
    const chunk = rows.slice(at, at + CHUNK);
    const byId = await q
      .selectFrom('comments')
      .select(['id', 'site_id', 'external_id'])
      .where('id', 'in', chunk.map((r) => r.id))
      .execute();
    const byExt = await q
      .selectFrom('comments')
      .select(['id', 'external_id'])
      .where('site_id', '=', siteId)
      .where('external_id', 'in', chunk.map((r) => r.external_id ?? ''))
      .execute();
    const exts = new Set(byExt.map((r) => r.external_id));
    const mine = new Map(chunk.map((r) => [r.id, r.external_id]));
    for (const r of byId) if (!(r.site_id === siteId && r.external_id === mine.get(r.id))) ids.add(r.id);
    for (const r of chunk) if (exts.has(r.external_id ?? null)) sameComment.add(r.id);
  }
  return { ids, sameComment };
}
