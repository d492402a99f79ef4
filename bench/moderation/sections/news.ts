/** Sections 3 and 4: false positives on our news sentences; language identification. */
import { isTest, loadNewsSentences } from '../../../scripts/moderation/data.js';
import { pickThreshold, TOX_EVAL_SETS } from '../../../scripts/moderation/recipes.js';
import { pct, wilson, type Bench } from '../context.js';

export function newsSection(b: Bench): void {

  const news = loadNewsSentences();
  const out: Record<string, unknown> = {};
  b.md.push('## 3. False positives on news-style sentences', '', `${news.length} sentences written for this benchmark (bench/moderation/news-sentences.jsonl), all benign.`, '');
  b.md.push('| check | lang | n | flagged | FPR | split-half FPR (threshold from the other half) |', '|---|---|---|---|---|---|');
  const flaggedList: string[] = [];
  for (const [check, lang] of [['toxicity', 'fr'], ['toxicity', 'en'], ['spam', 'fr'], ['spam', 'en']] as const) {
    const ns = news.filter((n) => n.lang === lang);
    const score = (t: string): number => (check === 'toxicity' ? b.classifiers.toxicity(t, lang) : b.classifiers.spam(t));
    const th = check === 'toxicity' ? b.classifiers.thresholds.toxicity[lang] : b.classifiers.thresholds.spam;
    const scores = ns.map((n) => score(n.text));
    const flagged = ns.filter((_, i) => (scores[i] ?? 0) >= th);
    for (const f of flagged) flaggedList.push(`${check}/${lang}: ${f.text}`);
    // Split-half: threshold from even rows applied to odd rows and vice versa (out-of-sample estimate).
    const even = scores.filter((_, i) => i % 2 === 0);
    const odd = scores.filter((_, i) => i % 2 === 1);
    const fprAt = (s: number[], t: number): number => s.filter((x) => x >= t).length / s.length;
    const half = (fprAt(odd, pickThreshold(even, 0.01)) + fprAt(even, pickThreshold(odd, 0.01))) / 2;
    const fpr = flagged.length / ns.length;
    const ci = wilson(flagged.length, ns.length);
    out[`${check}-${lang}`] = { n: ns.length, flagged: flagged.length, fpr, fpr95: ci, splitHalfFpr: half };
    b.md.push(`| ${check} | ${lang} | ${ns.length} | ${flagged.length} | ${pct(fpr)} [${pct(ci.lo)}, ${pct(ci.hi)}] | ${pct(half)} |`);
    b.log(`news ${check}/${lang}: ${flagged.length}/${ns.length} flagged (FPR ${(100 * fpr).toFixed(2)}%), split-half ${(100 * half).toFixed(2)}%`);
  }
  const allTox = news.filter((n) => b.classifiers.toxicity(n.text, n.lang) >= b.classifiers.thresholds.toxicity[n.lang]).length;
  const allCi = wilson(allTox, news.length);
  out['toxicity-all'] = { n: news.length, flagged: allTox, fpr: allTox / news.length, fpr95: allCi };
  b.md.push(`| toxicity | all | ${news.length} | ${allTox} | ${pct(allTox / news.length)} [${pct(allCi.lo)}, ${pct(allCi.hi)}] | |`, '');
  b.md.push('FPR interval: Wilson 95%. With ~130 sentences per language one false positive is 0.8%: the set can show FPR ≤ 1% but cannot prove a true rate that low.', '');
  if (flaggedList.length) b.md.push('Flagged sentences:', '', ...flaggedList.map((f) => `- ${f}`), '');
  out.flagged = flaggedList;
  b.report.news = out;

  // Language id on news sentences and on held-out rows.
  const wrong = news.filter((n) => b.classifiers.detectLang(n.text) !== n.lang);
  const rows = [...TOX_EVAL_SETS['toxicity-fr'], ...TOX_EVAL_SETS['toxicity-en']].flatMap(b.getSet).filter((r) => isTest(r.text));
  let und = 0;
  let ok = 0;
  for (const r of rows) {
    const d = b.classifiers.detectLang(r.text);
    if (d === 'und') und++;
    else if (d === r.lang) ok++;
  }
  b.report.langid = { newsAccuracy: 1 - wrong.length / news.length, newsWrong: wrong.map((w) => w.text), heldoutRows: rows.length, heldoutAccuracyDecided: ok / (rows.length - und), heldoutUnd: und / rows.length };
  b.md.push('## 4. Language identification', '', `News sentences: ${news.length - wrong.length}/${news.length} correct. Held-out data-set rows: ${((100 * ok) / (rows.length - und)).toFixed(2)}% correct among decided, ${((100 * und) / rows.length).toFixed(1)}% 'und' (too short / unsure).`, '');
  b.log(`langid: news ${news.length - wrong.length}/${news.length}; held-out rows ${((100 * ok) / (rows.length - und)).toFixed(2)}% (und ${((100 * und) / rows.length).toFixed(1)}%)`);
}
