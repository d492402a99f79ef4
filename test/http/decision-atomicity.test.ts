/**
 * A change commits whole or not at all. A moderation decision whose audit write fails half-way (the audit log is
 * written inside the decision's transaction: `deps.moderation.audit.record(tx, entry)`, replaced here by one that
 * throws) leaves the comment, its example, the outbox, the story's live events, its counters, the audit log, webhook
 * deliveries and notifications as they were; the same decision without the failure then does all of it. In a bulk
 * decision each comment is its own transaction. A comment post whose transaction fails (its outbox row refused by a
 * database trigger, or the comments repository failing after its insert) leaves no comment and no event.
 *
 * Rows an event's delivery creates (webhook deliveries, notifications, live events) come after the commit, from the
 * dispatcher: before checking that a failed change created none, a later change is posted and its own deliveries
 * awaited (a barrier), so anything the failed change had wrongly recorded would have been delivered by then. The
 * dispatcher removes outbox rows once delivered, so a trigger copies every outbox insert to a table of this test's:
 * a rolled-back insert is rolled back there too, a committed one stays visible.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import type { Deps } from '../../src/server/deps.js';
import { buildTestApp } from '../fixtures/server.js';
import { PUBLISH_ALL_SETTINGS } from '../fixtures/publisher.js';
import { api, type ApiComment, type Reader } from '../fixtures/moderation-http.js';
import { columnExists, count, isPg, rows, tableExists, type AnyDb } from '../fixtures/raw-db.js';


let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;
let db: AnyDb;
let h: ReturnType<typeof api>;
let admin: Reader;
let barrierReader: Reader;
let barrierStory: string;
let hasOutbox = false;
let deliveryHasCommentId = false;
let receiverServer: Server;

type N = { n: number | string };

async function eventually<T>(what: string, fn: () => Promise<T | undefined | false | null>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const as = (who: Reader, opts: InjectOptions) => app.inject({ ...opts, headers: { ...who.auth, ...(opts.headers ?? {}) } });
const like = (id: string) => `%${id}%`;

function errorCode(res: LightMyRequestResponse): unknown {
  try {
    return res.json<{ error?: { code?: unknown } }>().error?.code;
  } catch {
    return undefined;
  }
}

/** Webhook deliveries that carry a comment (by the rewrite's comment_id column, else by payload). */
function deliveriesOf(id: string, eventType?: string) {
  const byComment = deliveryHasCommentId ? sql`(comment_id = ${id} OR payload LIKE ${like(id)})` : sql`payload LIKE ${like(id)}`;
  return eventType
    ? sql<N>`SELECT count(*) AS n FROM webhook_deliveries WHERE ${byComment} AND event_type = ${eventType}`
    : sql<N>`SELECT count(*) AS n FROM webhook_deliveries WHERE ${byComment}`;
}

/** Outbox rows recorded (committed) for a comment, by type; null when there is no outbox at all. */
async function outboxSeen(id: string, type?: string): Promise<number | null> {
  if (!hasOutbox) return null;
  return count(db, type ? sql<N>`SELECT count(*) AS n FROM test_outbox_seen WHERE payload LIKE ${like(id)} AND type = ${type}` : sql<N>`SELECT count(*) AS n FROM test_outbox_seen WHERE payload LIKE ${like(id)}`);
}

/** Everything a decision on `id` may change, read straight from the database. */
async function snapshot(id: string) {
  const [c] = await rows(db, sql<{ status: string; rejection_reason: string | null; featured: number; story_id: string; parent_id: string | null; moderated_by: string | null }>`SELECT status, rejection_reason, featured, story_id, parent_id, moderated_by FROM comments WHERE id = ${id}`);
  assert.ok(c, `comment ${id} exists`);
  const [story] = await rows(db, sql<{ comment_count: number }>`SELECT comment_count + COALESCE((SELECT SUM(count_delta) FROM story_pending WHERE story_id = ${c.story_id}), 0) AS comment_count FROM stories WHERE id = ${c.story_id}`);
  const [parent] = c.parent_id ? await rows(db, sql<{ reply_count: number }>`SELECT reply_count FROM comments WHERE id = ${c.parent_id}`) : [];
  return {
    status: c.status,
    rejectionReason: c.rejection_reason,
    featured: Number(c.featured),
    moderatedBy: c.moderated_by,
    storyCommentCount: Number(story?.comment_count),
    parentReplyCount: parent ? Number(parent.reply_count) : null,
    examples: await count(db, sql<N>`SELECT count(*) AS n FROM moderation_examples WHERE comment_id = ${id}`),
    audit: await count(db, sql<N>`SELECT count(*) AS n FROM moderation_audit WHERE target_id = ${id}`),
    outboxNow: hasOutbox ? await count(db, sql<N>`SELECT count(*) AS n FROM outbox WHERE payload LIKE ${like(id)}`) : null,
    outboxEver: await outboxSeen(id),
    storyEvents: await count(db, sql<N>`SELECT count(*) AS n FROM story_events WHERE story_id = ${c.story_id}`),
    storyLastSeq: Number((await rows(db, sql<{ s: number | string | null }>`SELECT max(seq) AS s FROM story_events WHERE story_id = ${c.story_id}`))[0]?.s ?? 0),
    deliveries: await count(db, deliveriesOf(id)),
    notifications: await count(db, sql<N>`SELECT count(*) AS n FROM notifications WHERE comment_id = ${id}`),
  };
}

let barriers = 0;
/** Posts a comment elsewhere and waits until its webhook delivery and live event exist: earlier events are delivered too. */
async function barrier(): Promise<void> {
  const c = await h.posted(barrierStory, barrierReader, `Barrier ${++barriers}: a plain remark to flush the dispatcher.`);
  await eventually('the barrier comment’s webhook delivery and live event', async () => (await count(db, deliveriesOf(c.id, 'comment.created'))) > 0 && (await count(db, sql<N>`SELECT count(*) AS n FROM story_events WHERE comment_id = ${c.id}`)) > 0);
}

type Recorder = (...args: unknown[]) => Promise<unknown>;
/**
 * Replaces deps.moderation.audit.record with one that throws for the entries `when` picks, and counts the calls made
 * with a transaction first (the contract: record(tx, entry), inside the decision's transaction).
 */
function failAudit(when: (entry: { targetId?: unknown }) => boolean) {
  const audit = deps.moderation.audit as unknown as { record: Recorder };
  const original = audit.record;
  const seen = { calls: 0, thrown: 0, withTx: 0 };
  audit.record = async (...args: unknown[]) => {
    seen.calls++;
    if ((args[0] as { isTransaction?: unknown } | undefined)?.isTransaction === true) seen.withTx++;
    const entry = args.find((a): a is { targetId?: unknown } => typeof a === 'object' && a !== null && 'targetId' in a);
    if (entry && when(entry)) {
      seen.thrown++;
      throw new Error('injected failure: the audit write failed');
    }
    return original.apply(audit, args);
  };
  return { seen, restore: () => void (audit.record = original) };
}

before(async () => {
  ({ app, deps, close } = await buildTestApp({ jobPollMs: 50, webhookAllowPrivate: true, webhookRetryBaseMs: 1000, writesPerMinute: 100_000 }));
  db = deps.db as unknown as AnyDb;
  h = api(app, () => new URL(deps.config.publicUrl).origin, 'atomic');
  admin = await h.reader('Atomic Admin');
  // There is no API to make an admin (the first one is made on the server); roles are read per request.
  await sql`UPDATE users SET role = 'admin' WHERE id = ${admin.id}`.execute(db);
  const settings = await as(admin, { method: 'PUT', url: '/api/v1/admin/moderation/sites/demo/settings', payload: PUBLISH_ALL_SETTINGS });
  assert.equal(settings.statusCode, 200, settings.body);

  receiverServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((r) => receiverServer.listen(0, '127.0.0.1', r));
  const hook = await as(admin, {
    method: 'POST',
    url: '/api/v1/admin/sites/demo/webhooks',
    payload: { url: `http://127.0.0.1:${(receiverServer.address() as AddressInfo).port}/hook`, events: ['comment.created', 'comment.moderated'] },
  });
  assert.equal(hook.statusCode, 201, hook.body);

  barrierReader = await h.reader('Barrier Reader');
  barrierStory = await h.story('/atomicity/barrier', 'en');

  hasOutbox = await tableExists(db, 'outbox');
  deliveryHasCommentId = await columnExists(db, 'webhook_deliveries', 'comment_id');
  if (hasOutbox) {
    // Every committed outbox row, kept after the dispatcher removes it.
    if (isPg(db)) {
      await sql.raw('CREATE TABLE test_outbox_seen (type text, payload text)').execute(db);
      await sql.raw('CREATE FUNCTION test_outbox_seen() RETURNS trigger AS $$ BEGIN INSERT INTO test_outbox_seen (type, payload) VALUES (NEW.type, NEW.payload); RETURN NEW; END $$ LANGUAGE plpgsql').execute(db);
      await sql.raw('CREATE TRIGGER test_outbox_seen AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION test_outbox_seen()').execute(db);
    } else {
      await sql.raw('CREATE TABLE test_outbox_seen (type TEXT, payload TEXT)').execute(db);
      await sql.raw('CREATE TRIGGER test_outbox_seen AFTER INSERT ON outbox BEGIN INSERT INTO test_outbox_seen (type, payload) VALUES (NEW.type, NEW.payload); END').execute(db);
    }
  }
  await barrier();
});

after(async () => {
  await close?.();
  await new Promise<void>((r) => (receiverServer ? receiverServer.close(() => r()) : r()));
});

function assertRecordedInTx(seen: { calls: number; withTx: number }) {
  assert.ok(seen.calls > 0, 'the decision went through deps.moderation.audit.record');
  assert.equal(seen.withTx, seen.calls, 'audit.record is called with the decision’s transaction first: record(tx, entry)');
}

describe('a moderation decision that fails half-way leaves nothing behind', () => {
  test('approve a held reply: the audit write fails → 500 and no trace; then the same approval does everything', async () => {
    const parentAuthor = await h.reader('Parent Author');
    const replyAuthor = await h.reader('Reply Author');
    const storyId = await h.story('/atomicity/approve', 'en');
    const parent = await h.posted(storyId, parentAuthor, 'A calm opening remark on this story.');
    assert.equal(parent.status, 'published', 'setup: the parent is published');
    const pre = await as(admin, { method: 'PATCH', url: `/api/v1/admin/moderation/stories/${storyId}`, payload: { premoderation: true } });
    assert.equal(pre.statusCode, 200, pre.body);
    const res = await as(replyAuthor, { method: 'POST', url: `/api/v1/stories/${storyId}/comments`, payload: { body: 'A calm answer that waits for a moderator.', parentId: parent.id } });
    assert.equal(res.statusCode, 201, res.body);
    const reply = res.json<{ comment: ApiComment }>().comment;
    assert.equal(reply.status, 'pending', 'setup: the reply is held');
    assert.notEqual((await snapshot(reply.id)).parentReplyCount, null, 'setup: it is a reply');
    await barrier();
    const before = await snapshot(reply.id);

    const inj = failAudit(() => true);
    let failed: LightMyRequestResponse;
    try {
      failed = await as(admin, { method: 'POST', url: `/api/v1/admin/moderation/comments/${reply.id}/approve` });
    } finally {
      inj.restore();
    }
    assert.ok(inj.seen.thrown > 0, 'the injected audit failure was hit');
    assert.equal(failed.statusCode, 500, failed.body);
    assert.equal(typeof errorCode(failed), 'string', `an error body { error: { code } }: ${failed.body}`);
    assert.deepEqual(await snapshot(reply.id), before, 'nothing changed right after the failed approval');
    await barrier();
    assert.deepEqual(await snapshot(reply.id), before, 'nothing was delivered for the failed approval');
    assertRecordedInTx(inj.seen);

    const ok = await as(admin, { method: 'POST', url: `/api/v1/admin/moderation/comments/${reply.id}/approve` });
    assert.equal(ok.statusCode, 200, ok.body);
    const now = await snapshot(reply.id);
    assert.equal(now.status, 'published');
    assert.equal(now.storyCommentCount, before.storyCommentCount + 1, 'the story counts it');
    assert.equal(now.parentReplyCount, (before.parentReplyCount ?? 0) + 1, 'the parent counts it');
    assert.equal(now.examples, 1, 'kept as an example');
    assert.equal((await rows(db, sql<{ label: number }>`SELECT label FROM moderation_examples WHERE comment_id = ${reply.id}`))[0]?.label, 0);
    assert.equal(now.audit, before.audit + 1, 'audited once');
    assert.equal((await rows(db, sql<{ action: string }>`SELECT action FROM moderation_audit WHERE target_id = ${reply.id}`))[0]?.action, 'comment.approve');
    assert.equal(await outboxSeen(reply.id, 'comment.moderated'), 1, 'one comment.moderated event recorded in the outbox');
    await eventually('the approved and reply notifications', async () => {
      const kinds = await rows(db, sql<{ kind: string; user_id: string }>`SELECT kind, user_id FROM notifications WHERE comment_id = ${reply.id}`);
      return kinds.some((k) => k.kind === 'approved' && k.user_id === replyAuthor.id) && kinds.some((k) => k.kind === 'reply' && k.user_id === parentAuthor.id);
    });
    await eventually('the comment.moderated webhook delivery', async () => (await count(db, deliveriesOf(reply.id, 'comment.moderated'))) === 1);
    await eventually('the live event', async () => (await count(db, sql<N>`SELECT count(*) AS n FROM story_events WHERE comment_id = ${reply.id} AND type = 'comment.moderated'`)) > 0);
  });

  test('reject a published, featured comment: the audit write fails → 500 and no trace; then the same rejection does everything', async () => {
    const author = await h.reader('Rejected Author');
    const storyId = await h.story('/atomicity/reject', 'en');
    const c = await h.posted(storyId, author, 'A plain comment that a moderator will take down.');
    assert.equal(c.status, 'published', 'setup: published');
    const feat = await as(admin, { method: 'POST', url: `/api/v1/admin/moderation/comments/${c.id}/feature`, payload: { featured: true } });
    assert.equal(feat.statusCode, 200, feat.body);
    await barrier();
    const before = await snapshot(c.id);
    assert.equal(before.featured, 1, 'setup: featured');

    const inj = failAudit(() => true);
    let failed: LightMyRequestResponse;
    try {
      failed = await as(admin, { method: 'POST', url: `/api/v1/admin/moderation/comments/${c.id}/reject`, payload: { reason: 'Off topic.', kind: 'other' } });
    } finally {
      inj.restore();
    }
    assert.ok(inj.seen.thrown > 0, 'the injected audit failure was hit');
    assert.equal(failed.statusCode, 500, failed.body);
    assert.equal(typeof errorCode(failed), 'string', `an error body { error: { code } }: ${failed.body}`);
    assert.deepEqual(await snapshot(c.id), before, 'nothing changed right after the failed rejection');
    await barrier();
    assert.deepEqual(await snapshot(c.id), before, 'nothing was delivered for the failed rejection');
    assertRecordedInTx(inj.seen);

    const ok = await as(admin, { method: 'POST', url: `/api/v1/admin/moderation/comments/${c.id}/reject`, payload: { reason: 'Off topic.', kind: 'other' } });
    assert.equal(ok.statusCode, 200, ok.body);
    const now = await snapshot(c.id);
    assert.deepEqual([now.status, now.rejectionReason, now.featured], ['rejected', 'Off topic.', 0]);
    assert.equal(now.storyCommentCount, before.storyCommentCount - 1, 'the story no longer counts it');
    assert.equal(now.examples, 1, 'kept as an example');
    assert.equal((await rows(db, sql<{ label: number }>`SELECT label FROM moderation_examples WHERE comment_id = ${c.id}`))[0]?.label, 1);
    assert.equal(now.audit, before.audit + 1, 'audited once');
    assert.equal(await outboxSeen(c.id, 'comment.moderated'), 2, 'comment.moderated recorded in the outbox for the feature and the rejection, none for the failure');
    await eventually('the rejected notification', async () => (await count(db, sql<N>`SELECT count(*) AS n FROM notifications WHERE comment_id = ${c.id} AND kind = 'rejected' AND user_id = ${author.id}`)) === 1);
    await eventually('the rejection’s webhook delivery', async () => (await count(db, deliveriesOf(c.id, 'comment.moderated'))) === 2);
    await eventually('the live event', async () => {
      const last = await rows(db, sql<{ type: string; comment_id: string | null }>`SELECT type, comment_id FROM story_events WHERE story_id = ${storyId} ORDER BY seq DESC LIMIT 1`);
      return last[0]?.comment_id === c.id && last[0].type === 'comment.moderated';
    });
  });

  test('bulk reject: each comment is its own transaction; the one whose audit write fails is untouched, the others fully rejected', async () => {
    const author = await h.reader('Bulk Author');
    const ids: string[] = [];
    for (const i of [1, 2, 3]) {
      // One story each, so the second's story (its count, its live events) is its own to compare.
      const storyId = await h.story(`/atomicity/bulk-${i}`, 'en');
      const c = await h.posted(storyId, author, `Bulk comment number ${i}, perfectly ordinary.`);
      assert.equal(c.status, 'published', 'setup: published');
      ids.push(c.id);
    }
    const [first, second, third] = ids as [string, string, string];
    await barrier();
    const before = { first: await snapshot(first), second: await snapshot(second), third: await snapshot(third) };

    const inj = failAudit((e) => e.targetId === second);
    let res: LightMyRequestResponse;
    try {
      res = await as(admin, { method: 'POST', url: '/api/v1/admin/moderation/comments/bulk', payload: { ids, action: 'reject' } });
    } finally {
      inj.restore();
    }
    assert.equal(inj.seen.thrown, 1, 'the injected failure was hit once, on the second comment');
    await barrier();
    assert.deepEqual(await snapshot(second), before.second, 'the second comment is exactly as it was');

    const rejectedFully = async (id: string, was: Awaited<ReturnType<typeof snapshot>>) => {
      const s = await snapshot(id);
      assert.equal(s.status, 'rejected', `${id} rejected`);
      assert.equal(s.examples, 1, `${id} kept as an example`);
      assert.equal(s.audit, was.audit + 1, `${id} audited`);
      assert.equal(await outboxSeen(id, 'comment.moderated'), 1, `${id}: its comment.moderated event is in the outbox`);
      assert.equal(s.storyCommentCount, was.storyCommentCount - 1, `${id}: its story no longer counts it`);
      await eventually(`the rejected notification of ${id}`, async () => (await count(db, sql<N>`SELECT count(*) AS n FROM notifications WHERE comment_id = ${id} AND kind = 'rejected'`)) === 1);
    };
    await rejectedFully(first, before.first);
    assert.equal(res.statusCode, 200, `the bulk request answers with a per-comment report, not a failure of the whole: ${res.body}`);
    const body = res.json<{ done: string[]; failed: { id: string; code: string }[] }>();
    assert.deepEqual(body.done, [first, third]);
    assert.deepEqual(body.failed.map((f) => f.id), [second]);
    assert.equal(typeof body.failed[0]?.code, 'string');
    await rejectedFully(third, before.third);
    assertRecordedInTx(inj.seen);
  });
});

describe('a comment post whose transaction fails leaves nothing behind', () => {
  /** What a post on `storyId` (a reply to `parentId`) may add. */
  async function storyState(storyId: string, parentId: string, marker: string) {
    return {
      comments: await count(db, sql<N>`SELECT count(*) AS n FROM comments WHERE story_id = ${storyId}`),
      marked: await count(db, sql<N>`SELECT count(*) AS n FROM comments WHERE body LIKE ${like(marker)}`),
      commentCount: Number((await rows(db, sql<{ c: number }>`SELECT comment_count + COALESCE((SELECT SUM(count_delta) FROM story_pending WHERE story_id = ${storyId}), 0) AS c FROM stories WHERE id = ${storyId}`))[0]?.c),
      parentReplies: Number((await rows(db, sql<{ c: number }>`SELECT reply_count AS c FROM comments WHERE id = ${parentId}`))[0]?.c),
      outboxEver: await outboxSeen(marker),
      outboxNow: hasOutbox ? await count(db, sql<N>`SELECT count(*) AS n FROM outbox WHERE payload LIKE ${like(marker)}`) : null,
      storyEvents: await count(db, sql<N>`SELECT count(*) AS n FROM story_events WHERE story_id = ${storyId}`),
      deliveries: await count(db, sql<N>`SELECT count(*) AS n FROM webhook_deliveries WHERE payload LIKE ${like(marker)}`),
      replyNotes: await count(db, sql<N>`SELECT count(*) AS n FROM notifications n JOIN comments c ON c.id = n.comment_id WHERE n.kind = 'reply' AND c.story_id = ${storyId}`),
    };
  }

  async function setup(slug: string) {
    const parentAuthor = await h.reader('Post Parent');
    const author = await h.reader('Post Author');
    const storyId = await h.story(`/atomicity/${slug}`, 'en');
    const parent = await h.posted(storyId, parentAuthor, 'An opening remark someone will answer.');
    assert.equal(parent.status, 'published', 'setup: published');
    await barrier();
    return { parentAuthor, author, storyId, parent };
  }

  test('its outbox row is refused by the database → no comment, no outbox row, no live event, no delivery, no notification', async () => {
    assert.ok(hasOutbox, 'the database has an outbox table');
    const marker = `OUTBOXFAIL${Date.now()}`;
    const { author, storyId, parent } = await setup('post-outbox-fails');
    const before = await storyState(storyId, parent.id, marker);
    // A trigger refuses the new comment's outbox row: the failure happens inside the post's transaction, after the
    // comment row was written, whatever shape the repositories take.
    if (isPg(db)) {
      await sql.raw(`CREATE FUNCTION test_outbox_refuse() RETURNS trigger AS $$ BEGIN IF NEW.payload LIKE '%${marker}%' THEN RAISE EXCEPTION 'injected failure: outbox insert refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`).execute(db);
      await sql.raw('CREATE TRIGGER test_outbox_refuse BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION test_outbox_refuse()').execute(db);
    } else {
      await sql.raw(`CREATE TRIGGER test_outbox_refuse BEFORE INSERT ON outbox WHEN NEW.payload LIKE '%${marker}%' BEGIN SELECT RAISE(ABORT, 'injected failure: outbox insert refused'); END`).execute(db);
    }
    let res: LightMyRequestResponse;
    try {
      res = await app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: author.auth, payload: { body: `A reply that never lands ${marker}.`, parentId: parent.id } });
    } finally {
      await sql.raw('DROP TRIGGER test_outbox_refuse' + (isPg(db) ? ' ON outbox' : '')).execute(db);
      if (isPg(db)) await sql.raw('DROP FUNCTION test_outbox_refuse()').execute(db);
    }
    assert.equal(res.statusCode, 500, `the post fails when its outbox row cannot be written: ${res.body}`);
    assert.equal(typeof errorCode(res), 'string', res.body);
    assert.deepEqual(await storyState(storyId, parent.id, marker), before, 'nothing changed right after the failed post');
    await barrier();
    assert.deepEqual(await storyState(storyId, parent.id, marker), before, 'nothing was delivered for the failed post');

    // The same post without the failure: the comment, its event and what follows.
    const ok = await app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: author.auth, payload: { body: `A reply that never lands ${marker}.`, parentId: parent.id } });
    assert.equal(ok.statusCode, 201, ok.body);
    const id = ok.json<{ comment: { id: string } }>().comment.id;
    const now = await storyState(storyId, parent.id, marker);
    assert.deepEqual([now.comments, now.marked, now.commentCount, now.parentReplies], [before.comments + 1, 1, before.commentCount + 1, before.parentReplies + 1]);
    assert.equal(await outboxSeen(id, 'comment.created'), 1, 'one comment.created event in the outbox');
    await eventually('the live event, the webhook delivery and the reply notification', async () => {
      const s = await storyState(storyId, parent.id, marker);
      return s.storyEvents > before.storyEvents && s.deliveries >= 1 && s.replyNotes === before.replyNotes + 1;
    });
  });

  test('the comments repository fails after its insert → no comment, no outbox row, no live event', async (t) => {
    const comments = deps.comments as unknown as Record<string, unknown>;
    if (typeof comments.insert !== 'function') {
      t.skip('deps.comments.insert is not there; the database-level failure above covers the post');
      return;
    }
    const marker = `INSERTFAIL${Date.now()}`;
    const { author, storyId, parent } = await setup('post-insert-fails');
    const before = await storyState(storyId, parent.id, marker);
    const original = comments.insert as Recorder;
    let calls = 0;
    comments.insert = async (...args: unknown[]) => {
      calls++;
      await original.apply(comments, args);
      throw new Error('injected failure: after the comment insert');
    };
    let res: LightMyRequestResponse;
    try {
      res = await app.inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: author.auth, payload: { body: `A reply that fails late ${marker}.`, parentId: parent.id } });
    } finally {
      comments.insert = original;
    }
    if (calls === 0) {
      t.skip('the post does not go through deps.comments.insert; the database-level failure above covers it');
      return;
    }
    assert.equal(res.statusCode, 500, res.body);
    assert.equal(typeof errorCode(res), 'string', res.body);
    assert.deepEqual(await storyState(storyId, parent.id, marker), before, 'nothing changed right after the failed post');
    await barrier();
    assert.deepEqual(await storyState(storyId, parent.id, marker), before, 'nothing was delivered for the failed post');
  });
});
