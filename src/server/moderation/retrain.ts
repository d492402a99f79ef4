import type { Db } from '../storage/db.js';
import { nowIso } from '../storage/ids.js';
import { auditLog } from './audit.js';
import { loadClassifiers, type LabelledText, type ModelTask } from './classifiers/index.js';

/** Below this many decisions for a model, retraining would only add noise: that model is left as shipped. */
export const MIN_EXAMPLES = 10;

/** What a retrain did, per model: how many decisions it learnt from, and agreement with held-back decisions. */
export interface RetrainResult {
  siteId: string;
  models: { task: ModelTask; examples: number; heldBack: number; agreementBefore: number | null; agreementAfter: number | null }[];
  skipped: { task: ModelTask; examples: number }[];
}

/** Which model a stored decision teaches: approvals teach both (as clean text), rejections the one of their kind. */
function tasksOf(e: { kind: string; lang: string }): ModelTask[] {
  const tox: ModelTask = e.lang === 'fr' ? 'toxicity-fr' : 'toxicity-en';
  if (e.kind === 'approved') return [tox, 'spam'];
  return e.kind === 'spam' ? ['spam'] : [tox];
}

// A stable split by text, so the same decisions are held back each time and the figures are comparable.
const heldBack = (text: string) => {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return (h >>> 0) % 5 === 0;
};

/**
 * Retrains a site's models from its moderators' decisions, starting each time from the shipped models (so retrains
 * never compound), and stores them; the pipeline picks them up on every node. With enough decisions, one in five is
 * held back first to measure agreement before and after, then the stored model learns from all of them.
 */
export async function retrainSite(deps: { db: Db; onRetrained?: (siteId: string) => void }, siteId: string, actorId: string | null): Promise<RetrainResult> {
  const rows = await deps.db.selectFrom('moderation_examples').select(['text', 'lang', 'label', 'kind']).where('site_id', '=', siteId).execute();
  const byTask = new Map<ModelTask, LabelledText[]>();
  for (const r of rows) for (const t of tasksOf(r)) byTask.set(t, [...(byTask.get(t) ?? []), { text: r.text, label: r.label === 1 ? 1 : 0, lang: r.lang }]);
  const result: RetrainResult = { siteId, models: [], skipped: [] };
  for (const task of ['toxicity-fr', 'toxicity-en', 'spam'] as const) {
    const examples = byTask.get(task) ?? [];
    if (examples.length < MIN_EXAMPLES) {
      result.skipped.push({ task, examples: examples.length });
      continue;
    }
    const test = examples.filter((e) => heldBack(e.text));
    const train = examples.filter((e) => !heldBack(e.text));
    let agreementBefore: number | null = null;
    let agreementAfter: number | null = null;
    if (test.length >= 2 && train.length >= MIN_EXAMPLES) {
      const probe = await loadClassifiers();
      agreementBefore = agreement(probe, task, test);
      probe.retrain(task, train);
      agreementAfter = agreement(probe, task, test);
    }
    const fresh = await loadClassifiers();
    const model = fresh.retrain(task, examples);
    const at = nowIso();
    const json = JSON.stringify(model);
    await deps.db
      .insertInto('moderation_models')
      .values({ site_id: siteId, task, model: json, examples: examples.length, trained_at: at })
      .onConflict((oc) => oc.columns(['site_id', 'task']).doUpdateSet({ model: json, examples: examples.length, trained_at: at }))
      .execute();
    result.models.push({ task, examples: examples.length, heldBack: test.length, agreementBefore, agreementAfter });
  }
  await auditLog(deps.db).record(deps.db, { siteId, actorId, action: 'models.retrain', targetType: 'models', targetId: siteId, before: null, after: result });
  deps.onRetrained?.(siteId);
  return result;
}

/** Share of decisions the model agrees with at its own threshold. */
function agreement(c: Awaited<ReturnType<typeof loadClassifiers>>, task: ModelTask, examples: LabelledText[]): number {
  const threshold = task === 'spam' ? c.thresholds.spam : c.thresholds.toxicity[task === 'toxicity-fr' ? 'fr' : 'en'];
  let ok = 0;
  for (const e of examples) {
    const s = task === 'spam' ? c.spam(e.text) : c.toxicity(e.text, task === 'toxicity-fr' ? 'fr' : 'en');
    if ((s >= threshold ? 1 : 0) === e.label) ok++;
  }
  return Math.round((ok / examples.length) * 1000) / 1000;
}

/** Retrains every site that has decisions. */
export async function retrainAll(deps: { db: Db }): Promise<RetrainResult[]> {
  const sites = await deps.db.selectFrom('moderation_examples').select('site_id').distinct().execute();
  const out: RetrainResult[] = [];
  for (const s of sites) out.push(await retrainSite(deps, s.site_id, null));
  return out;
}
