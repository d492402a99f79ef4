import { session } from './api.js';

/** Longest wait before trying the stream again after it failed: a node restarting, a proxy hanging up. */
const MAX_RETRY_MS = 60_000;

/**
 * Follows the console's live stream (GET /api/v1/admin/moderation/live): `onMove` gets the ids of the sites whose
 * queues moved, `onLive` whether the stream is up (the queue polls slower while it is). Read with fetch rather
 * than EventSource so the bearer token goes in a header, never in the URL. Reconnects with a doubling delay; stops
 * for good on 401/403 (signed out, no longer a moderator). Returns the function that stops it.
 */
export function followQueues(onMove: (siteIds: string[]) => void, onLive: (up: boolean) => void): () => void {
  let stopped = false;
  let ctrl: AbortController | undefined;
  let delay = 1000;
  async function once(): Promise<boolean> {
    ctrl = new AbortController();
    const token = session.get();
    const res = await fetch('/api/v1/admin/moderation/live', { headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) }, credentials: 'omit', signal: ctrl.signal });
    if (res.status === 401 || res.status === 403) return false;
    if (!res.ok || !res.body) return true;
    onLive(true);
    delay = 1000;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return true;
      buf += value;
      for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = /^event: queues$/m.test(block) ? /^data: (.*)$/m.exec(block)?.[1] : undefined;
        if (data === undefined) continue;
        try {
          const ids = (JSON.parse(data) as { siteIds?: unknown }).siteIds;
          if (Array.isArray(ids)) onMove(ids.filter((x): x is string => typeof x === 'string'));
        } catch {
          // a frame we cannot read: the next one, or the polling, brings the counts
        }
      }
    }
  }
  void (async () => {
    while (!stopped) {
      const again = await once().catch(() => true);
      onLive(false);
      if (!again || stopped) return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  })();
  return () => {
    stopped = true;
    ctrl?.abort();
  };
}
