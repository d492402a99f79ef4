/**
 * Language identification features: character 1–4-grams over the whole normalised text
 * (accents kept: "é", "ç", "à" are strong French cues, so we do NOT use the accent-folded
 * form here) plus short function words.
 */
import { extractFeatures, type FeatureConfig, type SparseVec } from './features.js';

export function langidTokens(text: string): string[] {
  const s = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/https?:\/\/\S+|www\.\S+|@\w+|#\w+/gu, ' ')
    .replace(/\b(?:user|url|link)\b/gu, ' ');
  return s.match(/[\p{L}']+/gu) ?? [];
}

/** Number of letters that carry language information (used to say "und" on tiny inputs). */
export function langidLetterCount(tokens: readonly string[]): number {
  let n = 0;
  for (const t of tokens) n += t.length;
  return n;
}

export function langidFeatures(text: string, cfg: FeatureConfig): SparseVec {
  return langidFeaturesOf(langidTokens(text), cfg);
}

/** The features of tokens already made by {@link langidTokens}. */
export function langidFeaturesOf(tokens: readonly string[], cfg: FeatureConfig): SparseVec {
  return extractFeatures(tokens, new Map(), cfg);
}
