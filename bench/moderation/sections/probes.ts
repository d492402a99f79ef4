/** Section 5: our abuse and spam probes, and an ablation of the word-list priors. */
import { dedupKey, isTest, loadJsonl, loadNewsSentences, SPAM_SET } from '../../../scripts/moderation/data.js';
import { isTrainRow, pickThreshold, SPAM_HELDOUT_GROUP, TOX_EVAL_SETS, TOX_TRAIN_SETS } from '../../../scripts/moderation/recipes.js';
import { pct, type Bench } from '../context.js';
import { rocAuc, type Scored } from '../metrics.js';

export function probesSection(b: Bench): void {

  const probes = loadJsonl<{ text: string; lang: 'fr' | 'en' }>(new URL('../abuse-probes.jsonl', import.meta.url));
  const news = loadNewsSentences();
  const out: Record<string, unknown> = {};
  b.md.push('## 5. Abuse probes and the word-list prior (ablation)', '');
  b.md.push(
    'Toxicity probes: 80 abusive comments we wrote (personal attacks, threats, group hate; bench/moderation/abuse-probes.jsonl). The data sets mostly label group hate only, so this is the only check of personal attacks; we looked at it while writing the word-list rules, so it is a development check, not an unbiased estimate.',
    '',
    '| model | lang | probe recall at its threshold | threshold (news FPR ≤ 1%) | held-out pooled AUC | held-out macro AUC |',
    '|---|---|---|---|---|---|',
  );
  for (const task of ['toxicity-fr', 'toxicity-en'] as const) {
    const lang = task === 'toxicity-fr' ? 'fr' : 'en';
    const model = b.shipped[task];
    const trainKeys = b.keysOf(TOX_TRAIN_SETS[task].flatMap(b.getSet).filter(isTrainRow));
    for (const rules of [true, false]) {
      model.useRules = rules;
      const th = rules ? model.threshold : pickThreshold(news.filter((n) => n.lang === lang).map((n) => model.score(n.text, lang)), 0.01);
      const ps = probes.filter((p) => p.lang === lang);
      const recall = ps.filter((p) => model.score(p.text, lang) >= th).length / ps.length;
      const pooled: Scored[] = [];
      let macro = 0;
      for (const s of TOX_EVAL_SETS[task]) {
        const sc = b.getSet(s)
          .filter((r) => isTest(r.text) && !trainKeys.has(dedupKey(r.text)))
          .map((r) => ({ score: model.score(r.text, lang), label: r.label }));
        pooled.push(...sc);
        macro += rocAuc(sc) / TOX_EVAL_SETS[task].length;
      }
      const name = rules ? 'shipped (model + word-list prior)' : 'model alone';
      out[`${task}/${rules ? 'withRules' : 'modelOnly'}`] = { probeRecall: recall, threshold: th, pooledAuc: rocAuc(pooled), macroAuc: macro };
      b.md.push(`| ${task} ${name} | ${lang} | ${pct(recall)} | ${th.toFixed(3)} | ${rocAuc(pooled).toFixed(3)} | ${macro.toFixed(3)} |`);
      b.log(`probes ${task} ${name}: recall ${pct(recall)} @${th.toFixed(3)}, pooled AUC ${rocAuc(pooled).toFixed(3)}, macro ${macro.toFixed(3)}`);
    }
    model.useRules = true;
  }
  {
    const sp = loadJsonl<{ text: string; lang: 'fr' | 'en' }>(new URL('../spam-probes.jsonl', import.meta.url));
    const yt = b.getSet(SPAM_SET);
    const trainKeys = b.keysOf(yt.filter((r) => r.group !== SPAM_HELDOUT_GROUP));
    const test = yt.filter((r) => r.group === SPAM_HELDOUT_GROUP && !trainKeys.has(dedupKey(r.text)));
    const model = b.shipped.spam;
    for (const rules of [true, false]) {
      model.useRules = rules;
      const th = rules ? model.threshold : pickThreshold(news.map((n) => model.score(n.text)), 0.01);
      const rec = (l: string): number => {
        const ps = sp.filter((p) => p.lang === l);
        return ps.filter((p) => model.score(p.text) >= th).length / ps.length;
      };
      const auc = rocAuc(test.map((r) => ({ score: model.score(r.text), label: r.label })));
      const name = rules ? 'shipped (model + word-list prior)' : 'model alone';
      out[`spam/${rules ? 'withRules' : 'modelOnly'}`] = { probeRecallEn: rec('en'), probeRecallFr: rec('fr'), threshold: th, heldoutVideoAuc: auc };
      b.md.push(`| spam ${name} | en / fr | ${pct(rec('en'))} / ${pct(rec('fr'))} | ${th.toFixed(3)} | video ${SPAM_HELDOUT_GROUP}: ${auc.toFixed(3)} | |`);
      b.log(`spam probes ${name}: en ${pct(rec('en'))} fr ${pct(rec('fr'))} @${th.toFixed(3)}; held-out video AUC ${auc.toFixed(3)}`);
    }
    model.useRules = true;
  }
  b.md.push('', 'Spam probes: 40 news-site-style spam comments we wrote (20 en, 20 fr: money-making, crypto and investment scams with WhatsApp/e-mail contacts, pharmacy, dating, fake giveaways; bench/moderation/spam-probes.jsonl). A development check too.', '');
  b.report.probes = out;
}
