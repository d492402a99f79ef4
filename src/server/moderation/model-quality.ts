import type { Db } from '../storage/db.js';
import { loadClassifiers, type Classifiers, type ModelTask } from './classifiers/index.js';
import type { ModelFile } from './classifiers/model-file.js';

/** How one model would have decided a site's recent decisions, at its own threshold. */
export interface QualityFigures {
  /** Of the comments the model would hold, the share moderators rejected (null: it would hold none). */
  holdPrecision: number | null;
  /** Of the comments moderators rejected, the share the model would have let through (null: none rejected). */
  missedRejections: number | null;
}

export interface ModelQuality {
  task: ModelTask;
  decisions: number;
  rejected: number;
  shipped: QualityFigures;
  /** The site's own model, when one is stored; it has learnt from these decisions, so this is in-sample. */
  site: (QualityFigures & { trainedAt: string; examples: number }) | null;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function figures(c: Classifiers, task: ModelTask, rows: { text: string; label: number }[]): QualityFigures {
  const lang = task === 'toxicity-fr' ? 'fr' : 'en';
  const threshold = task === 'spam' ? c.thresholds.spam : c.thresholds.toxicity[lang];
  const held = rows.map((r) => (task === 'spam' ? c.spam(r.text) : c.toxicity(r.text, lang)) >= threshold);
  const nHeld = held.filter(Boolean).length;
  const heldAndRejected = rows.filter((r, i) => held[i] && r.label === 1).length;
  const rejected = rows.filter((r) => r.label === 1).length;
  const missed = rows.filter((r, i) => !held[i] && r.label === 1).length;
  return { holdPrecision: nHeld ? round(heldAndRejected / nHeld) : null, missedRejections: rejected ? round(missed / rejected) : null };
}

/**
 * Model quality for a newsroom (issue 15, point 3): how the shipped model and the site's own model would have done on
 * the site's last `last` moderator decisions. Read-only and bounded (at most 1,000 decisions, ~1 ms each), so it can
 * answer a console request; retraining itself stays a job (`agora moderation retrain`). The site model has learnt
 * from most of these decisions: its figures are optimistic, the retrain's held-back agreement is the honest one.
 */
export async function modelQuality(db: Db, siteId: string, last = 200): Promise<ModelQuality[]> {
  const n = Math.max(10, Math.min(1000, Math.floor(last)));
  const rows = await db.selectFrom('moderation_examples').select(['text', 'lang', 'label', 'kind']).where('site_id', '=', siteId).orderBy('created_at', 'desc').limit(n).execute();
  const stored = await db.selectFrom('moderation_models').select(['task', 'model', 'trained_at', 'examples']).where('site_id', '=', siteId).execute();
  const shipped = await loadClassifiers();
  const overrides: Partial<Record<ModelTask, ModelFile>> = {};
  for (const s of stored) overrides[s.task as ModelTask] = JSON.parse(s.model) as ModelFile;
  const site = stored.length ? await loadClassifiers({ overrides }) : null;
  const out: ModelQuality[] = [];
  for (const task of ['toxicity-fr', 'toxicity-en', 'spam'] as const) {
    // The same mapping as retraining: approvals teach every model, rejections the one of their kind.
    const mine = rows
      .filter((r) => (task === 'spam' ? r.kind === 'spam' || r.kind === 'approved' : r.kind !== 'spam' && (r.lang === 'fr' ? 'toxicity-fr' : 'toxicity-en') === task))
      .map((r) => ({ text: r.text, label: r.kind === 'approved' ? 0 : 1 }));
    const s = stored.find((x) => x.task === task);
    out.push({
      task,
      decisions: mine.length,
      rejected: mine.filter((r) => r.label === 1).length,
      shipped: figures(shipped, task, mine),
      site: site && s ? { ...figures(site, task, mine), trainedAt: s.trained_at, examples: s.examples } : null,
    });
  }
  return out;
}
