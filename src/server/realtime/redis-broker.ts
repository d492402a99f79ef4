import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Broker } from './broker.js';

const CHANNEL = 'agora:story-events';
const ACKS = 'agora:story-acks';

/**
 * Broker over Redis pub/sub, for several nodes. Losing Redis degrades live updates only: publishing fails fast (no
 * offline queue, so a request never waits for Redis), the message is still delivered to this node's readers, a
 * warning is logged, and when Redis returns every node's readers catch up from the database event log.
 *
 * Confirmed messages carry an ack id: PUBLISH answers how many subscribers (nodes) received the message, each node
 * answers on the acks channel once it has handled it, and the publisher waits for that many answers, bounded by a
 * timeout. Written here because pub/sub has no acknowledgement of its own and a stream per node would be more to run.
 */
export function redisBroker(url: string, log: { warn(obj: object, msg: string): void; info(msg: string): void }): Broker {
  const handlers: ((m: string) => void)[] = [];
  const reconnectHandlers: (() => void)[] = [];
  const waiting = new Map<string, { acked: number; need: number; done: () => void }>();
  const opts = { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (n: number) => Math.min(n * 200, 2000) };
  const pub = new Redis(url, opts);
  const sub = new Redis(url, { ...opts, enableOfflineQueue: true });
  let subReady = false;
  let wasDown = false;
  let lastWarn = 0;
  const warn = (err: unknown, what: string) => {
    // One line a few seconds apart: an outage must not flood the log.
    if (Date.now() - lastWarn > 5000) {
      lastWarn = Date.now();
      log.warn({ err: err instanceof Error ? err.message : String(err) }, `redis ${what}: live updates limited to this node until it is back`);
    }
  };
  pub.on('error', (err) => warn(err, 'publisher error'));
  sub.on('error', (err) => warn(err, 'subscriber error'));
  sub.on('ready', () => {
    subReady = true;
    void sub.subscribe(CHANNEL, ACKS).catch((err: unknown) => warn(err, 'subscribe failed'));
    if (wasDown) {
      log.info('redis is back: live updates cross nodes again');
      reconnectHandlers.forEach((h) => h());
    }
  });
  sub.on('close', () => {
    if (subReady) wasDown = true;
    subReady = false;
  });
  sub.on('message', (channel: string, raw: string) => {
    if (channel === ACKS) {
      const w = waiting.get(raw);
      if (w && ++w.acked >= w.need) w.done();
      return;
    }
    // "ack:<id>:<message>" asks for an answer once handled; anything else is a plain message.
    if (raw.startsWith('ack:')) {
      const cut = raw.indexOf(':', 4);
      const message = raw.slice(cut + 1);
      handlers.forEach((h) => h(message));
      pub.publish(ACKS, raw.slice(4, cut)).catch((err: unknown) => warn(err, 'ack failed'));
      return;
    }
    handlers.forEach((h) => h(raw));
  });
  const local = (message: string) => handlers.forEach((h) => h(message));

  return {
    async publish(message, o) {
      if (pub.status !== 'ready' || !subReady) {
        warn(new Error(`redis ${pub.status}`), 'unavailable');
        local(message);
        return;
      }
      try {
        if (!o?.confirm) {
          await pub.publish(CHANNEL, message);
          return;
        }
        const id = randomBytes(9).toString('base64url');
        let done = () => {};
        const all = new Promise<void>((r) => (done = r));
        // `need` is unknown until PUBLISH answers; acks that come back before are counted meanwhile.
        const entry = { acked: 0, need: Number.POSITIVE_INFINITY, done };
        waiting.set(id, entry);
        try {
          entry.need = await pub.publish(CHANNEL, `ack:${id}:${message}`);
          if (entry.acked >= entry.need) done();
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, o.timeoutMs ?? 1000)))]);
          clearTimeout(timer);
        } finally {
          waiting.delete(id);
        }
      } catch (err) {
        warn(err, 'publish failed');
        local(message);
      }
    },
    onMessage(h) {
      handlers.push(h);
    },
    onReconnect(h) {
      reconnectHandlers.push(h);
    },
    healthy: () => pub.status === 'ready' && subReady,
    async close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}
