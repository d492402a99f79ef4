/**
 * Text normalisation shared by every classifier (toxicity, spam, language id).
 *
 * Why: abusive comments are written to dodge filters ("c0nnard", "fuuuuck", "𝐟𝐮𝐜𝐤", "p.u.t.e"),
 * and French is written with or without accents ("enculé" / "encule"). Folding all of
 * these to one canonical form lets a small model (and the word lists) generalise from
 * few examples. The same function runs at training and at scoring time, so any change
 * here requires retraining the shipped models (the model files record a version).
 */

import { isListedWord } from './lexicon.js';
import { isSourceUrl } from './sources.js';

/** Bump when the output of {@link normalize} or {@link tokenize} changes: model files trained with another version are refused. */
export const NORMALIZE_VERSION = 4;

// Zero-width and bidi control characters used to split words invisibly.
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;
const COMBINING = /\p{M}+/gu;
const URL = /\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|fr|info|biz|ly|io|co|me|tk|ru|be|ch|ca|uk|de|us|tv|gl|gd|gov|edu|eu)\b(?:\/\S*)?/giu;
const EMAIL = /\b[\w.+-]+@[\w-]+\.[\w.-]+\b/gu;
const MENTION = /@\w+/gu;
// Common placeholders left by the data sets' anonymisation, folded to our own tokens.
const DATASET_PLACEHOLDERS = /\b(?:@?user|url|link)\b/giu;

// Leetspeak: only applied inside tokens that also contain letters, so "2024" or "3-1" stay numbers.
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '€': 'e', '!': 'i' };
// Letter/digit runs joined by code punctuation ("PD-2248", "AF447", "covid-19", "15h30").
const CODE_LIKE = /[\p{L}\p{N}]+(?:[-_./:#][\p{L}\p{N}]+)*/gu;
// Five digits or more: an order, case, phone or reference number. Shorter numbers (years, scores,
// prices, "1488") are frequent enough in the training sets for their own weights to mean something.
const LONG_NUMBER = /(?<![\p{L}\p{N}])\p{N}{5,}(?![\p{L}\p{N}])/gu;

/**
 * Undo leetspeak in one whitespace-separated chunk. Symbols ("$hit", "l!ke") are always read as
 * letters. Digits are read as letters only when that spells a word of the word lists ("c0nn4rd",
 * "n1gg3r", "nique ta m3re"): leet is how people dodge word lists, and read blindly it turned
 * codes, usernames and reference numbers into made-up words ("riwb1h03" → "riwbihoe", which ends
 * in "hoe") whose character n-grams held calm comments (CI: "Je partage cet avis mx83onr1").
 * Anything else mixing letters and digits ("mx83onr1", "PD-2248", "A380", "15h30") becomes the
 * placeholder word `xxcode`, and long numbers become `xxnum`: they carry no tone, whatever their characters.
 */
function unLeetChunk(chunk: string): string {
  if (!/[\p{N}@$€!]/u.test(chunk)) return chunk; // most words: nothing to read
  if (!/\p{L}/u.test(chunk)) return chunk.replace(LONG_NUMBER, 'xxnum');
  // Keep trailing "!" as punctuation ("nul!" is not "nuli").
  const m = /^(.*?)(!*)$/u.exec(chunk);
  const body = m?.[1] ?? chunk;
  const tail = m?.[2] ?? '';
  const symbolsRead = body.replace(/[@$€!]/gu, (ch) => LEET[ch] ?? ch);
  if (!/\p{N}/u.test(symbolsRead)) return symbolsRead + tail;
  const out = symbolsRead.replace(CODE_LIKE, (code) => (/\p{L}/u.test(code) && /\p{N}/u.test(code) ? (readDigits(code) ?? 'xxcode') : code));
  return out.replace(LONG_NUMBER, 'xxnum') + tail;
}

/** `code` with its digits read as letters if every part that had digits then spells a listed word, else undefined. */
function readDigits(code: string): string | undefined {
  let read = '';
  for (const ch of code) read += LEET[ch] ?? ch;
  if (/\p{N}/u.test(read)) return undefined;
  const parts = code.split(/[-_./:#]/u);
  const readParts = read.split(/[-_./:#]/u);
  for (let i = 0; i < parts.length; i++) {
    const w = readParts[i] ?? '';
    const part = parts[i] ?? '';
    if (!/\p{N}/u.test(part)) continue;
    // Leet hides letters among letters: a part with fewer than two real letters is a number or a code ("PD-5554",
    // "5S" is not "ss"), never leet.
    if ((part.match(/\p{L}/gu) ?? []).length < 2 || !isListedWord(w.replace(/(\p{L})\1{2,}/gu, '$1$1'), w.replace(/(\p{L})\1{2,}/gu, '$1'))) return undefined;
  }
  return read;
}

/**
 * Canonical form: NFKC, lower case, accents stripped, URLs/e-mails/mentions replaced by
 * placeholder words, leetspeak undone, runs of 3+ identical letters cut to 2 (or 1), spaced-out
 * words ("p u t e", "f.u.c.k") joined, whitespace collapsed.
 */
export function normalize(input: string, stretched: 'two' | 'one' = 'two'): string {
  let s = input.normalize('NFKC').replace(INVISIBLE, '');
  // Links to public bodies, science and newsrooms become `xxsource`: citing a source is not spam (sources.ts).
  s = s.replace(EMAIL, ' xxemail ').replace(URL, (u) => (isSourceUrl(u) ? ' xxsource ' : ' xxurl ')).replace(MENTION, ' xxuser ');
  s = s.toLowerCase();
  s = s.replace(DATASET_PLACEHOLDERS, (m) => (m.toLowerCase().includes('user') ? ' xxuser ' : ' xxurl '));
  // Accent folding: NFD splits "é" into "e" + combining mark, which we drop. "œ"/"æ" are letters, not marks.
  s = s.normalize('NFD').replace(COMBINING, '').replace(/œ/gu, 'oe').replace(/æ/gu, 'ae');
  s = s.replace(/&(?:amp|lt|gt|quot|#\d+);/gu, ' ');
  s = s.replace(/[’‘`´]/gu, "'").replace(/[“”«»]/gu, '"');
  // Dotted single letters ("c.o.n", 3+) and spaced ones ("p u t e", 4+: "il y a à" must survive) are joined.
  s = s.replace(/\b(?:\p{L}[.\-_*]){2,}\p{L}\b/gu, (m) => m.replace(/[.\-_*]/gu, ''));
  s = s.replace(/\b(?:\p{L} ){3,}\p{L}\b/gu, (m) => m.replace(/ /gu, ''));
  s = s
    .split(/\s+/u)
    .map(unLeetChunk)
    .join(' ');
  // "fuuuuck" → "fuuck" for the model (the stretch itself is a signal); the word lists also
  // look at the 'one' variant ("fuck"), which cannot be the default since it would turn
  // "connnnard" into "conard". Only runs of 3+ are touched: "baisse" must never become "baise".
  s = s.replace(/(\p{L})\1{2,}/gu, stretched === 'two' ? '$1$1' : '$1');
  s = s.replace(/([!?.])\1{2,}/gu, '$1$1');
  return s.replace(/\s+/gu, ' ').trim();
}

/**
 * Word tokens of a normalised string: runs of letters/digits (masking asterisks kept, apostrophes
 * split "t'es" into "t" "es"), and each emoji as its own token (🖕, 💩, 🤬 carry meaning).
 */
export function tokenize(normalized: string): string[] {
  return normalized.match(/[\p{L}\p{N}*]+|\p{Extended_Pictographic}/gu) ?? [];
}
