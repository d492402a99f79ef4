/**
 * Ranking and threshold metrics with percentile-bootstrap confidence intervals.
 */
import { rng } from '../../src/server/moderation/classifiers/linear.js';

export interface Scored {
  score: number;
  label: 0 | 1;
}

/** ROC-AUC by the rank-sum (Mann-Whitney) formula, ties counted as one half. */
export function rocAuc(items: readonly Scored[]): number {
  const sorted = [...items].sort((a, b) => a.score - b.score);
  let pos = 0;
  let neg = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]?.score === sorted[i]?.score) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (sorted[k]?.label === 1) {
        pos++;
        rankSumPos += avgRank;
      } else neg++;
    }
    i = j + 1;
  }
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface Confusion {
  precision: number;
  recall: number;
  fpr: number;
  f1: number;
}

export function atThreshold(items: readonly Scored[], t: number): Confusion {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const it of items) {
    const p = it.score >= t;
    if (p && it.label === 1) tp++;
    else if (p) fp++;
    else if (it.label === 1) fn++;
    else tn++;
  }
  const precision = tp + fp === 0 ? Number.NaN : tp / (tp + fp);
  const recall = tp + fn === 0 ? Number.NaN : tp / (tp + fn);
  const fpr = fp + tn === 0 ? Number.NaN : fp / (fp + tn);
  const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  return { precision, recall, fpr, f1 };
}

export interface Interval {
  value: number;
  lo: number;
  hi: number;
}

/**
 * Percentile bootstrap: resample rows with replacement `n` times, recompute the metric,
 * take the 2.5% and 97.5% quantiles. Resampling is stratified by label so each replicate
 * keeps the set's class balance (and AUC stays defined on small sets).
 */
export function bootstrap(items: readonly Scored[], metric: (s: readonly Scored[]) => number, n = 1000, seed = 7): Interval {
  const value = metric(items);
  const pos = items.filter((x) => x.label === 1);
  const neg = items.filter((x) => x.label === 0);
  const rand = rng(seed);
  const vals: number[] = [];
  const sample: Scored[] = new Array<Scored>(items.length);
  for (let b = 0; b < n; b++) {
    let k = 0;
    for (const group of [pos, neg]) {
      for (let i = 0; i < group.length; i++) sample[k++] = group[Math.floor(rand() * group.length)] as Scored;
    }
    const v = metric(sample);
    if (!Number.isNaN(v)) vals.push(v);
  }
  vals.sort((a, b) => a - b);
  const q = (p: number): number => vals[Math.min(vals.length - 1, Math.max(0, Math.floor(p * vals.length)))] ?? Number.NaN;
  return { value, lo: q(0.025), hi: q(0.975) };
}
