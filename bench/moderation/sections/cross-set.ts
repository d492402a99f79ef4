/** Section 2: the recipe retrained without one set (or one YouTube video), measured on it. */
import { dedupKey, SPAM_SET } from '../../../scripts/moderation/data.js';
import { isTrainRow, SPAM_EXTRA_HAM_SETS, TOX_EVAL_SETS, TOX_TRAIN_SETS, trainSpam, trainToxicity } from '../../../scripts/moderation/recipes.js';
import { fmt, type Bench, type Measure } from '../context.js';
import type { Scored } from '../metrics.js';

export function crossSetSection(b: Bench): void {

  const cross: Record<string, unknown> = {};
  b.md.push('## 2. Cross-set (recipe retrained without the evaluated set)', '', '| task | unseen set | n (pos) | ROC-AUC |', '|---|---|---|---|');
  for (const task of ['toxicity-fr', 'toxicity-en'] as const) {
    const lang = task === 'toxicity-fr' ? 'fr' : 'en';
    const res: Record<string, Measure> = {};
    for (const s of TOX_EVAL_SETS[task]) {
      const train = TOX_TRAIN_SETS[task].filter((x) => x !== s).flatMap(b.getSet).filter(isTrainRow);
      const m = trainToxicity(task, train);
      const keys = b.keysOf(train);
      const test = b.getSet(s).filter((r) => !keys.has(dedupKey(r.text)));
      res[s] = b.measure(test.map((r) => ({ score: m.score(r.text, lang), label: r.label })));
      b.md.push(`| ${task} | ${s} | ${res[s].n} (${res[s].pos}) | ${fmt(res[s].auc)} |`);
      b.log(`${task} leave-out ${s}: AUC ${fmt(res[s].auc)}`);
    }
    const macro = Object.values(res).reduce((a, m) => a + m.auc.value, 0) / Object.keys(res).length;
    b.md.push(`| ${task} | macro mean | | ${macro.toFixed(3)} |`);
    cross[task] = { perSet: res, macroAuc: macro };
  }
  const yt = b.getSet(SPAM_SET);
  const ham = SPAM_EXTRA_HAM_SETS.flatMap(b.getSet).filter(isTrainRow);
  const groups = [...new Set(yt.map((r) => r.group ?? ''))].sort();
  const pooled: Scored[] = [];
  const per: Record<string, Measure> = {};
  for (const g of groups) {
    const train = yt.filter((r) => r.group !== g);
    const m = trainSpam(train, ham);
    const keys = b.keysOf(train);
    const scored = yt.filter((r) => r.group === g && !keys.has(dedupKey(r.text))).map((r) => ({ score: m.score(r.text), label: r.label }));
    pooled.push(...scored);
    per[g] = b.measure(scored);
    b.md.push(`| spam | YouTube video ${g} | ${per[g].n} (${per[g].pos}) | ${fmt(per[g].auc)} |`);
    b.log(`spam leave-out video ${g}: AUC ${fmt(per[g].auc)}`);
  }
  const pm = b.measure(pooled);
  b.md.push(`| spam | all videos, pooled out-of-video scores | ${pm.n} (${pm.pos}) | ${fmt(pm.auc)} |`, '');
  cross.spam = { perVideo: per, pooled: pm };
  b.report.crossSet = cross;
}
