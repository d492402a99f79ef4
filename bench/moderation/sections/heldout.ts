/** Section 1: the shipped models on the held-out rows of every set, at the shipped thresholds. */
import { dedupKey, isTest, SPAM_SET } from '../../../scripts/moderation/data.js';
import { isTrainRow, OUTSIDE_BENCHMARKS, SPAM_HELDOUT_GROUP, TOX_EVAL_SETS, TOX_TRAIN_SETS } from '../../../scripts/moderation/recipes.js';
import { fmt, type Bench, type Measure } from '../context.js';
import type { Scored } from '../metrics.js';

export function heldoutSection(b: Bench): void {
  const heldout: Record<string, unknown> = {};
  b.md.push('## 1. Shipped models on held-out rows', '', 'Held-out = the 20% of each set (by text hash) that training never saw; rows whose folded text also occurs in a training row are dropped.', '');
  b.md.push('| task | eval set | n (pos) | ROC-AUC | precision | recall | FPR |', '|---|---|---|---|---|---|---|');
  for (const task of ['toxicity-fr', 'toxicity-en'] as const) {
    const lang = task === 'toxicity-fr' ? 'fr' : 'en';
    const model = b.shipped[task];
    const trainKeys = b.keysOf(TOX_TRAIN_SETS[task].flatMap(b.getSet).filter(isTrainRow));
    const pooled: Scored[] = [];
    const perSet: Record<string, Measure> = {};
    const evalSets = [...TOX_EVAL_SETS[task], ...(lang === 'fr' ? ['fr_hatecheck_synthetic'] : [])];
    for (const s of evalSets) {
      // A set no shipped model trains on (NOT_TRAINED_ON) is measured whole, not only its 20%.
      const unseen = !TOX_TRAIN_SETS[task].includes(s);
      const test = b.getSet(s).filter((r) => (unseen || isTest(r.text)) && !trainKeys.has(dedupKey(r.text)));
      const scored = test.map((r) => ({ score: model.score(r.text, lang), label: r.label }));
      // Pooled / macro = held-out rows of the sets the model trains on; never-trained sets (the ToxiFrench
      // benchmarks, the copyleft sets) are reported alone, as cross-set figures.
      if (s !== 'fr_hatecheck_synthetic' && !unseen) pooled.push(...scored);
      perSet[s] = b.measure(scored, model.threshold);
    }
    const pooledM = b.measure(pooled, model.threshold);
    const aucs = Object.entries(perSet).filter(([s]) => s !== 'fr_hatecheck_synthetic' && TOX_TRAIN_SETS[task].includes(s)).map(([, m]) => m.auc.value);
    const macro = aucs.reduce((sum, x) => sum + x, 0) / aucs.length;
    heldout[task] = { threshold: model.threshold, pooled: pooledM, macroAuc: macro, perSet };
    const row = (name: string, m: Measure): string =>
      `| ${task} | ${name} | ${m.n} (${m.pos}) | ${fmt(m.auc)} | ${fmt(m.precision)} | ${fmt(m.recall)} | ${fmt(m.fpr)} |`;
    b.md.push(row('**pooled**', pooledM));
    const label = (s: string): string =>
      s === 'fr_hatecheck_synthetic' ? `${s} (synthetic, not pooled)` : OUTSIDE_BENCHMARKS.includes(s) ? `${s} (ToxiFrench benchmark, whole, never trained on, not pooled)` : TOX_TRAIN_SETS[task].includes(s) ? s : `${s} (whole, never trained on)`;
    for (const [s, m] of Object.entries(perSet)) b.md.push(row(label(s), m));
    b.md.push(`| ${task} | macro mean of set AUCs | | ${macro.toFixed(3)} | | | |`);
    b.log(`${task} held-out pooled AUC ${fmt(pooledM.auc)} macro ${macro.toFixed(3)} P ${fmt(pooledM.precision)} R ${fmt(pooledM.recall)} FPR ${fmt(pooledM.fpr)} @${model.threshold.toFixed(3)}`);
    for (const [s, m] of Object.entries(perSet)) b.log(`   ${s}: AUC ${fmt(m.auc)} R ${fmt(m.recall)} FPR ${fmt(m.fpr)}`);
  }
  {
    const yt = b.getSet(SPAM_SET);
    const trainKeys = b.keysOf(yt.filter((r) => r.group !== SPAM_HELDOUT_GROUP));
    const test = yt.filter((r) => r.group === SPAM_HELDOUT_GROUP && !trainKeys.has(dedupKey(r.text)));
    const m = b.measure(test.map((r) => ({ score: b.classifiers.spam(r.text), label: r.label })), b.shipped.spam.threshold);
    heldout.spam = { threshold: b.shipped.spam.threshold, heldoutVideo: SPAM_HELDOUT_GROUP, ...m };
    b.md.push(`| spam | YouTube video ${SPAM_HELDOUT_GROUP} (unseen) | ${m.n} (${m.pos}) | ${fmt(m.auc)} | ${fmt(m.precision)} | ${fmt(m.recall)} | ${fmt(m.fpr)} |`);
    b.log(`spam held-out video ${SPAM_HELDOUT_GROUP}: AUC ${fmt(m.auc)} P ${fmt(m.precision)} R ${fmt(m.recall)} FPR ${fmt(m.fpr)} @${b.shipped.spam.threshold.toFixed(3)}`);
  }
  b.md.push('', `Shipped thresholds: toxicity fr ${b.classifiers.thresholds.toxicity.fr.toFixed(3)}, en ${b.classifiers.thresholds.toxicity.en.toFixed(3)}, spam ${b.classifiers.thresholds.spam.toFixed(3)}.`, '');
  b.report.heldout = heldout;
}
