/**
 * Sparse hashed features: word unigrams and bigrams, character n-grams inside words
 * (fastText-style, with "<" and ">" word boundaries, so "connard" and "connasse" share
 * "<conn"), word-list categories, and a few shape features (capitals, links, length).
 *
 * Each namespace is scaled so that it contributes unit L2 norm: long comments do not get
 * larger scores than short ones just because they have more n-grams.
 */
import { fnv1a, fnvStep, mix, FNV_OFFSET } from './hash.js';

export interface FeatureConfig {
  /** log2 of the number of hash buckets (the weight vector length). */
  bits: number;
  /** Include word bigrams. */
  bigrams: boolean;
  /** Character n-gram length range inside "<word>"; charMax 0 disables them. */
  charMin: number;
  charMax: number;
  /** Relative weights of namespaces (multiplied into the unit-normalised values). */
  wordWeight: number;
  charWeight: number;
  /** Extra named features (word-list hits, shape) supplied by the caller. */
  extraWeight: number;
  /**
   * Texts with fewer word tokens than this get their word and character namespaces scaled by
   * sqrt(tokens / fullTokens) instead of unit norm; absent or 0: no scaling (see {@link extractFeatures}).
   */
  fullTokens?: number;
}

export interface SparseVec {
  idx: Uint32Array;
  val: Float32Array;
}

const NS_WORD = fnv1a('w');
const NS_BIGRAM = fnv1a('b');
const NS_CHAR = fnv1a('c');
const NS_EXTRA = fnv1a('x');

class Builder {
  private readonly map = new Map<number, number>();
  constructor(private readonly mask: number) {}
  add(h: number, v: number): void {
    const k = mix(h) & this.mask;
    this.map.set(k, (this.map.get(k) ?? 0) + v);
  }
  size(): number {
    return this.map.size;
  }
  /** Merge another namespace's counts, scaled so that namespace has L2 norm = weight. */
  mergeScaled(other: Builder, weight: number): void {
    let ss = 0;
    for (const v of other.map.values()) ss += v * v;
    if (ss === 0) return;
    const scale = weight / Math.sqrt(ss);
    for (const [k, v] of other.map) this.map.set(k, (this.map.get(k) ?? 0) + v * scale);
  }
  toVec(): SparseVec {
    const idx = new Uint32Array(this.map.size);
    const val = new Float32Array(this.map.size);
    let i = 0;
    for (const [k, v] of this.map) {
      idx[i] = k;
      val[i] = v;
      i++;
    }
    return { idx, val };
  }
}

export function extractFeatures(words: readonly string[], extra: ReadonlyMap<string, number>, cfg: FeatureConfig): SparseVec {
  const mask = (1 << cfg.bits) - 1;
  const out = new Builder(mask);
  const w = new Builder(mask);
  const c = new Builder(mask);
  for (let i = 0; i < words.length; i++) {
    const tok = words[i] ?? '';
    // Presence, not counts: repeating an insult ten times should not score ten times higher.
    w.add(fnv1a(tok, NS_WORD), 1);
    if (cfg.bigrams && i > 0) w.add(fnv1a(tok, fnv1a(' ', fnv1a(words[i - 1] ?? '', NS_BIGRAM))), 1);
    if (cfg.charMax > 0) addCharNgrams(c, tok, cfg.charMin, cfg.charMax);
  }
  // A comment of three words is little evidence, yet unit-norm namespaces give it as much weight as
  // a paragraph: each of its few n-grams then moves the score a lot, and one unknown word (a
  // username, a code, a typo) could tip a calm "Je partage cet avis" over the hold threshold.
  const short = cfg.fullTokens ? Math.min(1, Math.sqrt(words.length / cfg.fullTokens)) : 1;
  out.mergeScaled(w, cfg.wordWeight * short);
  out.mergeScaled(c, cfg.charWeight * short);
  // Extra features are not unit-normalised: their magnitude (e.g. a count of insults) carries meaning.
  for (const [name, v] of extra) out.add(fnv1a(name, NS_EXTRA), v * cfg.extraWeight);
  return out.toVec();
}

function addCharNgrams(b: Builder, tok: string, min: number, max: number): void {
  // Hash "<tok>" substrings without allocating them: extend an FNV state one char at a time.
  const s = `<${tok}>`;
  if (s.length > 40) return; // URLs-like junk or glued text: words cover it.
  for (let i = 0; i < s.length; i++) {
    let h = NS_CHAR ^ FNV_OFFSET;
    for (let n = 1; n <= max && i + n <= s.length; n++) {
      h = fnvStep(h, s.charCodeAt(i + n - 1));
      if (n >= min && !(n === s.length)) b.add(h ^ n, 1);
    }
  }
}
