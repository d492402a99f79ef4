import type { Db } from '../storage/db.js';
import type { Queryable } from '../storage/tx.js';
import type { Selectable } from 'kysely';
import type { WebhookDeliveriesTable, WebhooksTable } from '../storage/schema.js';
import { newId, nowIso } from '../storage/ids.js';

export const WEBHOOK_EVENTS = ['story.created', 'comment.created', 'comment.reply_created', 'comment.moderated', 'comment.edited', 'comment.deleted'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A site's webhook. The secret is returned to admins, never to anyone else. */
export interface Webhook {
  id: string;
  siteId: string;
  url: string;
  events: WebhookEvent[];
  secret: string;
  active: boolean;
  createdAt: string;
}

/** One event sent (or being sent) to one webhook. */
export interface Delivery {
  id: string;
  webhookId: string;
  siteId: string;
  eventType: string;
  payload: string;
  state: 'pending' | 'retrying' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
}

type HookRow = Selectable<WebhooksTable>;
const toHook = (r: HookRow): Webhook => ({ id: r.id, siteId: r.site_id, url: r.url, events: JSON.parse(r.events) as WebhookEvent[], secret: r.secret, active: r.active === 1, createdAt: r.created_at });

type DeliveryRow = Selectable<WebhookDeliveriesTable>;
const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  webhookId: r.webhook_id,
  siteId: r.site_id,
  eventType: r.event_type,
  payload: r.payload,
  state: r.state as Delivery['state'],
  attempts: r.attempts,
  lastStatus: r.last_status,
  lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Webhooks and their delivery log. Every read names the site. */
export function webhooksRepository(db: Db) {
  return {
    async list(siteId: string): Promise<Webhook[]> {
      return (await db.selectFrom('webhooks').selectAll().where('site_id', '=', siteId).orderBy('created_at').execute()).map(toHook);
    },
    async get(siteId: string, id: string): Promise<Webhook | undefined> {
      const row = await db.selectFrom('webhooks').selectAll().where('site_id', '=', siteId).where('id', '=', id).executeTakeFirst();
      return row ? toHook(row) : undefined;
    },
    /** The site of a webhook, to scope a request that names only the webhook. */
    async siteOf(id: string): Promise<string | undefined> {
      return (await db.selectFrom('webhooks').select('site_id').where('id', '=', id).executeTakeFirst())?.site_id;
    },
    async insert(h: Webhook): Promise<void> {
      await db
        .insertInto('webhooks')
        .values({ id: h.id, site_id: h.siteId, url: h.url, events: JSON.stringify(h.events), secret: h.secret, active: h.active ? 1 : 0, created_at: h.createdAt })
        .execute();
    },
    async update(siteId: string, id: string, patch: { url?: string; events?: WebhookEvent[]; active?: boolean; secret?: string }): Promise<void> {
      const set: { url?: string; events?: string; active?: number; secret?: string } = {};
      if (patch.url !== undefined) set.url = patch.url;
      if (patch.events !== undefined) set.events = JSON.stringify(patch.events);
      if (patch.active !== undefined) set.active = patch.active ? 1 : 0;
      if (patch.secret !== undefined) set.secret = patch.secret;
      if (Object.keys(set).length > 0) await db.updateTable('webhooks').set(set).where('site_id', '=', siteId).where('id', '=', id).execute();
    },
    async remove(siteId: string, id: string): Promise<void> {
      await db.deleteFrom('webhooks').where('site_id', '=', siteId).where('id', '=', id).execute();
    },
    /** Active webhooks of a site that listen to an event. */
    async listening(siteId: string, event: WebhookEvent, q: Queryable = db): Promise<Webhook[]> {
      const rows = await q.selectFrom('webhooks').selectAll().where('site_id', '=', siteId).where('active', '=', 1).execute();
      return rows.map(toHook).filter((h) => h.events.includes(event));
    },
    /** Logs a delivery of an event to a webhook; false when that event already has one (a repeated dispatch). */
    async insertDelivery(q: Queryable, d: { id: string; webhookId: string; siteId: string; eventType: string; payload: string; eventId: string; commentId: string | null }): Promise<boolean> {
      const at = nowIso();
      const res = await q
        .insertInto('webhook_deliveries')
        .values({ id: d.id, webhook_id: d.webhookId, site_id: d.siteId, event_type: d.eventType, payload: d.payload, state: 'pending', last_status: null, last_error: null, next_attempt_at: null, created_at: at, updated_at: at, event_id: d.eventId, comment_id: d.commentId })
        .onConflict((oc) => oc.columns(['event_id', 'webhook_id', 'event_type']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    /** The payloads logged for a comment, to rewrite when the comment changes or goes. */
    async payloadsOf(q: Queryable, commentId: string): Promise<{ id: string; payload: string }[]> {
      return q.selectFrom('webhook_deliveries').select(['id', 'payload']).where('comment_id', '=', commentId).execute();
    },
    async setPayload(q: Queryable, id: string, payload: string): Promise<void> {
      await q.updateTable('webhook_deliveries').set({ payload }).where('id', '=', id).execute();
    },
    async delivery(id: string): Promise<Delivery | undefined> {
      const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toDelivery(row) : undefined;
    },
    /** Records one attempt and the delivery's new state. */
    async recordAttempt(deliveryId: string, a: { status: number | null; error: string | null; durationMs: number; state: Delivery['state']; nextAttemptAt: string | null }): Promise<void> {
      const at = nowIso();
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('webhook_attempts').values({ id: newId(), delivery_id: deliveryId, status: a.status, error: a.error, duration_ms: a.durationMs, created_at: at }).execute();
        await tx
          .updateTable('webhook_deliveries')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), state: a.state, last_status: a.status, last_error: a.error, next_attempt_at: a.nextAttemptAt, updated_at: at }))
          .where('id', '=', deliveryId)
          .execute();
      });
    },
    /** The latest deliveries of a site (optionally one webhook), newest first. */
    async deliveries(siteId: string, o: { webhookId?: string | undefined; limit: number }): Promise<Delivery[]> {
      let q = db.selectFrom('webhook_deliveries').selectAll().where('site_id', '=', siteId);
      if (o.webhookId) q = q.where('webhook_id', '=', o.webhookId);
      return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.limit).execute()).map(toDelivery);
    },
    async attempts(deliveryId: string): Promise<{ status: number | null; error: string | null; durationMs: number; createdAt: string }[]> {
      const rows = await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('created_at').execute();
      return rows.map((r) => ({ status: r.status, error: r.error, durationMs: r.duration_ms, createdAt: r.created_at }));
    },
  };
}
export type WebhooksRepository = ReturnType<typeof webhooksRepository>;
