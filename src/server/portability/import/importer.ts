import type { Insertable } from 'kysely';
import { renderCommentBody } from '../../comments/markdown.js';
import type { Db } from '../../storage/db.js';
import type { CommentsTable } from '../../storage/schema.js';
import { nowIso } from '../../storage/ids.js';
import { prepareForBulkWrites } from '../../storage/bulk.js';
import { recount as recountStories, setStoryCounts } from '../../comments/counters.js';
import type { ChangeRunner } from '../../events/change.js';
import { createChanges } from '../../events/wiring.js';
import { auditLog } from '../../moderation/audit.js';
import { htmlToMarkdown, isBlankHtml } from './html-to-markdown.js';
import type { SkipReason, SourceFormat, SourcePost, SourceThread, ThreadProblem } from './model.js';
import { ImportPlan, type StoredParent } from './plan.js';
import { resolveStories, type StoryStats } from './stories.js';
import { authorResolver, importIds } from './writer.js';
import { insertComments, linkLateParents } from '../../comments/bulk.js';
import { streamXmlRecords } from './xml-stream.js';

/** What an import did, for the closing summary. */
export interface ImportSummary {
  source: SourceFormat['name'];
  siteId: string;
  stories: StoryStats;
  comments: { imported: number; alreadyImported: number; tombstones: number; pending: number; parentMissing: number };
  users: { created: number };
  skipped: Partial<Record<SkipReason, number>>;
  threadProblems: Partial<Record<ThreadProblem, number>>;
  durationMs: number;
}

/** A site that is not there, or another mistake of the operator's, told in one line. */
export class ImportError extends Error {}

export interface ImportOptions {
  db: Db;
  siteId: string;
  path: string;
  format: SourceFormat;
  /** Called as the file is read, once per pass: 'scan' reads structure, 'import' writes comments. */
  onProgress?: (phase: 'scan' | 'import', bytesRead: number, totalBytes: number) => void;
  /** Comments written per transaction: big enough to be fast, small enough that readers of a live server wait little. */
  batchSize?: number;
  /** The process's change runner (the command line's); made here when absent. */
  change?: ChangeRunner;
}

const count = <K extends string>(rec: Partial<Record<K, number>>, k: K) => {
  rec[k] = (rec[k] ?? 0) + 1;
};

/** Looks up comments of earlier imports that replies of this file name as their parent. */
async function storedParents(db: Db, siteId: string, provider: string, keys: string[]): Promise<Map<string, StoredParent>> {
  const out = new Map<string, StoredParent>();
  for (let at = 0; at < keys.length; at += 400) {
    const chunk = keys.slice(at, at + 400);
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

/**
 * Imports a Disqus or WordPress export into a site, in two streaming passes over the file. The first learns the
 * threads and the shape of the comment tree (ids only, see ImportPlan); then stories are found or made; the second
 * pass converts and writes comments in batched transactions, parents placed by the tree, wherever in the file
 * they appear. Re-running adds nothing: comments are keyed by (site, external id), authors by their identity.
 */
export async function importFile(opts: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { db, format } = opts;
  const change = opts.change ?? createChanges(db).change;
  const site = await db.selectFrom('sites').select(['id', 'origins', 'lang']).where('id', '=', opts.siteId).executeTakeFirst();
  if (!site) {
    const known = (await db.selectFrom('sites').select('id').orderBy('id').execute()).map((s) => s.id);
    throw new ImportError(`there is no site "${opts.siteId}"${known.length ? ` (sites: ${known.join(', ')})` : ' (this database has no site yet)'}`);
  }
  const summary: ImportSummary = {
    source: format.name,
    siteId: site.id,
    stories: { created: 0, existing: 0, folded: 0, closed: 0, problems: {} },
    comments: { imported: 0, alreadyImported: 0, tombstones: 0, pending: 0, parentMissing: 0 },
    users: { created: 0 },
    skipped: {},
    threadProblems: {},
    durationMs: 0,
  };

  await prepareForBulkWrites(db);

  // Pass 1: threads (kept whole, they are few and small) and the comment tree (keys only).
  const plan = new ImportPlan();
  const threads = new Map<string, SourceThread>();
  await streamXmlRecords({
    path: opts.path,
    isRecord: format.isRecord,
    onRoot: format.checkRoot,
    onProgress: (r, t) => opts.onProgress?.('scan', r, t),
    onRecords: (records) => {
      for (const rec of records) {
        const item = format.map(rec);
        if (item.kind === 'thread') {
          const t = item.thread;
          if ('problem' in t) count(summary.threadProblems, t.problem);
          else if (threads.has(t.key)) count(summary.threadProblems, 'duplicateId');
          else threads.set(t.key, t);
        } else if (item.kind === 'post') {
          const p = item.post;
          let skip = p.skip;
          if (!skip && !p.createdAt) skip = 'invalidDate';
          if (!skip && p.status !== 'deleted' && isBlankHtml(p.message)) skip = 'empty';
          if (plan.add({ ...p, skip }, rec.seq) === 'duplicate') count(summary.skipped, 'duplicate');
        }
      }
    },
  });

  const origins = JSON.parse(site.origins) as string[];
  const { byThread, stats } = await resolveStories(db, { id: site.id, lang: site.lang, origins }, threads, plan.threadsWithPosts());
  summary.stories = stats;
  for (const [k, v] of Object.entries(stats.problems)) summary.threadProblems[k as ThreadProblem] = (summary.threadProblems[k as ThreadProblem] ?? 0) + v;
  stats.problems = {};
  const inFile = new Set(threads.keys());
  threads.clear();
  const stored = await storedParents(db, site.id, format.name, plan.unknownParentKeys());
  plan.resolve({
    storyOf: (threadKey) => {
      if (threadKey === null) return { skip: 'orphan' };
      const s = byThread.get(threadKey);
      if (s) return s;
      // A thread that was in the file but could not become a story, or one that never was in the file.
      return { skip: inFile.has(threadKey) ? 'threadUnusable' : 'orphan' };
    },
    stored,
  });
  summary.comments.parentMissing = plan.parentMissing;
  const replyCounts = plan.replyCounts();
  // Stories this import created hold only its comments, written with their final counters; stories that were there
  // before (a re-run, live comments, replies to earlier imports) are recounted in the database at the end.
  const existing = new Set<string>([...byThread.values()].filter((s) => !s.created).map((s) => s.storyId));
  const recount = new Set<string>();
  const published = new Map<string, number>();
  for (const r of plan.skip) if (r !== null && r !== 'duplicate') count(summary.skipped, r);

  // Pass 2: convert and write, in file order; a reply whose parent comes later is linked at the end.
  const ids = await importIds(db);
  const authors = authorResolver({ siteId: site.id, provider: format.name, anonymousName: site.lang === 'fr' ? 'Anonyme' : 'Anonymous' });
  const late: { id: string; parentId: string }[] = [];
  const batchSize = opts.batchSize ?? 2000;
  let batch: { post: SourcePost; row: Insertable<CommentsTable> }[] = [];
  const storyOf = (i: number) => byThread.get(plan.threadKeyOf(i) as string)?.storyId as string;
  const idOfKey = (key: string) => ids(`${format.name}:${key}`);

  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    // Each batch is a change: its rows and one event per story it wrote to (live readers reload, caches drop).
    const inserted = await change(async (ch) => {
      const users = await authors.resolve(ch.tx, current.map((b) => b.post.author), current[0]?.row.created_at ?? nowIso());
      for (const b of current) b.row.author_id = users.get(b.post.author.subject) as string;
      const n = await insertComments(ch.tx, current.map((b) => b.row));
      if (n > 0) for (const storyId of new Set(current.map((b) => b.row.story_id as string))) ch.emit({ type: 'comments.bulk_written', siteId: site.id, storyId, inserted: n, source: 'import' });
      return n;
    });
    summary.comments.imported += inserted;
    // Recount only where something was written: a re-run that adds nothing recounts nothing. A comment already
    // stored under a new story (same external id, earlier import) makes that story's precomputed counts unsure.
    if (inserted > 0) for (const b of current) if (existing.has(b.row.story_id as string) || inserted < current.length) recount.add(b.row.story_id as string);
    summary.comments.alreadyImported += current.length - inserted;
  };

  await streamXmlRecords({
    path: opts.path,
    isRecord: format.isRecord,
    onRoot: format.checkRoot,
    onProgress: (r, t) => opts.onProgress?.('import', r, t),
    onRecords: async (records) => {
      for (const rec of records) {
        const item = format.map(rec);
        if (item.kind !== 'post') continue;
        const i = plan.indexAt(item.post.key, rec.seq);
        if (i === undefined || plan.skip[i] !== null) continue;
        const p = item.post;
        const place = plan.placementOf(i, idOfKey);
        const id = plan.idOf(i, idOfKey);
        if (place.parentId && plan.parentComesLater(i)) late.push({ id, parentId: place.parentId });
        const deleted = p.status === 'deleted';
        const body = deleted ? '' : htmlToMarkdown(p.message, { keepNewlines: p.keepNewlines });
        if (deleted) summary.comments.tombstones++;
        if (p.status === 'pending') summary.comments.pending++;
        const storyId = storyOf(i);
        if (p.status === 'published') published.set(storyId, (published.get(storyId) ?? 0) + 1);
        batch.push({
          post: p,
          row: {
            id,
            site_id: site.id,
            story_id: storyId,
            parent_id: plan.parentComesLater(i) ? null : place.parentId,
            root_id: place.rootId,
            depth: place.depth,
            in_reply_to_id: place.inReplyToId,
            author_id: '',
            body,
            body_html: deleted ? '' : renderCommentBody(body),
            status: p.status,
            created_at: p.createdAt as string,
            edited_at: null,
            deleted_at: deleted ? (p.createdAt as string) : null,
            reply_count: replyCounts[i] as number,
            external_id: `${format.name}:${p.key}`,
          },
        });
      }
      if (batch.length >= batchSize) await flush();
    },
  });
  await flush();
  summary.users.created = authors.created;
  // The end of an import is one change: late parents linked, counters set, the audit entry, and an event per story
  // so that pages cached meanwhile show the final counts.
  const touched = new Set([...published.keys(), ...recount]);
  await change(async (ch) => {
    await linkLateParents(ch.tx, late);
    await setStoryCounts(ch.tx, [...published].filter(([id]) => !recount.has(id)));
    await recountStories(ch.tx, recount);
    const { stories: st, comments, users: u } = summary;
    await auditLog(db).record(ch.tx, { siteId: site.id, actorId: null, action: 'comments.import', targetType: 'settings', targetId: site.id, before: null, after: { source: format.name, stories: st, comments, users: u } });
    if (summary.comments.imported > 0) for (const storyId of touched) ch.emit({ type: 'comments.bulk_written', siteId: site.id, storyId, inserted: 0, source: 'import' });
  });
  summary.durationMs = Date.now() - started;
  return summary;
}
