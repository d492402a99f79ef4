/**
 * Section 9: forum / SMS French probes (issue 15): 20 abusive comments in forum French (SMS
 * abbreviations, verlan, phonetic spellings, emoji, dog whistles) and 20 benign ones in the same
 * register (mdr, wsh, jpp, irony). Written by us *after* the word lists were extended, so this is a
 * development check of what the lists cover, not an independent measure.
 */
import { loadJsonl } from '../../../scripts/moderation/data.js';
import { pct, type Bench } from '../context.js';

interface Probe {
  text: string;
  label: 0 | 1;
}

export function forumSection(b: Bench): void {
  const rows = loadJsonl<Probe>(new URL('../forum-fr-probes.jsonl', import.meta.url));
  const th = b.classifiers.thresholds.toxicity.fr;
  const scored = rows.map((r) => ({ ...r, score: b.classifiers.toxicity(r.text, 'fr') }));
  const pos = scored.filter((r) => r.label === 1);
  const neg = scored.filter((r) => r.label === 0);
  const tp = pos.filter((r) => r.score >= th).length;
  const fp = neg.filter((r) => r.score >= th).length;
  b.report.forumProbes = { n: rows.length, recall: tp / pos.length, fpr: fp / neg.length, threshold: th };
  b.md.push('## 9. Forum French probes (development check)', '', `bench/moderation/forum-fr-probes.jsonl, written after the word lists: recall ${tp}/${pos.length} (${pct(tp / pos.length)}), benign slang flagged ${fp}/${neg.length} at ${th.toFixed(3)}.`, '');
  for (const r of scored.filter((x) => (x.score >= th) !== (x.label === 1))) b.md.push(`- missed or flagged (${r.label}, ${r.score.toFixed(2)}): ${r.text}`);
  b.md.push('');
  b.log(`forum fr probes: recall ${tp}/${pos.length}, benign flagged ${fp}/${neg.length} @${th.toFixed(3)}`);
}
