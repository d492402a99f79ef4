import type { CommentRecord } from '../comments/model.js';
import type { DomainEvent } from '../events/domain.js';
import type { OutboxEvent } from '../events/outbox.js';
import { commentUrl } from '../comments/permalink.js';
import { newId } from '../storage/ids.js';
import { isPostgres, type Tx } from '../storage/tx.js';
import type { Story } from '../stories/repository.js';
import { DELIVER_JOB, type WebhookDeps } from './service.js';
import type { Webhook, WebhookEvent } from './repository.js';

// What receivers get: public fields only, the raw Markdown for their own tools, never an email.
const storyData = (s: Story) => ({ id: s.id, url: s.url, title: s.title, lang: s.lang });

/** A comment as a payload carries it; `redacted` once its text was removed (rejected, withdrawn, deleted, erased). */
export interface CommentData {
  id: string;
  storyId: string;
  parentId: string | null;
  author: { id: string; displayName: string } | null;
  body: string;
  bodyHtml: string;
  status: string;
  createdAt: string;
  editedAt: string | null;
  /** The comment's permalink (its story's page with #comment-<id>), added when the delivery is recorded. */
  url?: string;
  redacted?: true;
}

const commentData = (c: CommentRecord): CommentData => ({
  id: c.id,
  storyId: c.storyId,
  parentId: c.parentId,
  author: c.status === 'deleted' ? null : { id: c.authorId, displayName: c.authorName },
  body: c.status === 'deleted' ? '' : c.body,
  bodyHtml: c.status === 'deleted' ? '' : c.bodyHtml,
  status: c.status,
  createdAt: c.createdAt,
  editedAt: c.editedAt,
});

/** The webhook events a domain event becomes, with their data. A reply is both comment.created and comment.reply_created. */
export function webhookEventsFor(e: DomainEvent): { type: WebhookEvent; data: Record<string, unknown>; commentId: string | null }[] {
  switch (e.type) {
    case 'story.created':
      return [{ type: 'story.created', data: { story: storyData(e.story) }, commentId: null }];
    case 'comment.created': {
      const c = e.comment;
      const out: { type: WebhookEvent; data: Record<string, unknown>; commentId: string | null }[] = [{ type: 'comment.created', data: { comment: commentData(c) }, commentId: c.id }];
      if (c.parentId) out.push({ type: 'comment.reply_created', data: { comment: commentData(c), parentId: c.parentId }, commentId: c.id });
      return out;
    }
    case 'comment.edited':
    case 'comment.deleted':
      return [{ type: e.type, data: { comment: commentData(e.comment) }, commentId: e.comment.id }];
    case 'comment.moderated':
      return [{ type: 'comment.moderated', data: { comment: commentData(e.comment), previousStatus: e.previousStatus, reason: e.reason }, commentId: e.comment.id }];
    default:
      return [];
  }
}

/** The comment as it is now, for what a payload may still say about it. */
interface Current {
  status: string;
  body: string;
  bodyHtml: string;
  authorName: string;
  /** Set once a moderator decided: a held comment never decided on is not a removal. */
  moderated: boolean;
  storyUrl: string;
}

/**
 * Rewrites a payload's comment to what may still be said of it: the current text and author name, or nothing
 * (`redacted`) once it was removed from view. Receivers and the delivery log never get removed text, even from a
 * delivery made before the removal or sent after it.
 */
function redact(data: CommentData, now: Current | null): CommentData {
  const visible = now !== null && (now.status === 'published' || (now.status === 'pending' && !now.moderated));
  if (!visible) return { ...data, author: null, body: '', bodyHtml: '', redacted: true, ...(now ? { status: data.status } : {}) };
  return { ...data, body: now.body, bodyHtml: now.bodyHtml, author: data.author && { ...data.author, displayName: now.authorName } };
}

/**
 * The comments as they are now. On PostgreSQL the rows are read FOR SHARE NOWAIT: with a removal in flight (it holds
 * the comment's row) the dispatcher gives up this batch and comes back (see dispatcher.ts), and a removal that starts
 * meanwhile waits for this transaction, then finds the deliveries it made to scrub. Without it, a delivery made from
 * the text a concurrent removal was taking back would keep it; NOWAIT means the dispatcher never waits on a request,
 * so the two cannot deadlock.
 */
async function currentOf(tx: Tx, ids: string[]): Promise<Map<string, Current>> {
  const out = new Map<string, Current>();
  for (let at = 0; at < ids.length; at += 400) {
    let q = tx
      .selectFrom('comments as c')
      .innerJoin('users as u', 'u.id', 'c.author_id')
      .innerJoin('stories as s', 's.id', 'c.story_id')
      .select(['c.id', 'c.status', 'c.body', 'c.body_html', 'u.display_name', 'c.moderated_at', 's.url'])
      .where('c.id', 'in', ids.slice(at, at + 400));
    if (isPostgres(tx)) q = q.forShare('c').noWait();
    const rows = await q.execute();
    for (const r of rows) out.set(r.id, { status: r.status, body: r.body, bodyHtml: r.body_html, authorName: r.display_name, moderated: r.moderated_at !== null, storyUrl: r.url });
  }
  return out;
}

function rewrite(payload: string, now: Current | null): string {
  const body = JSON.parse(payload) as { data?: { comment?: CommentData } };
  const c = body.data?.comment;
  if (!c) return payload;
  return JSON.stringify({ ...body, data: { ...body.data, comment: redact(c, now) } });
}

/**
 * The dispatcher's webhook consumer: one logged delivery per event, listening webhook and event type (the unique
 * index makes a repeated dispatch add nothing), and its job, in the dispatcher's transaction. The payload is built
 * from the comment as it is at dispatch time, so a comment removed before its event was dispatched leaks nothing.
 */
export function webhookConsumer(deps: WebhookDeps) {
  return {
    name: 'webhooks',
    async record(tx: Tx, batch: readonly OutboxEvent[]): Promise<void> {
      const hooks = new Map<string, Webhook[]>();
      const wanted: { ev: OutboxEvent; w: ReturnType<typeof webhookEventsFor>[number]; list: Webhook[] }[] = [];
      for (const ev of batch) {
        for (const w of webhookEventsFor(ev.event)) {
          const key = `${ev.event.siteId}\u0000${w.type}`;
          let list = hooks.get(key);
          if (!list) hooks.set(key, (list = await deps.webhooks.listening(ev.event.siteId, w.type, tx)));
          if (list.length > 0) wanted.push({ ev, w, list });
        }
      }
      // Most sites have no webhook: then nothing more is read.
      if (wanted.length === 0) return;
      const now = await currentOf(tx, [...new Set(wanted.map((x) => x.w.commentId).filter((id): id is string => id !== null))]);
      for (const { ev, w, list } of wanted) {
        const current = w.commentId ? (now.get(w.commentId) ?? null) : null;
        const withUrl = (c: CommentData): CommentData => (current ? { ...c, url: commentUrl(current.storyUrl, c.id) } : c);
        const data = w.commentId && w.data.comment ? { ...w.data, comment: withUrl(redact(w.data.comment as CommentData, current)) } : w.data;
        const body = JSON.stringify({ id: `evt_${ev.id}`, type: w.type, createdAt: ev.createdAt, siteId: ev.event.siteId, data });
        for (const h of list) {
          const id = newId();
          const fresh = await deps.webhooks.insertDelivery(tx, { id, webhookId: h.id, siteId: ev.event.siteId, eventType: w.type, payload: body, eventId: ev.id, commentId: w.commentId });
          if (fresh) await deps.jobs.enqueue(DELIVER_JOB, { deliveryId: id }, {}, tx);
        }
      }
    },
    after(): void {
      deps.jobs.kick();
    },
  };
}

/** The change's removal hook: logged payloads of a changed or removed comment are rewritten in the same transaction. */
export function webhookScrubber(deps: Pick<WebhookDeps, 'webhooks'>) {
  return async (tx: Tx, commentId: string): Promise<void> => {
    const rows = await deps.webhooks.payloadsOf(tx, commentId);
    if (rows.length === 0) return;
    const now = (await currentOf(tx, [commentId])).get(commentId) ?? null;
    for (const r of rows) {
      const next = rewrite(r.payload, now);
      if (next !== r.payload) await deps.webhooks.setPayload(tx, r.id, next);
    }
  };
}
