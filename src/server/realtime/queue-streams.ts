import type { ServerResponse } from 'node:http';
import type { DomainEvent } from '../events/domain.js';

/**
 * Live queue counts for the console (issue 13, point 6): moderators hold one stream each, and are told "site X's
 * queues moved" whenever a comment there is created, edited, moderated, deleted or cleared of its reports, on any
 * node (the dispatcher announces the sites over the broker: realtime/index.ts). The stream carries only site ids:
 * the console asks for its counts, within its own scope and filters, as it always did. Reactions change no queue.
 */
export function queueEventSites(events: readonly DomainEvent[]): Set<string> {
  return new Set(events.filter((e) => e.type !== 'comment.reaction' && e.type !== 'story.created').map((e) => e.siteId));
}

interface Stream {
  res: ServerResponse;
  userId: string;
  /** Sites the moderator covers; null for every site. */
  siteIds: string[] | null;
  /** Sites announced since the last write: a burst of comments is one frame per `coalesceMs`. */
  pending: Set<string>;
  timer: NodeJS.Timeout | null;
}

export interface QueueStreamOptions {
  /** Streams a node holds at most: consoles are few, but a bug in one must not hold a node's sockets. */
  maxStreams: number;
  /** Streams one moderator holds at most on a node (a console per tab, a few tabs). */
  perUser: number;
  heartbeatMs: number;
  coalesceMs: number;
}

/** The staff streams of one node. */
export function queueStreams(opts: QueueStreamOptions) {
  const streams = new Set<Stream>();
  const heartbeat = setInterval(() => streams.forEach((s) => s.res.write(': hb\n\n')), opts.heartbeatMs);
  heartbeat.unref();

  function flush(s: Stream): void {
    s.timer = null;
    if (s.pending.size === 0) return;
    s.res.write(`event: queues\ndata: ${JSON.stringify({ siteIds: [...s.pending] })}\n\n`);
    s.pending.clear();
  }

  return {
    /** Whether one more stream of `userId` fits: false when the node or the moderator holds their share. */
    admits(userId: string): boolean {
      if (streams.size >= opts.maxStreams) return false;
      let mine = 0;
      for (const s of streams) if (s.userId === userId) mine++;
      return mine < opts.perUser;
    },
    /** Serves `res` (headers already written) until the client goes away. */
    open(res: ServerResponse, userId: string, siteIds: string[] | null): void {
      const s: Stream = { res, userId, siteIds, pending: new Set(), timer: null };
      streams.add(s);
      res.write('retry: 5000\n\n');
      res.on('close', () => {
        if (s.timer) clearTimeout(s.timer);
        streams.delete(s);
      });
    },
    /** Sites whose queues moved: each stream that covers one of them is told, once per `coalesceMs` at most. */
    notify(siteIds: Iterable<string>): void {
      const list = [...siteIds];
      for (const s of streams) {
        const mine = list.filter((id) => s.siteIds === null || s.siteIds.includes(id));
        if (mine.length === 0) continue;
        mine.forEach((id) => s.pending.add(id));
        s.timer ??= setTimeout(() => flush(s), opts.coalesceMs);
      }
    },
    size: () => streams.size,
    closeAll(): void {
      clearInterval(heartbeat);
      for (const s of streams) {
        if (s.timer) clearTimeout(s.timer);
        s.res.end();
      }
      streams.clear();
    },
  };
}
export type QueueStreams = ReturnType<typeof queueStreams>;
