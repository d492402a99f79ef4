import type { Config } from '../config.js';
import { externalWrites, type Db } from '../storage/db.js';
import type { Committed } from '../events/change.js';
import { memoryBroker, type Broker } from './broker.js';
import { eventLog } from './event-log.js';
import { firstPageCache } from './first-page-cache.js';
import { streamHub } from './hub.js';
import { parseStoryMessage } from './public-events.js';
import { redisBroker } from './redis-broker.js';

type Log = { warn(obj: object, msg: string): void; info(msg: string): void };

/** Resuming is for dropped connections, not for history: the log keeps a day. */
export const EVENT_LOG_MAX_AGE_MS = 24 * 3_600_000;

/** Live updates for this node: the event log, the broker to other nodes, the readers' streams and the read cache. */
export function createRealtime(config: Config, db: Db, log: Log) {
  const events = eventLog(db);
  const broker: Broker = config.redisUrl ? redisBroker(config.redisUrl, log) : memoryBroker();
  const hub = streamHub(events, { maxStreams: config.maxStreams, maxPerClient: config.streamsPerClient, heartbeatMs: config.heartbeatMs, maxReplay: 1000, maxQueuedBytes: 1 << 20 });
  const cache = firstPageCache({ maxEntries: 10_000, recheckMs: 250, maxAgeMs: 60_000, externalWrites: externalWrites(db) });

  // `sync` (from the dispatcher): the story moved on; a node that missed a message finds out from the log, once.
  async function sync(storyId: string): Promise<void> {
    const seq = await events.currentSeq(storyId).catch(() => undefined);
    if (seq === undefined) return;
    cache.invalidateBelow(storyId, seq);
    hub.sync(storyId, seq);
  }
  broker.onMessage((raw) => {
    const m = parseStoryMessage(raw);
    if (!m) return;
    if (m.type === 'sync') return void sync(m.storyId);
    cache.invalidate(m.storyId);
    hub.dispatch(m);
  });
  broker.onReconnect(() => hub.resync());
  return {
    events,
    broker,
    hub,
    cache,
    /**
     * The fast path after a commit: this node's cached pages of the stories go at once, and the change's public
     * events go to every node's readers. A removal waits until every node has dropped its copies (bounded), so
     * nothing removed is served once the request answers. The dispatcher's `sync` covers a node that dies here.
     */
    async afterCommit(c: Committed): Promise<void> {
      for (const id of c.stories) cache.invalidate(id);
      const sends = c.messages.map((m) => broker.publish(JSON.stringify(m), c.removal ? { confirm: true, timeoutMs: 1000 } : undefined));
      if (c.removal) await Promise.all(sends);
    },
    /** Tells every node that these stories moved on (the dispatcher, after each batch). */
    async announce(storyIds: Iterable<string>): Promise<void> {
      for (const storyId of storyIds) await broker.publish(JSON.stringify({ storyId, seq: 0, type: 'sync', data: '' }));
    },
    async close(): Promise<void> {
      hub.closeAll();
      await broker.close();
    },
  };
}
export type Realtime = ReturnType<typeof createRealtime>;
