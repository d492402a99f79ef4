import { Redis } from 'ioredis';
import type { Broker } from './broker.js';

const CHANNEL = 'agora:story-events';

/**
 * Broker over Redis pub/sub, for several nodes. Losing Redis degrades live updates only: publishing fails fast (no
 * offline queue, so a request never waits for Redis), the message is still delivered to this node's readers, a
 * warning is logged, and when Redis returns every node's readers catch up from the database event log.
 */
export function redisBroker(url: string, log: { warn(obj: object, msg: string): void; info(msg: string): void }): Broker {
  const handlers: ((m: string) => void)[] = [];
  const reconnectHandlers: (() => void)[] = [];
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
    void sub.subscribe(CHANNEL).catch((err: unknown) => warn(err, 'subscribe failed'));
    if (wasDown) {
      log.info('redis is back: live updates cross nodes again');
      reconnectHandlers.forEach((h) => h());
    }
  });
  sub.on('close', () => {
    if (subReady) wasDown = true;
    subReady = false;
  });
  sub.on('message', (_channel: string, message: string) => handlers.forEach((h) => h(message)));
  const local = (message: string) => queueMicrotask(() => handlers.forEach((h) => h(message)));

  return {
    async publish(message) {
      if (pub.status !== 'ready' || !subReady) {
        warn(new Error(`redis ${pub.status}`), 'unavailable');
        local(message);
        return;
      }
      try {
        await pub.publish(CHANNEL, message);
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
