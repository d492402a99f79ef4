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
import type { Tx } from '../../storage/tx.js';
import { HELD_REASONS, type ConflictKind, type HeldReason, type SkipReason, type SourceFormat, type SourcePost, type SourceThread, type ThreadProblem } from './model.js';
import { fingerprint, ImportPlan } from './plan.js';
import { knownComments, storedParents, takenInBatch } from './known.js';
import { resolveStories, type StoryStats, type ThreadStory } from './stories.js';
import { authorResolver, importIds } from './writer.js';
import { insertComments, linkLateParents } from '../../comments/bulk.js';
import { streamXmlRecords } from './xml-stream.js';

/** What an import did (or, in a dry run, would do), for the closing summary. */
export interface ImportSummary {
  source: SourceFormat['name'];
  siteId: string;
  /** Nothing was written: the file was read, planned and counted. */
  dryRun: boolean;
  stories: StoryStats;
  comments: { imported: number; alreadyImported: number; tombstones: number; pending: number; parentMissing: number };
  /** Comments of posts that were not public, imported as held for review, by reason (see HELD_REASONS). */
  held: Partial<Record<HeldReason, number>>;
  /** Comments lost to a conflict, by kind, with up to ten of their source ids (see CONFLICTS). */
  conflicts: Partial<Record<ConflictKind, { count: number; ids: string[] }>>;
  /** Records refused by the per-record bounds, each named (up to twenty) with the bound it broke. */
  rejected: { count: number; records: { record: string; reason: string }[] };
  /**
   * Comments an earlier import published although their post was not public (before such comments were held): left
   * as they are (a moderator may have seen them since), counted with up to ten source ids so that they can be reviewed.
   */
  publicOnHiddenPosts: { count: number; ids: string[] };
  users: { created: number };
  skipped: Partial<Record<SkipReason, number>>;
  threadProblems: Partial<Record<ThreadProblem, number>>;
  durationMs: number;
}

/** True when the import lost comments to conflicts or rejected records: the command exits non-zero. */
export function hasLosses(s: ImportSummary): boolean {
  return s.rejected.count > 0 || Object.values(s.conflicts).some((c) => c.count > 0);
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
  /** Read, plan and count; write nothing. */
  dryRun?: boolean;
}

const count = <K extends string>(rec: Partial<Record<K, number>>, k: K) => {
  rec[k] = (rec[k] ?? 0) + 1;
};

const conflict = (s: ImportSummary, kind: ConflictKind, id: string) => {
  const c = (s.conflicts[kind] ??= { count: 0, ids: [] });
  c.count++;
  if (c.ids.length < 10) c.ids.push(id);
};

/** The verdict stored with a comment held because its post was not public: what the moderator reads in the queue. */
const heldVerdict = (reason: HeldReason) =>
  JSON.stringify({ action: 'hold', reasons: [{ phase: 'import', code: `import_${reason}`, message: `Imported ${HELD_REASONS[reason]}.` }], scores: {} });

/** WordPress attachments are as visible as the post they belong to: their threads take that post's visibility. */
function inheritVisibility(threads: Map<string, SourceThread>): void {
  const byPost = new Map<string, SourceThread>();
  for (const t of threads.values()) if (t.postId) byPost.set(t.postId, t);
  for (const t of threads.values()) if (t.inheritFrom) t.hidden = byPost.get(t.inheritFrom)?.hidden ?? null;
}

/**
 * Imports a Disqus or WordPress export into a site, in two streaming passes over the file. The first learns the
 * threads and the shape of the comment tree (ids only, see ImportPlan) and which posts the site already has; then
 * stories are found or made; the second pass converts and writes comments in batched changes, parents placed by the
 * tree, wherever in the file they appear. Re-running adds nothing: comments are keyed by (site, external id),
 * authors by their identity. Comments of posts that were not public are held for review, never published.
 */
export async function importFile(opts: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { db, format } = opts;
  const dryRun = opts.dryRun ?? false;
  const change = opts.change ?? createChanges(db).change;
  const site = await db.selectFrom('sites').select(['id', 'origins', 'lang']).where('id', '=', opts.siteId).executeTakeFirst();
  if (!site) {
    const known = (await db.selectFrom('sites').select('id').orderBy('id').execute()).map((s) => s.id);
    throw new ImportError(`there is no site "${opts.siteId}"${known.length ? ` (sites: ${known.join(', ')})` : ' (this database has no site yet)'}`);
  }
  const summary: ImportSummary = {
    source: format.name,
    siteId: site.id,
    dryRun,
    stories: { created: 0, existing: 0, folded: 0, closed: 0, unlisted: 0, relative: 0, problems: {} },
    comments: { imported: 0, alreadyImported: 0, tombstones: 0, pending: 0, parentMissing: 0 },
    held: {},
    conflicts: {},
    rejected: { count: 0, records: [] },
    publicOnHiddenPosts: { count: 0, ids: [] },
    users: { created: 0 },
    skipped: {},
    threadProblems: {},
    durationMs: 0,
  };

  if (!dryRun) await prepareForBulkWrites(db);

  // Pass 1: threads (kept whole, they are few and small), the comment tree (keys only), and which posts this site
  // already has from this source.
  const plan = new ImportPlan();
  const threads = new Map<string, SourceThread>();
  const publicStored: number[] = [];
  const known = knownComments(db, site.id, (a, same, status) => {
    if (same) {
      plan.skip[a.index] = 'stored';
      summary.comments.alreadyImported++;
      if (status === 'published') publicStored.push(a.index);
    } else {
      plan.skip[a.index] = 'conflict';
      conflict(summary, 'otherComment', plan.keys[a.index] as string);
    }
  });
  await streamXmlRecords({
    path: opts.path,
    isRecord: format.isRecord,
    onRoot: format.checkRoot,
    onProgress: (r, t) => opts.onProgress?.('scan', r, t),
    onRecords: async (records) => {
      for (const rec of records) {
        if (rec.rejected) {
          summary.rejected.count++;
          if (summary.rejected.records.length < 20) summary.rejected.records.push({ record: format.describe(rec), reason: rec.rejected });
          continue;
        }
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
          const added = plan.add({ ...p, skip }, rec.seq, fingerprint([p.threadKey, p.parentKey, p.createdAt, p.author.subject, p.status, p.message]));
          if (added === 'duplicate') count(summary.skipped, 'duplicate');
          else if (added === 'conflict') conflict(summary, 'sameIdInFile', p.key);
          else if (skip === null) await known.ask({ index: plan.size - 1, externalId: `${format.name}:${p.key}`, createdAt: p.createdAt });
        }
      }
    },
  });
  await known.flush();
  inheritVisibility(threads);

  const origins = JSON.parse(site.origins) as string[];
  const { byThread, stats } = await resolveStories(db, { id: site.id, lang: site.lang, origins }, threads, plan.threadsWithPosts(), { change, dryRun });
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
      if (s) return { storyId: s.storyId, held: s.held !== null };
      // A thread that was in the file but could not become a story, or one that never was in the file.
      return { skip: inFile.has(threadKey) ? 'threadUnusable' : 'orphan' };
    },
    stored,
  });
  summary.comments.parentMissing = plan.parentMissing;
  for (const i of publicStored) {
    if (byThread.get(plan.threadKeyOf(i) as string)?.held == null) continue;
    summary.publicOnHiddenPosts.count++;
    if (summary.publicOnHiddenPosts.ids.length < 10) summary.publicOnHiddenPosts.ids.push(plan.keys[i] as string);
  }
  publicStored.length = 0;
  const replyCounts = plan.replyCounts();
  // Stories this import created hold only its comments, written with their final counters; stories that were there
  // before (a re-run, live comments, replies to earlier imports) are recounted in the database at the end.
  const existing = new Set<string>([...byThread.values()].filter((s) => !s.created).map((s) => s.storyId));
  const recount = new Set<string>();
  const published = new Map<string, number>();
  for (const r of plan.skip) if (r !== null && r !== 'duplicate' && r !== 'stored' && r !== 'conflict') count(summary.skipped, r);

  // Pass 2: convert and write, in file order; a reply whose parent comes later is linked at the end.
  const ids = await importIds(db, site.id, { dryRun });
  const authors = authorResolver({ siteId: site.id, provider: format.name, anonymousName: site.lang === 'fr' ? 'Anonyme' : 'Anonymous' });
  const late: { id: string; parentId: string }[] = [];
  // Rows that could not be written (their id is taken): their replies must not hang under whoever has that id.
  const notWritten = new Set<string>();
  const batchSize = opts.batchSize ?? 2000;
  let batch: { post: SourcePost; row: Insertable<CommentsTable> }[] = [];
  const storyOf = (i: number) => byThread.get(plan.threadKeyOf(i) as string) as ThreadStory;
  const idOfKey = (key: string) => ids(`${format.name}:${key}`);

  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    for (const b of current) {
      if (b.row.parent_id && notWritten.has(b.row.parent_id)) {
        Object.assign(b.row, { parent_id: null, root_id: null, in_reply_to_id: null, depth: 0 });
        summary.comments.parentMissing++;
        recount.add(b.row.story_id as string);
      }
    }
    // Each batch is a change: its rows and one event per story it wrote to (live readers reload, caches drop).
    const write = async (q: Db | Tx, users: (posts: SourcePost[]) => Promise<Map<string, string>>, insert: (rows: Insertable<CommentsTable>[]) => Promise<number>) => {
      const taken = await takenInBatch(q, site.id, current.map((b) => ({ id: b.row.id as string, external_id: b.row.external_id ?? null })));
      const todo = current.filter((b) => {
        const id = b.row.id as string;
        if (taken.sameComment.has(id)) summary.comments.alreadyImported++;
        else if (taken.ids.has(id)) conflict(summary, 'idTaken', b.post.key);
        else return true;
        notWritten.add(id);
        recount.add(b.row.story_id as string);
        return false;
      });
      if (todo.length === 0) return { todo, n: 0 };
      const byAuthor = await users(todo.map((b) => b.post));
      for (const b of todo) b.row.author_id = byAuthor.get(b.post.author.subject) as string;
      return { todo, n: await insert(todo.map((b) => b.row)) };
    };
    let result: { todo: typeof current; n: number };
    if (dryRun) {
      result = await write(db, async (posts) => (await authors.count(db, posts.map((p) => p.author)), new Map()), async (rows) => rows.length);
    } else {
      result = await change(async (ch) => {
        const r = await write(ch.tx, (posts) => authors.resolve(ch.tx, posts.map((p) => p.author), current[0]?.row.created_at ?? nowIso()), (rows) => insertComments(ch.tx, rows));
        if (r.n > 0) for (const storyId of new Set(r.todo.map((b) => b.row.story_id as string))) ch.emit({ type: 'comments.bulk_written', siteId: site.id, storyId, inserted: r.n, source: 'import' });
        return r;
      });
    }
    const { todo, n } = result;
    summary.comments.imported += n;
    // A row the database refused at the last moment (another import running at the same time wrote it): already there.
    summary.comments.alreadyImported += todo.length - n;
    // Recount only where something was written: a re-run that adds nothing recounts nothing.
    if (n > 0) for (const b of todo) if (existing.has(b.row.story_id as string) || n < todo.length) recount.add(b.row.story_id as string);
  };

  await streamXmlRecords({
    path: opts.path,
    isRecord: format.isRecord,
    onRoot: format.checkRoot,
    onProgress: (r, t) => opts.onProgress?.('import', r, t),
    onRecords: async (records) => {
      for (const rec of records) {
        if (rec.rejected) continue;
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
        const story = storyOf(i);
        // A comment of a post readers could not see waits for a moderator, with the reason; a tombstone stays one.
        const held = deleted ? null : (story.held ?? p.held ?? null);
        const status = held ? 'pending' : p.status;
        if (deleted) summary.comments.tombstones++;
        if (held) count(summary.held, held);
        else if (p.status === 'pending') summary.comments.pending++;
        if (status === 'published') published.set(story.storyId, (published.get(story.storyId) ?? 0) + 1);
        batch.push({
          post: p,
          row: {
            id,
            site_id: site.id,
            story_id: story.storyId,
            parent_id: plan.parentComesLater(i) ? null : place.parentId,
            root_id: place.rootId,
            depth: place.depth,
            in_reply_to_id: place.inReplyToId,
            author_id: '',
            body,
            body_html: deleted ? '' : renderCommentBody(body),
            status,
            created_at: p.createdAt as string,
            edited_at: null,
            deleted_at: deleted ? (p.createdAt as string) : null,
            reply_count: replyCounts[i] as number,
            external_id: `${format.name}:${p.key}`,
            ...(held ? { moderation: heldVerdict(held) } : {}),
          },
        });
      }
      if (batch.length >= batchSize) await flush();
    },
  });
  await flush();
  summary.users.created = authors.created;
  if (dryRun) {
    summary.durationMs = Date.now() - started;
    return summary;
  }
  // The end of an import is one change: late parents linked, counters set, the audit entry, and an event per story
  // so that pages cached meanwhile show the final counts.
  const touched = new Set([...published.keys(), ...recount]);
  await change(async (ch) => {
    await linkLateParents(ch.tx, late.filter((l) => !notWritten.has(l.id) && !notWritten.has(l.parentId)));
    await setStoryCounts(ch.tx, [...published].filter(([id]) => !recount.has(id) && !existing.has(id)));
    await recountStories(ch.tx, recount);
    const { stories: st, comments, users: u, held, conflicts, rejected } = summary;
    await auditLog(db).record(ch.tx, {
      siteId: site.id,
      actorId: null,
      action: 'comments.import',
      targetType: 'settings',
      targetId: site.id,
      before: null,
      after: { source: format.name, stories: st, comments, users: u, held, conflicts, rejected: rejected.count },
    });
    if (summary.comments.imported > 0) for (const storyId of touched) ch.emit({ type: 'comments.bulk_written', siteId: site.id, storyId, inserted: 0, source: 'import' });
  });
  summary.durationMs = Date.now() - started;
  return summary;
}
