import { fold, squeeze, tokenize, type Token } from './normalize.js';

/**
 * Word lists compiled for matching. Entry syntax (written in any case, with or without accents):
 * - `word`: a whole word; a final plural "s" or "x" also matches ("connards").
 * - `word*`: any word starting with it ("encul*" → "enculé", "enculés").
 * - `*word*`: inside any word ("*fuck*" → "motherfucker"); this is the form that catches "Scunthorpe", so the
 *   allow-list is checked for it.
 * - `two words`: consecutive words.
 * The allow-list holds words and phrases that are never matched, even when a list entry sits inside them.
 */
export interface WordMatcher {
  /** The list entries found in `text`, each once, in list order. */
  match(text: string): string[];
}

interface Entry {
  source: string;
  parts: string[];
  /** The parts with runs of letters squeezed, computed once: compared with stretched tokens ("fuuuck"). */
  squeezed: string[];
  kind: 'word' | 'prefix' | 'inside';
}

/** Words of an entry or allow-list phrase, split like a comment ("i'm" is two words). */
function words(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

function compile(source: string): Entry | undefined {
  const f = source.trim();
  const inside = f.length > 2 && f.startsWith('*') && f.endsWith('*');
  const prefix = !inside && f.endsWith('*');
  const parts = words(f);
  if (parts.length === 0) return undefined;
  const squeezed = parts.map(squeeze);
  if (inside) return parts.length === 1 ? { source, parts, squeezed, kind: 'inside' } : undefined;
  return { source, parts, squeezed, kind: prefix ? 'prefix' : 'word' };
}

function sameWord(token: Token, word: string, squeezedWord: string, kind: 'word' | 'prefix'): boolean {
  const candidates = token.stretched ? [token.text, token.squeezed] : [token.text];
  const targets = token.stretched ? [word, squeezedWord] : [word];
  for (const t of candidates) {
    for (const w of targets) {
      if (kind === 'prefix' ? t.startsWith(w) : t === w || ((t === `${w}s` || t === `${w}x`) && w.length > 2)) return true;
    }
  }
  return false;
}

// The banned and suspect lists are matched against the same comment one after the other: it is tokenised once.
let lastText: string | undefined;
let lastTokens: readonly Token[] = [];
function tokensOf(text: string): readonly Token[] {
  if (text !== lastText) {
    lastTokens = tokenize(text);
    lastText = text;
  }
  return lastTokens;
}

/** Compiles a matcher from list entries and an allow-list. */
export function wordMatcher(entries: readonly string[], allow: readonly string[] = []): WordMatcher {
  const compiled = entries.map(compile).filter((e): e is Entry => e !== undefined);
  const allowed = allow.map(words).filter((p) => p.length > 0);
  return {
    match(text) {
      const tokens = tokensOf(text);
      // Positions covered by an allow-listed word or phrase are out of reach of every list entry.
      const shielded = new Set<number>();
      for (const phrase of allowed) {
        for (let i = 0; i + phrase.length <= tokens.length; i++) {
          if (phrase.every((p, k) => tokens[i + k]?.text === p || tokens[i + k]?.text === `${p}s`)) for (let k = 0; k < phrase.length; k++) shielded.add(i + k);
        }
      }
      const found: string[] = [];
      for (const e of compiled) {
        if (hit(e, tokens, shielded)) found.push(e.source);
      }
      return found;
    },
  };
}

function hit(e: Entry, tokens: readonly Token[], shielded: Set<number>): boolean {
  const first = e.parts[0] ?? '';
  if (e.kind === 'inside') {
    const squeezedFirst = e.squeezed[0] ?? '';
    return tokens.some((t, i) => !shielded.has(i) && (t.text.includes(first) || (t.stretched && t.squeezed.includes(squeezedFirst))));
  }
  const last = e.parts.length - 1;
  for (let i = 0; i + last < tokens.length; i++) {
    let ok = true;
    for (let k = 0; k <= last && ok; k++) {
      const tok = tokens[i + k];
      ok = tok !== undefined && !shielded.has(i + k) && sameWord(tok, e.parts[k] ?? '', e.squeezed[k] ?? '', k === last ? (e.kind === 'prefix' ? 'prefix' : 'word') : 'word');
    }
    if (ok) return true;
  }
  return false;
}

/**
 * Removes allow-listed words and phrases from a text before a model scores it: a model sees "Bitche" as "bitch",
 * and the allow-list is where a site says it is not.
 */
export function allowStripper(allow: readonly string[]): (text: string) => string {
  const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns = allow
    .map(words)
    .filter((p) => p.length > 0)
    .map((p) => new RegExp(`(?<![\\p{L}\\p{N}])${p.map(escape).join('[^\\p{L}\\p{N}]+')}s?(?![\\p{L}\\p{N}])`, 'gu'));
  if (patterns.length === 0) return (t) => t;
  return (text) => {
    const nfc = text.normalize('NFC');
    const folded = fold(nfc);
    // Positions are found in the folded text and cut from the original, which needs one character for one: true of
    // Latin scripts; otherwise the text is scored as it is.
    if (folded.length !== nfc.length) return text;
    const cuts: [number, number][] = [];
    for (const re of patterns) for (const m of folded.matchAll(re)) cuts.push([m.index, m.index + m[0].length]);
    if (cuts.length === 0) return text;
    cuts.sort((a, b) => a[0] - b[0]);
    let out = '';
    let at = 0;
    for (const [a, b] of cuts) {
      if (a < at) continue;
      out += `${nfc.slice(at, a)} `;
      at = b;
    }
    return out + nfc.slice(at);
  };
}
