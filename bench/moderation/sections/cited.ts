/**
 * Section 8: links are not spam by themselves (issue 15). 100 legitimate news comments that
 * cite a source (official sites, newspapers, studies), 50 fr / 50 en, written for this
 * benchmark (bench/moderation/cited-sources.jsonl), never trained on. Spam FPR at the shipped
 * threshold, split by whether the link is in the source lists (sources.ts) or not.
 */
import { loadJsonl } from '../../../scripts/moderation/data.js';
import { isSourceUrl } from '../../../src/server/moderation/classifiers/sources.js';
import { pct, wilson, type Bench } from '../context.js';

interface Cited {
  text: string;
  lang: 'fr' | 'en';
}

const LINK = /https?:\/\/\S+/u;

export function citedSection(b: Bench): void {
  const rows = loadJsonl<Cited>(new URL('../cited-sources.jsonl', import.meta.url));
  const th = b.classifiers.thresholds.spam;
  const groups: Record<string, Cited[]> = {
    all: rows,
    fr: rows.filter((r) => r.lang === 'fr'),
    en: rows.filter((r) => r.lang === 'en'),
    'link in source lists': rows.filter((r) => isSourceUrl(LINK.exec(r.text)?.[0] ?? '')),
    'link not in the lists': rows.filter((r) => !isSourceUrl(LINK.exec(r.text)?.[0] ?? '')),
  };
  const out: Record<string, unknown> = {};
  b.md.push('## 8. Comments citing sources (spam false positives)', '', `${rows.length} legitimate comments with a link to an official site, newspaper or study (bench/moderation/cited-sources.jsonl, written for this benchmark, never trained on). Target: spam FPR < 2%.`, '');
  b.md.push('| rows | n | flagged as spam | FPR [Wilson 95%] |', '|---|---|---|---|');
  const flagged: string[] = [];
  for (const [name, rs] of Object.entries(groups)) {
    const hit = rs.filter((r) => b.classifiers.spam(r.text) >= th);
    if (name === 'all') for (const r of hit) flagged.push(`${b.classifiers.spam(r.text).toFixed(2)} ${r.text}`);
    const ci = wilson(hit.length, rs.length);
    out[name] = { n: rs.length, flagged: hit.length, fpr: hit.length / Math.max(1, rs.length), fpr95: ci };
    b.md.push(`| ${name} | ${rs.length} | ${hit.length} | ${pct(hit.length / Math.max(1, rs.length))} [${pct(ci.lo)}, ${pct(ci.hi)}] |`);
    b.log(`cited sources ${name}: ${hit.length}/${rs.length} flagged as spam`);
  }
  b.md.push('');
  if (flagged.length) b.md.push('Flagged:', '', ...flagged.map((f) => `- ${f}`), '');
  out.flagged = flagged;
  b.report.citedSources = out;
}
