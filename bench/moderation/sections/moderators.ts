/** Section 7: learning from moderators, simulated with a data set the base model never saw. */
import { dedupKey, isTest } from '../../../scripts/moderation/data.js';
import { isTrainRow, TOX_TRAIN_SETS, trainToxicity } from '../../../scripts/moderation/recipes.js';
import type { TextModel } from '../../../src/server/moderation/classifiers/text-model.js';
import { fmt, type Bench } from '../context.js';
import { bootstrap, rocAuc } from '../metrics.js';

/**
 * A "site" whose moderators follow one data set's label definition, never seen by the base
 * model: the base recipe is trained without that set, then retrained (TextModel.retrained,
 * the same code as Classifiers.retrain) on the first N of the site's decisions, and both are
 * measured on the site's other half.
 */
export function moderatorsSection(b: Bench): void {
  const sims = [
    { task: 'toxicity-en' as const, site: 'en_foxnews_comments', lang: 'en' },
    { task: 'toxicity-fr' as const, site: 'fr_ftr_racism_tweets', lang: 'fr' },
  ];
  const res: Record<string, unknown> = {};
  b.md.push('## 7. Learning from moderators (simulation)', '', 'Base = recipe trained without the site\'s set; retrained = base + N site decisions (`retrain`). Measured on the other half of the site\'s rows.', '');
  b.md.push('| task | site set | N decisions | base AUC | retrained AUC |', '|---|---|---|---|---|');
  for (const sim of sims) {
    const train = TOX_TRAIN_SETS[sim.task].filter((s) => s !== sim.site).flatMap(b.getSet).filter(isTrainRow);
    const base: TextModel = trainToxicity(sim.task, train);
    const keys = b.keysOf(train);
    const siteRows = b.getSet(sim.site).filter((r) => !keys.has(dedupKey(r.text)));
    // Hash halves: one half plays the moderators' past decisions, the other is measured.
    const decisions = siteRows.filter((r) => isTest(r.text, 50));
    const evalRows = siteRows.filter((r) => !isTest(r.text, 50));
    const baseScores = evalRows.map((r) => ({ score: base.score(r.text, sim.lang), label: r.label }));
    const baseM = bootstrap(baseScores, rocAuc, b.boot);
    for (const n of [100, 200, 400]) {
      const ex = decisions.slice(0, n).map((r) => ({ text: r.text, label: r.label, lang: sim.lang }));
      const m = base.retrained(ex);
      const after = bootstrap(evalRows.map((r) => ({ score: m.score(r.text, sim.lang), label: r.label })), rocAuc, b.boot);
      res[`${sim.task}/${sim.site}/${n}`] = { base: baseM, retrained: after, evalRows: evalRows.length };
      b.md.push(`| ${sim.task} | ${sim.site} | ${n} | ${fmt(baseM)} | ${fmt(after)} |`);
      b.log(`moderators ${sim.task} ${sim.site} N=${n}: base ${fmt(baseM)} → ${fmt(after)}`);
    }
  }
  b.md.push('');
  b.report.moderators = res;
}
