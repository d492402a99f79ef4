import type { Config } from '../config.js';
import { externalWrites, type Db } from '../storage/db.js';
import type { Committed } from '../events/change.js';
import { memoryBroker, type Broker } from './broker.js';
import { eventLog, type StoryMessage } from './event-log.js';
import { firstPageCache } from './first-page-cache.js';
import { streamHub } from './hub.js';
import { parseStoryMessage } from './public-events.js';
import { queueStreams } from './queue-streams.js';
import { redisBroker } from './redis-broker.js';
import { sequencer } from './sequencer.js';

type Log = { warn(obj: object, msg: string): void; info(msg: string): void };

/** Resuming is for dropped connections, not for history: the log keeps a day. */
export const EVENT_LOG_MAX_AGE_MS = 24 * 3_600_000;

/** A message between nodes that is not a numbered story event: `sync`, `purge` and `kick` (see below). */
const control = (type: 'sync' | 'purge' | 'kick', storyId = '') => JSON.stringify({ storyId, seq: 0, type, data: '' });

/**
 * Live updates for this node: the event log, the sequencer that numbers it, the broker to other nodes, the readers'
 * streams and the read cache.
 */
export function createRealtime(config: Config, db: Db, log: Log & { error?(obj: object, msg: string): void }) {
  const events = eventLog(db);
  const broker: Broker = config.redisUrl ? redisBroker(config.redisUrl, log) : memoryBroker();
  const hub = streamHub(events, { maxStreams: config.maxStreams, maxPerClient: config.streamsPerClient, heartbeatMs: config.heartbeatMs, maxReplay: 1000, maxQueuedBytes: 1 << 20, coalesceMs: config.liveCoalesceMs });
  const cache = firstPageCache({ maxEntries: 10_000, recheckMs: 250, maxAgeMs: 60_000, staleMs: config.firstPageStaleMs, externalWrites: externalWrites(db) });
  const numbering = sequencer({
    db,
    pollMs: config.dispatchPollMs,
    log: (err, msg) => log.warn({ err }, msg),
    publish: async (messages) => void (await Promise.all(messages.map((m) => broker.publish(JSON.stringify(m))))),
  });

  // `sync` (from the dispatcher): the story moved on; a node that missed a message finds out from the log, once.
  async function sync(storyId: string): Promise<void> {
    const seq = await events.currentSeq(storyId).catch(() => undefined);
    if (seq === undefined) return;
    cache.invalidateBelow(storyId, seq);
    hub.sync(storyId, seq);
  }
  // The console's live queue counts: told which sites' queues moved, never what (see queue-streams.ts).
  const queues = queueStreams({ maxStreams: 500, perUser: 8, heartbeatMs: config.heartbeatMs, coalesceMs: 500 });
  broker.onMessage((raw) => {
    const m = parseStoryMessage(raw);
    if (!m) return;
    if (m.type === 'queues') return queues.notify(siteList(m.data));
    if (m.type === 'sync') return void sync(m.storyId);
    if (m.type === 'purge') return cache.purge(m.storyId);
    if (m.type === 'kick') return void (numbering.holds() && numbering.kick());
    cache.markStale(m.storyId);
    hub.dispatch(m);
  });
  broker.onReconnect(() => hub.resync());

  /** Changes were recorded: the sequencer numbers them now, here if this node holds it, else wherever it runs. */
  async function wake(): Promise<void> {
    if (numbering.holds()) numbering.kick();
    else await broker.publish(control('kick'));
  }

  return {
    events,
    broker,
    hub,
    queues,
    cache,
    sequencer: numbering,
    /**
     * After a commit: this node's cached pages of the stories are stale at once (served at most a second longer
     * while rebuilt), and the sequencer is woken to number the change's public events for every node's readers. A
     * removal instead drops the stories' pages on every node, and waits until every node has (bounded), so nothing
     * removed is served once the request answers. The dispatcher's `sync` covers a node that dies here.
     */
    async afterCommit(c: Committed): Promise<void> {
      if (c.removal) {
        for (const id of c.stories) cache.purge(id);
        await Promise.all(c.stories.map((id) => broker.publish(control('purge', id), { confirm: true, timeoutMs: 1000 })));
      } else for (const id of c.stories) cache.markStale(id);
      if (c.public) await wake();
    },
    /** Tells every node's consoles that these sites' moderation queues moved (the dispatcher, after each batch). */
    async announceQueues(siteIds: ReadonlySet<string>): Promise<void> {
      if (siteIds.size) await broker.publish(JSON.stringify({ storyId: '', seq: 0, type: 'queues', data: JSON.stringify([...siteIds]) }));
    },
    /** Tells every node that these stories moved on (the dispatcher, after each batch). */
    async announce(storyIds: Iterable<string>): Promise<void> {
      for (const storyId of storyIds) await broker.publish(control('sync', storyId));
    },
    start(): void {
      numbering.start();
    },
    async close(): Promise<void> {
      await numbering.stop();
      hub.closeAll();
      queues.closeAll();
      await broker.close();
    },
  };
}

/** The site ids of a `queues` message; nothing when it is not a list of strings (a message from a newer node). */
function siteList(data: string): string[] {
  try {
    const v: unknown = JSON.parse(data);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** What the command line tells running nodes after its change committed (with Redis; see cli/db.ts). */
export async function tellNodes(broker: Broker, c: Committed, numbered: readonly StoryMessage[]): Promise<void> {
  if (c.removal) await Promise.all(c.stories.map((id) => broker.publish(control('purge', id), { confirm: true, timeoutMs: 1000 })));
  await Promise.all(numbered.map((m) => broker.publish(JSON.stringify(m))));
}
export type Realtime = ReturnType<typeof createRealtime>;
