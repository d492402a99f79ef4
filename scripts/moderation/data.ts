/**
 * Loading and splitting the labelled moderation sets (../shared/data/moderation by default).
 *
 * The split is by a hash of the folded text, not by row number: the same comment
 * appearing twice (in one set or in two sets) always lands on the same side, so a
 * "held-out" row is never a duplicate of a training row.
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fnv1a, mix } from '../../src/server/moderation/classifiers/hash.js';
import { normalize } from '../../src/server/moderation/classifiers/normalize.js';

export interface Row {
  set: string;
  text: string;
  label: 0 | 1;
  lang: string;
  group?: string;
}

export function dataDir(): string {
  const candidates = [
    process.env.AGORA_MODERATION_DATA,
    resolve(process.cwd(), '../shared/data/moderation'),
    '/work/shared/data/moderation',
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error('moderation data not found: set AGORA_MODERATION_DATA');
}

export function loadSet(name: string, dir: string = dataDir()): Row[] {
  const lines = readFileSync(resolve(dir, `${name}.jsonl`), 'utf8').split('\n');
  const rows: Row[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { text: string; label: number; lang?: string; group?: string };
    const row: Row = { set: name, text: r.text, label: r.label === 1 ? 1 : 0, lang: r.lang ?? 'en' };
    if (r.group !== undefined) row.group = r.group;
    rows.push(row);
  }
  return rows;
}

/** Key under which near-identical texts collide (case, accents, punctuation, spaces ignored). */
export function dedupKey(text: string): string {
  return normalize(text).replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Percentage bucket 0..99 of a text, stable across runs and machines. */
export function bucketOf(text: string): number {
  return mix(fnv1a(dedupKey(text))) % 100;
}

/** Held-out test part: the rows whose bucket is < testPct (20% by default). */
export function isTest(text: string, testPct = 20): boolean {
  return bucketOf(text) < testPct;
}

/** Drop rows whose folded text is in `exclude` (e.g. test rows that also occur in training). */
export function withoutKeys(rows: readonly Row[], exclude: ReadonlySet<string>): Row[] {
  return rows.filter((r) => !exclude.has(dedupKey(r.text)));
}

export const FR_TOX_SETS = ['hateday_fr', 'rtplx_fr', 'mlma_fr', 'fr_ftr_racism_tweets', 'fr_hatecheck_synthetic'] as const;
export const EN_TOX_SETS = ['davidson_en', 'en_foxnews_comments', 'en_stormfront_forum_sentences', 'en_ethos_youtube_reddit'] as const;
export const SPAM_SET = 'youtube_spam_train';

export interface NewsSentence {
  text: string;
  lang: 'fr' | 'en';
}

export function loadJsonl<T>(path: URL | string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** Our own news-style sentences (never used for training; only to set and check thresholds). */
export function loadNewsSentences(): NewsSentence[] {
  return loadJsonl<NewsSentence>(new URL('../../bench/moderation/news-sentences.jsonl', import.meta.url));
}
