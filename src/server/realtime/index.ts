import type { Config } from '../config.js';
import type { Db } from '../storage/db.js';
import type { EventBus } from '../events/bus.js';
import { memoryBroker, type Broker } from './broker.js';
import { eventLog } from './event-log.js';
import { firstPageCache } from './first-page-cache.js';
import { streamHub } from './hub.js';
import { parseStoryMessage, publishPublicEvents } from './public-events.js';
import { redisBroker } from './redis-broker.js';

type Log = { warn(obj: object, msg: string): void; info(msg: string): void };

/** Live updates for this node: the event log, the broker to other nodes, the readers' streams and the read cache. */
export function createRealtime(config: Config, db: Db, bus: EventBus, log: Log) {
  const events = eventLog(db);
  const broker: Broker = config.redisUrl ? redisBroker(config.redisUrl, log) : memoryBroker();
  const hub = streamHub(events, { maxStreams: config.maxStreams, heartbeatMs: config.heartbeatMs, maxReplay: 1000, maxQueuedBytes: 1 << 20 });
  const cache = firstPageCache({ maxEntries: 10_000, recheckMs: 250, maxAgeMs: 60_000 });
  publishPublicEvents(bus, events, broker);
  broker.onMessage((raw) => {
    const m = parseStoryMessage(raw);
    if (!m) return;
    cache.invalidate(m.storyId);
    hub.dispatch(m);
  });
  broker.onReconnect(() => hub.resync());
  const prune = setInterval(() => void events.prune(24 * 3_600_000).catch(() => {}), 3_600_000);
  prune.unref();
  return {
    events,
    broker,
    hub,
    cache,
    async close(): Promise<void> {
      clearInterval(prune);
      hub.closeAll();
      await broker.close();
    },
  };
}
export type Realtime = ReturnType<typeof createRealtime>;
