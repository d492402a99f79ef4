import type { Db } from '../storage/db.js';
import { webhooksRepository } from '../webhooks/repository.js';
import { webhookScrubber } from '../webhooks/events.js';
import { changeRunner, type Committed } from './change.js';
import { outboxStore } from './outbox.js';

/**
 * The write side every process shares (the server, the command line, tests): the outbox, and the change runner
 * with the removal hooks of the features that keep copies of comments. `afterCommit` is the process's own fast path
 * (the server's live streams and caches; the command line's broker when Redis is configured).
 */
export function createChanges(db: Db, opts: { afterCommit?: (c: Committed) => Promise<void>; logError?: (err: unknown, msg: string) => void } = {}) {
  const outbox = outboxStore(db);
  const change = changeRunner({
    db,
    outbox,
    removalHooks: [webhookScrubber({ webhooks: webhooksRepository(db) })],
    afterCommit: opts.afterCommit ?? (async () => {}),
    logError: opts.logError ?? (() => {}),
  });
  return { outbox, change };
}
