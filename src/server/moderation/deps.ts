import type { Db } from '../storage/db.js';
import { staffRepository } from './admin/access.js';
import { queueRepository } from './admin/queues.js';
import { auditLog } from './audit.js';
import { pipelineModerator } from './moderator.js';
import { moderationRepository } from './repository.js';
import { scorerSource } from './scorers.js';

/** Moderation's part of the composition root: its storage, the per-site classifiers and the pipeline seam. */
export function createModerationDeps(db: Db, opts: { modelsDir?: string; now?: () => number } = {}) {
  const repo = moderationRepository(db);
  const scorers = scorerSource(db, opts.modelsDir ? { modelsDir: opts.modelsDir } : {});
  return {
    repo,
    scorers,
    audit: auditLog(db),
    staff: staffRepository(db),
    queues: queueRepository(db),
    /** CommentDeps.moderate: runs the pipeline on every new or edited comment. */
    moderate: pipelineModerator({ moderation: repo, scorers, ...(opts.now ? { now: opts.now } : {}) }),
  };
}
export type ModerationDeps = ReturnType<typeof createModerationDeps>;
