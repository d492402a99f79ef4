import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import type { Tx } from '../storage/tx.js';
import type { DomainEvent } from './domain.js';

/** An event waiting in the outbox; `id` is unique and stable, so consumers key what they make by it. */
export interface OutboxEvent {
  id: string;
  event: DomainEvent;
  attempts: number;
  createdAt: string;
}

/** After this many failed dispatches an event is left aside (kept for an operator, counted in /metrics). */
export const MAX_DISPATCH_ATTEMPTS = 10;

/** The outbox rows of these events. */
export function outboxRows(events: readonly DomainEvent[]) {
  const at = nowIso();
  return events.map((e) => ({ type: e.type, site_id: e.siteId, story_id: e.storyId, payload: JSON.stringify(e), last_error: null, created_at: at }));
}

/** The outbox: the one table domain events are written to, in the transaction of the change they describe. */
export function outboxStore(db: Db) {
  return {
    async record(tx: Tx, events: readonly DomainEvent[]): Promise<void> {
      if (events.length === 0) return;
      await tx.insertInto('outbox').values(outboxRows(events)).execute();
    },
    /** The oldest events not yet dispatched (and not left aside), at most `limit`. */
    async pending(limit: number): Promise<OutboxEvent[]> {
      const rows = await db.selectFrom('outbox').select(['id', 'payload', 'attempts', 'created_at']).where('attempts', '<', MAX_DISPATCH_ATTEMPTS).orderBy('id').limit(limit).execute();
      return rows.map((r) => ({ id: String(r.id), event: JSON.parse(r.payload) as DomainEvent, attempts: r.attempts, createdAt: r.created_at }));
    },
    /** Forgets dispatched events, in the transaction that recorded what they caused. */
    async remove(tx: Tx, ids: readonly string[]): Promise<void> {
      for (let at = 0; at < ids.length; at += 500) await tx.deleteFrom('outbox').where('id', 'in', ids.slice(at, at + 500).map(Number)).execute();
    },
    async failed(id: string, error: string): Promise<void> {
      await db
        .updateTable('outbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 1000) }))
        .where('id', '=', Number(id))
        .execute();
    },
    /** Events waiting, and events left aside after too many failures, for /metrics. */
    async sizes(): Promise<{ pending: number; dead: number }> {
      const rows = await db
        .selectFrom('outbox')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>(eb.case().when('attempts', '>=', MAX_DISPATCH_ATTEMPTS).then(1).else(0).end()).as('dead')])
        .executeTakeFirst();
      const n = Number(rows?.n ?? 0);
      const dead = Number(rows?.dead ?? 0);
      return { pending: n - dead, dead };
    },
  };
}
export type OutboxStore = ReturnType<typeof outboxStore>;
