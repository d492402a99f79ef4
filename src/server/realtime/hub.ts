import type { ServerResponse } from 'node:http';
import type { EventLog, StoryMessage } from './event-log.js';

/** One open event stream. `lastSeq` is the last event it was sent; `pending` buffers while it catches up. */
interface Stream {
  storyId: string;
  res: ServerResponse;
  lastSeq: number;
  pending: StoryMessage[] | null;
}

export interface HubOptions {
  maxStreams: number;
  /** Streams one client (see `admit`) may hold at once on this node, so one client cannot take every slot; no cap if unset. */
  maxPerClient?: number;
  heartbeatMs: number;
  /** Events replayed to a reconnecting reader at most; beyond it the reader is told to reload. */
  maxReplay: number;
  /** A reader this far behind (bytes queued on its socket) is dropped; it reconnects and resumes. */
  maxQueuedBytes: number;
  /** A story's messages arriving within this window go to each reader as one frame (one write); 0: each at once. */
  coalesceMs: number;
}

/** A stream slot taken by `admit`: given back once, when its stream closes or never opens. */
export interface StreamSlot {
  release(): void;
}

/** Why a new stream was refused: this node is full, or this client already holds its share. */
export type Refusal = 'node' | 'client';

function frame(m: StoryMessage): string {
  return `id: ${m.seq}\nevent: ${m.type}\ndata: ${m.data}\n\n`;
}

/**
 * This node's live readers, by story. Every message is framed once; a story's messages that arrive within
 * `coalesceMs` are joined into one frame and written to each reader of the story in ONE write, in story order (a
 * breaking story with 5,000 readers and 50 comments a second is then a few thousand writes a second, not 250,000,
 * each its own TCP packet). Every event in a frame keeps its own `id:`, so a reader resumes exactly after the last
 * one it processed. A reader that sees a gap (a message lost between nodes, or two arriving out of order) fetches
 * the missing events from the log first, so nothing is missed or repeated.
 */
export function streamHub(log: EventLog, opts: HubOptions) {
  const byStory = new Map<string, Set<Stream>>();
  /** Messages waiting for their story's frame, and the timer that sends it. */
  const waiting = new Map<string, StoryMessage[]>();
  /** The highest event number this node heard of, per story with readers here. */
  const heard = new Map<string, number>();
  // Slots taken (streams open, or admitted and still opening), in total and per client.
  let count = 0;
  const perClient = new Map<string, number>();
  const refused: Record<Refusal, number> = { node: 0, client: 0 };

  function slot(client: string | null): StreamSlot {
    count++;
    if (client !== null) perClient.set(client, (perClient.get(client) ?? 0) + 1);
    let held = true;
    return {
      release() {
        if (!held) return;
        held = false;
        count--;
        if (client === null) return;
        const n = (perClient.get(client) ?? 1) - 1;
        if (n > 0) perClient.set(client, n);
        else perClient.delete(client);
      },
    };
  }

  function write(s: Stream, text: string): void {
    if (s.res.writableLength > opts.maxQueuedBytes) {
      s.res.destroy();
      return;
    }
    s.res.write(text);
  }

  /**
   * Sends `s` what the log holds after its last event. `known` is a number the log is known to have reached when
   * asked (the story's counter, a `sync`, the message before a gap): the log is the truth up to it, and a missing
   * number there is an event scrubbed since. So the reader is moved to at least `known`, and a message of that range
   * still waiting in memory (a frame's window, the broker) is never sent: it may carry a removed comment's text.
   */
  async function catchUp(s: Stream, known: number): Promise<void> {
    try {
      for (;;) {
        const rows = await log.since(s.storyId, s.lastSeq, opts.maxReplay);
        for (const r of rows) {
          write(s, frame(r));
          s.lastSeq = r.seq;
        }
        if (rows.length < opts.maxReplay) break;
      }
    } catch {
      // The database is away: the reader reconnects later and resumes from its Last-Event-ID.
      s.res.destroy();
      return;
    }
    s.lastSeq = Math.max(s.lastSeq, known);
    const buffered = (s.pending ?? []).sort((a, b) => a.seq - b.seq);
    s.pending = null;
    for (const m of buffered) deliver(s, m, frame(m));
  }

  function deliver(s: Stream, m: StoryMessage, text: string): void {
    if (s.pending) {
      s.pending.push(m);
      return;
    }
    if (m.seq <= s.lastSeq) return;
    if (m.seq === s.lastSeq + 1) {
      write(s, text);
      s.lastSeq = m.seq;
      return;
    }
    s.pending = [m];
    void catchUp(s, m.seq - 1);
  }

  /** Sends a story's waiting messages: one frame, one write per reader that is in step with it. */
  function flush(storyId: string, msgs: StoryMessage[]): void {
    const set = byStory.get(storyId);
    if (!set || msgs.length === 0) return;
    msgs.sort((a, b) => a.seq - b.seq);
    const texts = msgs.map(frame);
    const first = msgs[0] as StoryMessage;
    const last = msgs[msgs.length - 1] as StoryMessage;
    const contiguous = last.seq - first.seq === msgs.length - 1;
    const whole = contiguous ? texts.join('') : '';
    for (const s of set) {
      if (contiguous && !s.pending && s.lastSeq === first.seq - 1) {
        write(s, whole);
        s.lastSeq = last.seq;
      } else msgs.forEach((m, i) => deliver(s, m, texts[i] as string));
    }
  }

  const heartbeat = setInterval(() => {
    for (const set of byStory.values()) for (const s of set) write(s, ': hb\n\n');
  }, opts.heartbeatMs);
  heartbeat.unref();

  return {
    get size(): number {
      return count;
    },
    /** Streams refused since start, by reason (for metrics: many `client` refusals may mean readers share an address). */
    get refused(): Readonly<Record<Refusal, number>> {
      return refused;
    },

    /**
     * Takes a slot for a new stream of `client` (a user, or an address), or says why not. Taken at once, before
     * any await, so a burst of parallel requests from one client cannot all pass the check before any is counted.
     */
    admit(client: string): StreamSlot | Refusal {
      let reason: Refusal | null = null;
      if (count >= opts.maxStreams) reason = 'node';
      else if ((perClient.get(client) ?? 0) >= (opts.maxPerClient ?? Infinity)) reason = 'client';
      if (reason === null) return slot(client);
      refused[reason]++;
      return reason;
    },

    /**
     * Adds a reader, holding `held` (from `admit`; without one it takes an untracked slot) until its response
     * closes. With `lastEventId` it first receives what it missed; without, it starts from now. Registered before
     * the log is read, so nothing published meanwhile slips between the two.
     */
    async open(storyId: string, res: ServerResponse, lastEventId: number | null, held: StreamSlot = slot(null)): Promise<void> {
      const s: Stream = { storyId, res, lastSeq: 0, pending: [] };
      let set = byStory.get(storyId);
      if (!set) byStory.set(storyId, (set = new Set()));
      set.add(s);
      const close = () => {
        set.delete(s);
        held.release();
        if (set.size === 0 && byStory.get(storyId) === set) {
          byStory.delete(storyId);
          heard.delete(storyId);
        }
      };
      // A client that went away while its request was being checked: nothing to keep.
      if (res.destroyed || res.writableEnded) return close();
      res.on('close', close);
      const current = (await log.currentSeq(storyId)) ?? 0;
      if (lastEventId === null || lastEventId > current || current - lastEventId > opts.maxReplay) {
        // New reader, or one too far behind (or from an older database): it starts from now; the widget reloads
        // its list on `reset`.
        if (lastEventId !== null) write(s, `event: reset\ndata: {}\n\n`);
        s.lastSeq = current;
        const buffered = (s.pending ?? []).sort((a, b) => a.seq - b.seq);
        s.pending = null;
        write(s, `event: ready\ndata: {"seq":${current}}\n\n`);
        for (const m of buffered) deliver(s, m, frame(m));
        return;
      }
      s.lastSeq = lastEventId;
      write(s, `event: ready\ndata: {"seq":${current}}\n\n`);
      await catchUp(s, current);
    },

    /** A message from the broker: to every reader of its story on this node, in the story's next frame. */
    dispatch(m: StoryMessage): void {
      if (!byStory.has(m.storyId)) return;
      if (m.seq > (heard.get(m.storyId) ?? 0)) heard.set(m.storyId, m.seq);
      if (opts.coalesceMs <= 0) return flush(m.storyId, [m]);
      const batch = waiting.get(m.storyId);
      if (batch) return void batch.push(m);
      waiting.set(m.storyId, [m]);
      setTimeout(() => {
        const msgs = waiting.get(m.storyId) ?? [];
        waiting.delete(m.storyId);
        flush(m.storyId, msgs);
      }, opts.coalesceMs).unref();
    },

    /** The story is at `seq`: readers behind it (a message that never came) catch up from the log. */
    sync(storyId: string, seq: number): void {
      // This node already heard of that event (it may still wait in its frame's window): nothing was lost, and
      // sending every reader of a breaking story to the log at once would be thousands of queries for nothing.
      if ((heard.get(storyId) ?? 0) >= seq) return;
      for (const s of byStory.get(storyId) ?? [])
        if (!s.pending && s.lastSeq < seq) {
          s.pending = [];
          void catchUp(s, seq);
        }
    },

    /** After a broker outage: every reader checks the log for what it missed. */
    resync(): void {
      for (const set of byStory.values())
        for (const s of set)
          if (!s.pending) {
            s.pending = [];
            void catchUp(s, 0);
          }
    },

    /** Ends every stream (shutdown): readers reconnect to another node and resume. */
    closeAll(): void {
      clearInterval(heartbeat);
      for (const set of byStory.values()) for (const s of set) s.res.end();
    },
  };
}
export type StreamHub = ReturnType<typeof streamHub>;
