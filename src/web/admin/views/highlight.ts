/** Folds case and accents, so "Connard" and "connârd" match the listed word "connard". */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Wraps the words the pipeline matched in <mark> inside an already sanitised comment body, text nodes only (no HTML
 * is parsed or built from strings). Matching is literal after folding case and accents: a word the pipeline saw
 * through leetspeak or spacing stays unmarked, but is still listed under "why it was held".
 */
export function highlight(root: HTMLElement, words: string[]): void {
  const wanted = [...new Set(words.map((w) => fold(w.replace(/\*/g, '')).trim()).filter((w) => w.length > 1))];
  if (wanted.length === 0) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!(n.parentElement?.closest('mark'))) texts.push(n as Text);
  for (const node of texts) {
    const text = node.data;
    // NFD folding keeps one character per base letter for Latin text, so indexes line up with the original in practice.
    const folded = fold(text);
    if (folded.length !== text.length) continue;
    const hits: [number, number][] = [];
    for (const w of wanted) for (let i = folded.indexOf(w); i >= 0; i = folded.indexOf(w, i + w.length)) hits.push([i, i + w.length]);
    if (hits.length === 0) continue;
    hits.sort((a, b) => a[0] - b[0]);
    const frag = document.createDocumentFragment();
    let at = 0;
    for (const [from, to] of hits) {
      if (from < at) continue;
      frag.append(text.slice(at, from));
      const mark = document.createElement('mark');
      mark.textContent = text.slice(from, to);
      frag.append(mark);
      at = to;
    }
    frag.append(text.slice(at));
    node.replaceWith(frag);
  }
}
