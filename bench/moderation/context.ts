/**
 * Shared state and formatting of the moderation benchmark: data sets loaded once, bootstrap
 * settings, the Markdown lines and the JSON report that the sections append to.
 */
import { dedupKey, loadSet, type Row } from '../../scripts/moderation/data.js';
import type { Classifiers } from '../../src/server/moderation/classifiers/index.js';
import type { TextModel } from '../../src/server/moderation/classifiers/text-model.js';
import { atThreshold, bootstrap, rocAuc, type Interval, type Scored } from './metrics.js';

export interface Measure {
  n: number;
  pos: number;
  auc: Interval;
  precision?: Interval;
  recall?: Interval;
  fpr?: Interval;
}

export interface Shipped {
  'toxicity-fr': TextModel;
  'toxicity-en': TextModel;
  spam: TextModel;
}

export class Bench {
  readonly md: string[] = [];
  readonly report: Record<string, unknown> = {};
  private readonly sets = new Map<string, Row[]>();

  constructor(
    readonly dataDir: string,
    readonly boot: number,
    readonly classifiers: Classifiers,
    readonly shipped: Shipped,
  ) {}

  getSet = (name: string): Row[] => {
    let rows = this.sets.get(name);
    if (!rows) {
      rows = loadSet(name, this.dataDir);
      this.sets.set(name, rows);
    }
    return rows;
  };

  keysOf(rows: readonly Row[]): Set<string> {
    return new Set(rows.map((r) => dedupKey(r.text)));
  }

  /** ROC-AUC, and precision / recall / FPR at `threshold` when given, each with a bootstrap CI. */
  measure(items: readonly Scored[], threshold?: number): Measure {
    const m: Measure = { n: items.length, pos: items.filter((x) => x.label === 1).length, auc: bootstrap(items, rocAuc, this.boot) };
    if (threshold !== undefined) {
      m.precision = bootstrap(items, (s) => atThreshold(s, threshold).precision, this.boot);
      m.recall = bootstrap(items, (s) => atThreshold(s, threshold).recall, this.boot);
      m.fpr = bootstrap(items, (s) => atThreshold(s, threshold).fpr, this.boot);
    }
    return m;
  }

  log(s: string): void {
    console.log(s);
  }
}

export const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

export const fmt = (i?: Interval): string => (i ? `${i.value.toFixed(3)} [${i.lo.toFixed(3)}, ${i.hi.toFixed(3)}]` : '–');

/** Wilson score interval for a proportion k/n (95%). */
export function wilson(k: number, n: number): { lo: number; hi: number } {
  const z = 1.96;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}
