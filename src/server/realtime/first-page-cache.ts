/**
 * The first page of a story's comments as anonymous readers get it, serialised once. A hot story is read by
 * hundreds of readers for each comment posted, so reads are served from here; an entry is dropped by any event of
 * its story (from this node or another, through the broker) and re-checked against the story's event number at
 * least every `recheckMs`, so even with the broker down a reader never sees a page staler than that.
 */
export function firstPageCache(opts: { maxEntries: number; recheckMs: number; maxAgeMs: number; externalWrites?: (() => boolean) | undefined }) {
  // Bodies are kept as bytes: sent as they are, with no UTF-8 encoding or length count per request.
  const entries = new Map<string, { storyId: string; seq: number; body: Buffer; checkedAt: number; createdAt: number }>();
  const keysByStory = new Map<string, Set<string>>();
  return {
    /** The cached body when still valid; `currentSeq` is asked only when the entry is due for a re-check. */
    async get(key: string, currentSeq: () => Promise<number | undefined>, now = Date.now()): Promise<Buffer | undefined> {
      const e = entries.get(key);
      if (!e) return undefined;
      if (now - e.createdAt > opts.maxAgeMs) {
        entries.delete(key);
        return undefined;
      }
      // Another process (the command line) wrote to the database: every entry is re-checked once before it is served.
      if (opts.externalWrites?.()) for (const other of entries.values()) other.checkedAt = 0;
      if (now - e.checkedAt < opts.recheckMs) return e.body;
      if ((await currentSeq()) !== e.seq) {
        entries.delete(key);
        return undefined;
      }
      e.checkedAt = now;
      return e.body;
    },
    set(key: string, storyId: string, seq: number, body: Buffer, now = Date.now()): void {
      if (entries.size >= opts.maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(key, { storyId, seq, body, checkedAt: now, createdAt: now });
      let keys = keysByStory.get(storyId);
      if (!keys) keysByStory.set(storyId, (keys = new Set()));
      keys.add(key);
    },
    /** Drops a story's entries built before its event `seq` (another node's change the broker did not bring). */
    invalidateBelow(storyId: string, seq: number): void {
      for (const k of keysByStory.get(storyId) ?? []) if ((entries.get(k)?.seq ?? seq) < seq) entries.delete(k);
    },
    invalidate(storyId: string): void {
      const keys = keysByStory.get(storyId);
      if (!keys) return;
      for (const k of keys) entries.delete(k);
      keysByStory.delete(storyId);
    },
  };
}
export type FirstPageCache = ReturnType<typeof firstPageCache>;
