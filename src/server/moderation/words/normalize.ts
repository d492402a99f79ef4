/**
 * Turns a comment into the tokens word lists are matched against, undoing the tricks used to slip a word past a
 * filter: look-alike Unicode (NFKC: "ｃｏｎ", "𝐟𝐮𝐜𝐤"), accents ("enculé"), zero-width and bidi characters,
 * leetspeak ("c0nn4rd"), letters spaced or dotted apart ("p.u.t.e", "f u c k") and stretched letters ("fuuuuck").
 */

// Zero-width, soft hyphen, bidi controls and word joiners: invisible, so only there to split a word.
// (Invisible combining characters, such as variation selectors, go with the accents below.)
const INVISIBLE = /[\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF]/g;
const MARKS = /\p{M}+/gu;
// Only inside tokens that also have a letter: "2024", "5 heures" or "3-1" stay numbers.
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', $: 's', '€': 'e', '!': 'i', '|': 'l' };
const LEET_CHARS = /[0134578@$€!|]/u;

/** Lower case, NFKC, accents folded, invisible characters removed: the form list entries are written in. */
export function fold(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .normalize('NFD')
    .replace(MARKS, '')
    .replace(/œ/gu, 'oe')
    .replace(/æ/gu, 'ae')
    .replace(/ß/gu, 'ss');
}

function unLeet(raw: string): string {
  if (!/\p{L}/u.test(raw) || !LEET_CHARS.test(raw)) return raw;
  // A trailing "!" is punctuation ("nul!"), not an "i".
  const body = raw.replace(/!+$/u, '');
  let out = '';
  for (const ch of body) out += LEET[ch] ?? ch;
  return out;
}

/** A word of the comment as matched: its folded text, and where it sits in the folded comment. */
export interface Token {
  text: string;
  /** True when it had a run of 3+ identical letters ("fuuuck"): then it is also compared with runs squeezed. */
  stretched: boolean;
  /** The text with runs of letters squeezed ("fuck"), computed once per token. */
  squeezed: string;
}

/** Runs of identical letters cut to one: "fuuuck" → "fuck", "connnard" → "conard". */
export function squeeze(word: string): string {
  return word.replace(/(\p{L})\1+/gu, '$1');
}

/**
 * The tokens of a text, in order. Raw tokens are runs of letters, digits and leet symbols; a run of three or more
 * single letters separated by spaces, dots, dashes, underscores or stars ("p.u.t.e", "f u c k") becomes one token.
 */
export function tokenize(text: string): Token[] {
  const folded = fold(text);
  const raw = folded.match(/[\p{L}\p{N}@$€!|]+/gu) ?? [];
  const words = raw.map(unLeet).map((w) => w.replace(/[^\p{L}\p{N}]/gu, '')).filter((w) => w.length > 0);
  const out: string[] = [];
  for (let i = 0; i < words.length; ) {
    let j = i;
    // Single letters only: a digit on its own ("5 heures") is a number, never part of a spelt-out word.
    while (j < words.length && /^\p{L}$/u.test(words[j] ?? '')) j++;
    if (j - i >= 3 && spacedOut(folded, words.slice(i, j))) {
      out.push(words.slice(i, j).join(''));
      i = j;
    } else {
      out.push(words[i] ?? '');
      i++;
    }
  }
  return out.map((t) => {
    const stretched = /(\p{L})\1\1/u.test(t);
    return { text: t, stretched, squeezed: stretched ? squeeze(t) : t };
  });
}

// "il y a à" is four single letters of ordinary French; joining them needs the run to look spelt out, i.e. the same
// separator between every letter, and no letter run of real words around (checked loosely: at least 3 letters).
function spacedOut(folded: string, letters: string[]): boolean {
  const pattern = letters.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('([\\s._*\\-]{1,3})');
  const m = new RegExp(pattern, 'u').exec(folded);
  if (!m) return false;
  const seps = m.slice(1).map((s) => s.trim() || ' ');
  return seps.every((s) => s === seps[0]) && !(seps[0] === ' ' && letters.length < 4);
}
