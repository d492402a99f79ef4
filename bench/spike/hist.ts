// Latency histograms in whole milliseconds: fixed memory however many deliveries there are (5,000 readers × 1,000
// posts is 5 million samples), and mergeable across worker threads and processes as sparse [ms, count] pairs.

/** Longest latency kept apart; anything slower lands in the last bucket (and sets `max`). */
const LIMIT_MS = 300_000;

export interface Hist {
  counts: Uint32Array;
  n: number;
  max: number;
}

export const newHist = (): Hist => ({ counts: new Uint32Array(LIMIT_MS + 1), n: 0, max: 0 });

/** Records one latency (negative values, e.g. an event that beat its POST's response, count as 0). */
export function record(h: Hist, ms: number): void {
  const b = Math.min(LIMIT_MS, Math.max(0, Math.round(ms)));
  h.counts[b] = (h.counts[b] ?? 0) + 1;
  h.n++;
  if (ms > h.max) h.max = ms;
}

/** The non-empty buckets, for a JSON message. */
export function sparse(h: Hist): { buckets: [number, number][]; max: number } {
  const buckets: [number, number][] = [];
  h.counts.forEach((c, ms) => c && buckets.push([ms, c]));
  return { buckets, max: h.max };
}

/** Adds a sparse histogram (from another thread or process) into `h`. */
export function merge(h: Hist, s: { buckets: [number, number][]; max: number }): void {
  for (const [ms, c] of s.buckets) {
    h.counts[ms] = (h.counts[ms] ?? 0) + c;
    h.n += c;
  }
  h.max = Math.max(h.max, s.max);
}

/** The p-th quantile (0..1) in ms, NaN when empty. */
export function quantile(h: Hist, p: number): number {
  if (h.n === 0) return NaN;
  const rank = Math.max(1, Math.ceil(p * h.n));
  let seen = 0;
  for (let ms = 0; ms < h.counts.length; ms++) {
    seen += h.counts[ms] ?? 0;
    if (seen >= rank) return ms;
  }
  return LIMIT_MS;
}

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export const summary = (h: Hist): Summary => ({ n: h.n, p50: quantile(h, 0.5), p90: quantile(h, 0.9), p99: quantile(h, 0.99), max: Math.round(h.max) });

/** The monotonic clock in µs: CLOCK_MONOTONIC is one clock for every process on the machine, so a time taken by the
 * poster can be subtracted from one taken by a reader process. */
export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
