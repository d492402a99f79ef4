import type { JobQueue } from './queue.js';

/** How often the live event log drops old events (what realtime did with its own timer). */
export const PRUNE_EVENTS_EVERY_MS = 3_600_000;
/** How often dead jobs past their retention are deleted: hourly keeps each delete small. */
export const PURGE_DEAD_JOBS_EVERY_MS = 3_600_000;

/** The kinds of the recurring housekeeping jobs, as they appear in the jobs table and logs. */
export const HOUSEKEEPING = {
  privacySweep: 'housekeeping.privacy-sweep',
  pruneEvents: 'housekeeping.prune-events',
  purgeDeadJobs: 'housekeeping.purge-dead-jobs',
} as const;

export interface Housekeeping {
  /** Carries out due account deletions; with `sweepEveryMs` > 0 (0 or absent: not scheduled from this node). */
  sweep?: () => Promise<void>;
  sweepEveryMs?: number;
  /** Drops old events from the live event log. */
  pruneEvents?: () => Promise<void>;
  pruneEveryMs?: number;
}

/**
 * Puts the periodic maintenance on the durable job queue instead of a timer per HTTP plugin, so that with several
 * nodes each task runs on one node per interval, a failure is logged and retried at the next interval, and nothing
 * runs on a node that does not run jobs. Only the tasks given are scheduled; dead-job retention always is. Calling
 * it again (from another plugin) adds tasks and replaces the schedules of the ones given again.
 */
export function registerHousekeeping(jobs: Pick<JobQueue, 'every' | 'purgeDead'>, h: Housekeeping = {}): void {
  if (h.sweep && h.sweepEveryMs && h.sweepEveryMs > 0) jobs.every(HOUSEKEEPING.privacySweep, h.sweepEveryMs, h.sweep);
  if (h.pruneEvents) jobs.every(HOUSEKEEPING.pruneEvents, h.pruneEveryMs ?? PRUNE_EVENTS_EVERY_MS, h.pruneEvents);
  jobs.every(HOUSEKEEPING.purgeDeadJobs, PURGE_DEAD_JOBS_EVERY_MS, async () => {
    await jobs.purgeDead();
  });
}
