import type { Db } from '../../storage/db.js';
import type { ScorerSource } from '../scorers.js';
import { assertSite, type Scope } from './access.js';

/** How far back a preview looks, and how many comments it reads at most (newest first). */
const DAYS = 7;
const MAX_ROWS = 20_000;

export interface ThresholdPreview {
  days: number;
  /** Comments of the period that have a stored score for the task. */
  scored: number;
  /** Of those, how many score at or above the threshold asked about: what it would have held (or rejected). */
  atOrAbove: number;
  /** The shipped model's own thresholds, what "model default" means for this site. */
  modelDefault: { toxicity: { fr: number; en: number }; spam: number };
}

/**
 * What a threshold would have caught over the last week, from the scores stored with each comment's verdict (no
 * model is run again). A comment the pipeline stopped before scoring (banned word, closed story) is not counted.
 */
export async function previewThreshold(deps: { db: Db; scorers: ScorerSource }, scope: Scope, siteId: string, task: 'toxicity' | 'spam', threshold: number): Promise<ThresholdPreview> {
  assertSite(scope, siteId);
  const since = new Date(Date.now() - DAYS * 86_400_000).toISOString();
  const rows = await deps.db
    .selectFrom('comments')
    .select('moderation')
    .where('site_id', '=', siteId)
    .where('created_at', '>=', since)
    .where('moderation', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(MAX_ROWS)
    .execute();
  let scored = 0;
  let atOrAbove = 0;
  for (const r of rows) {
    let score: unknown;
    try {
      score = (JSON.parse(r.moderation ?? '{}') as { scores?: Record<string, unknown> }).scores?.[task];
    } catch {
      continue; // an unreadable verdict is not counted
    }
    if (typeof score !== 'number') continue;
    scored++;
    if (score >= threshold) atOrAbove++;
  }
  const scorer = await deps.scorers.forSite(siteId);
  return { days: DAYS, scored, atOrAbove, modelDefault: scorer.thresholds };
}
