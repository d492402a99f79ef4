/** A page as cached: its bytes and the story's event number it was built at. */
export interface BuiltPage {
  seq: number;
  body: Buffer;
}

interface Entry extends BuiltPage {
  storyId: string;
  checkedAt: number;
  createdAt: number;
  /** When the story moved on since this page was built (null: still current). */
  staleSince: number | null;
}

export interface FirstPageCacheOptions {
  maxEntries: number;
  /** A current entry is re-checked against the story's event number at least this often (a message lost between nodes). */
  recheckMs: number;
  maxAgeMs: number;
  /** How long a page may still be served after its story moved on, while one rebuild runs (stale-while-revalidate). */
  staleMs: number;
  externalWrites?: (() => boolean) | undefined;
}

/**
 * The first page of a story's comments as anonymous readers get it, serialised once. A breaking story is read by
 * thousands of readers for each comment posted: when the story moves on, readers keep getting the previous page for
 * at most `staleMs` while ONE rebuild per page runs (the others wait for it rather than each rebuilding), so a burst
 * of comments cannot turn every read into a database query. A removal is different: `purge` drops the story's pages
 * at once, and a rebuild that started before it is thrown away, so nothing removed is served again.
 */
export function firstPageCache(opts: FirstPageCacheOptions) {
  // Bodies are kept as bytes: sent as they are, with no UTF-8 encoding or length count per request.
  const entries = new Map<string, Entry>();
  const keysByStory = new Map<string, Set<string>>();
  const building = new Map<string, Promise<Buffer>>();
  /** Moves on every change of a story: a rebuild that saw an older generation is not stored as current. */
  const generation = new Map<string, number>();
  const gen = (storyId: string) => generation.get(storyId) ?? 0;
  const bump = (storyId: string) => generation.set(storyId, gen(storyId) + 1);

  function store(key: string, storyId: string, page: BuiltPage, staleSince: number | null, now: number): void {
    if (!entries.has(key) && entries.size >= opts.maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    entries.set(key, { ...page, storyId, checkedAt: now, createdAt: now, staleSince });
    let keys = keysByStory.get(storyId);
    if (!keys) keysByStory.set(storyId, (keys = new Set()));
    keys.add(key);
  }

  function rebuild(key: string, storyId: string, build: () => Promise<BuiltPage>): Promise<Buffer> {
    const inFlight = building.get(key);
    if (inFlight) return inFlight;
    const startedAt = gen(storyId);
    const flight = build().then(
      (page) => {
        if (building.get(key) === flight) building.delete(key);
        const now = Date.now();
        const was = entries.get(key);
        if (startedAt === gen(storyId)) store(key, storyId, page, null, now);
        // The story moved on while it was built: newer than what is cached, still due for a rebuild. Unless it was
        // purged meanwhile (no entry and no later build): then it is never stored.
        else if (was) store(key, storyId, page, was.staleSince ?? now, now);
        return page.body;
      },
      (err: unknown) => {
        if (building.get(key) === flight) building.delete(key);
        throw err;
      },
    );
    building.set(key, flight);
    return flight;
  }

  function markStale(storyId: string, now = Date.now(), below?: number): void {
    bump(storyId);
    for (const k of keysByStory.get(storyId) ?? []) {
      const e = entries.get(k);
      if (e && (below === undefined || e.seq < below)) e.staleSince ??= now;
    }
  }

  function purge(storyId: string): void {
    bump(storyId);
    const keys = keysByStory.get(storyId);
    if (!keys) return;
    for (const k of keys) {
      entries.delete(k);
      building.delete(k);
    }
    keysByStory.delete(storyId);
  }

  return {
    /**
     * The page for `key`: cached and current, or cached and at most `staleMs` behind (a rebuild starts), or built
     * now (one build at a time per key; concurrent readers share it).
     */
    async load(key: string, storyId: string, currentSeq: () => Promise<number | undefined>, build: () => Promise<BuiltPage>, now = Date.now()): Promise<Buffer> {
      // Another process (the command line) wrote to the database: it may have removed something; start afresh.
      if (opts.externalWrites?.()) for (const id of [...keysByStory.keys()]) purge(id);
      let e = entries.get(key);
      if (e && now - e.createdAt > opts.maxAgeMs) {
        entries.delete(key);
        e = undefined;
      }
      if (e && e.staleSince === null && now - e.checkedAt >= opts.recheckMs) {
        // The story moved on and no message said how (the command line, a lost message): it may have been a
        // removal, so the page is not served again.
        if ((await currentSeq()) !== e.seq) {
          entries.delete(key);
          e = undefined;
        } else e.checkedAt = now;
      }
      if (e && e.staleSince === null) return e.body;
      if (e && now - (e.staleSince ?? now) <= opts.staleMs) {
        rebuild(key, storyId, build).catch(() => {});
        return e.body;
      }
      return rebuild(key, storyId, build);
    },
    /** The story moved on (a new or changed public event): its pages are served a little longer while rebuilt. */
    markStale,
    /** Pages built before the story's event `seq` (another node's change the broker did not bring) are stale. */
    invalidateBelow(storyId: string, seq: number): void {
      markStale(storyId, Date.now(), seq);
    },
    /** Something public was taken back: the story's pages go now, and no rebuild under way is kept. */
    purge,
  };
}
export type FirstPageCache = ReturnType<typeof firstPageCache>;
