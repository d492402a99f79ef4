import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CommentRecord } from '../comments/model.js';
import type { DomainEvent } from '../events/domain.js';
import type { OutboxEvent } from '../events/outbox.js';
import { isPostgres, type Tx } from '../storage/tx.js';
import { backoff, type JobQueue } from '../jobs/queue.js';
import { newId } from '../storage/ids.js';
import type { Lang } from '../../i18n/discussion.js';
import { renderEmail } from './emails.js';
import type { Mailer } from './mailer.js';
import type { Notification, NotificationKind, NotificationsRepository } from './repository.js';
import type { ReaderSettingsRepository } from './settings.js';

export const EMAIL_JOB = 'email.notification';
export const DIGEST_JOB = 'email.digest';
/** A digest holds at most this many notifications; the rest go in the next one. */
const DIGEST_MAX = 50;

/** What notifications need. */
export interface NotificationDeps {
  notifications: NotificationsRepository;
  readerSettings: ReaderSettingsRepository;
  jobs: JobQueue;
  mailer: Mailer;
  publicUrl: string;
  secret: string;
  digestHourUtc: number;
}

/** Unsubscribe links carry an HMAC of the user id, so they work without signing in and cannot be forged for others. */
export function unsubscribeToken(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(`unsubscribe:${userId}`).digest('base64url');
}

/** True when the token is the one we made for this user. */
export function checkUnsubscribeToken(secret: string, userId: string, token: string): boolean {
  const a = Buffer.from(unsubscribeToken(secret, userId));
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The next digest time: today at the digest hour (UTC) if still ahead, else tomorrow. */
export function nextDigestAt(hourUtc: number, now = Date.now()): number {
  const d = new Date(now);
  const at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hourUtc);
  return at > now ? at : at + 86_400_000;
}

/**
 * Records a notification and, per the reader's choice, queues an email now, queues the daily digest, or nothing,
 * all in `tx` (the dispatcher's transaction, keyed by the event so a repeated dispatch adds nothing).
 */
export async function notify(
  deps: NotificationDeps,
  tx: Tx,
  n: { userId: string; siteId: string; kind: NotificationKind; comment: Pick<CommentRecord, 'id' | 'storyId'>; actorName?: string | null; reason?: string | null; eventId: string | null },
): Promise<void> {
  const id = newId();
  const fresh = await deps.notifications.insert(tx, { id, userId: n.userId, siteId: n.siteId, kind: n.kind, commentId: n.comment.id, storyId: n.comment.storyId, actorName: n.actorName ?? null, reason: n.reason ?? null, eventId: n.eventId });
  if (!fresh) return;
  const settings = await deps.readerSettings.get(n.userId, tx);
  if (settings.mode === 'none' || !settings.email) return;
  if (settings.mode === 'immediate') await deps.jobs.enqueue(EMAIL_JOB, { notificationId: id }, {}, tx);
  // One digest job per reader at a time: the dedupe key makes the second notification of the day add nothing.
  else await deps.jobs.enqueue(DIGEST_JOB, { userId: n.userId }, { runAt: nextDigestAt(deps.digestHourUtc), dedupeKey: `digest:${n.userId}` }, tx);
}

/** Notifies the author of `comment`'s parent that someone replied (not when they replied to themself). */
async function notifyReply(deps: NotificationDeps, tx: Tx, comment: CommentRecord, eventId: string): Promise<void> {
  if (!comment.parentId || comment.status !== 'published') return;
  const parent = await tx.selectFrom('comments').select(['author_id', 'status']).where('id', '=', comment.inReplyToId ?? comment.parentId).executeTakeFirst();
  if (!parent || parent.status === 'deleted' || parent.author_id === comment.authorId) return;
  // The reply as it is now: one withdrawn or erased before this event was dispatched notifies nobody.
  // FOR SHARE NOWAIT on PostgreSQL, as webhooks/events.ts: a concurrent withdrawal or erasure of the reply is either
  // seen here or sees this notification.
  let q = tx.selectFrom('comments as c').innerJoin('users as u', 'u.id', 'c.author_id').select(['c.status', 'u.display_name']).where('c.id', '=', comment.id);
  if (isPostgres(tx)) q = q.forShare('c').noWait();
  const now = await q.executeTakeFirst();
  if (now?.status !== 'published') return;
  await notify(deps, tx, { userId: parent.author_id, siteId: comment.siteId, kind: 'reply', comment, actorName: now.display_name, eventId });
}

/** Turns one domain event into notifications: replies, and moderators' decisions on one's comments (approve, reject, feature). */
export async function notificationsFor(deps: NotificationDeps, tx: Tx, e: DomainEvent, eventId: string): Promise<void> {
  if (e.type === 'comment.created') await notifyReply(deps, tx, e.comment, eventId);
  else if (e.type === 'comment.moderated') {
    const c = e.comment;
    if (c.status === 'published' && e.previousStatus !== 'published') {
      await notify(deps, tx, { userId: c.authorId, siteId: c.siteId, kind: 'approved', comment: c, eventId });
      // A held reply reaches the person it answers only once it is published.
      await notifyReply(deps, tx, c, eventId);
    } else if (c.status === 'rejected' && e.previousStatus !== 'rejected') {
      await notify(deps, tx, { userId: c.authorId, siteId: c.siteId, kind: 'rejected', comment: c, reason: e.reason, eventId });
    }
    // The console announces featuring (and un-featuring) as comment.moderated with the comment's new `featured`.
    if (c.status === 'published' && c.featured === true) await notify(deps, tx, { userId: c.authorId, siteId: c.siteId, kind: 'featured', comment: c, eventId });
  }
}

/** The dispatcher's notifications consumer, in its transaction; email jobs are picked up once it commits. */
export function notificationConsumer(deps: NotificationDeps) {
  return {
    name: 'notifications',
    async record(tx: Tx, batch: readonly OutboxEvent[]): Promise<void> {
      for (const ev of batch) await notificationsFor(deps, tx, ev.event, ev.id);
    },
    after(): void {
      deps.jobs.kick();
    },
  };
}

async function send(deps: NotificationDeps, userId: string, list: Notification[]): Promise<void> {
  const settings = await deps.readerSettings.get(userId);
  if (settings.mode === 'none' || !settings.email || list.length === 0) return;
  const first = list[0] as Notification;
  // The reader's chosen language, else the language of the story the notification is about.
  const lang: Lang = settings.lang ?? (first.storyLang === 'fr' ? 'fr' : 'en');
  const links = {
    unsubscribe: `${deps.publicUrl}/unsubscribe?u=${encodeURIComponent(userId)}&t=${unsubscribeToken(deps.secret, userId)}`,
    settings: `${deps.publicUrl}/profile`,
  };
  const mail = renderEmail(list, lang, links);
  await deps.mailer.send({ to: settings.email, ...mail });
  await deps.notifications.markEmailed(list.map((n) => n.id));
}

/** Job handlers: one email per notification, and the daily digest. Failed sends retry with backoff for a day. */
export function notificationJobs(deps: NotificationDeps) {
  const retryAt = backoff(60_000, 24 * 3_600_000);
  return {
    [EMAIL_JOB]: {
      async run(payload: unknown) {
        if (!deps.mailer.enabled) return;
        const id = (payload as { notificationId?: unknown }).notificationId;
        const n = typeof id === 'string' ? await deps.notifications.get(id) : undefined;
        if (!n || n.emailedAt) return;
        await send(deps, n.userId, [n]);
      },
      retryAt,
    },
    [DIGEST_JOB]: {
      async run(payload: unknown) {
        if (!deps.mailer.enabled) return;
        const userId = (payload as { userId?: unknown }).userId;
        if (typeof userId !== 'string') return;
        await send(deps, userId, await deps.notifications.unsent(userId, DIGEST_MAX));
      },
      retryAt,
    },
  };
}
