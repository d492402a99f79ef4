/**
 * Solves a guest comment's proof-of-work challenge (the server's side is src/server/guests/pow.ts): finds a nonce
 * such that SHA-256 of `${challenge}:${nonce}` starts with `bits` zero bits. WebCrypto does the hashing (no SHA-256
 * of our own in the bundle); hashes are asked for in batches, so the page stays responsive between them. WebCrypto
 * needs a secure context: guests can comment from https pages (and localhost), not from plain http ones.
 *
 * A plain loop, written against the page's globals (issue 19): old libraries replace `Array.from` with one that
 * ignores its mapping function, and `Promise` with polyfills whose callbacks wait for a timer. So no `Array.from`,
 * no `Promise.all`: a batch of digests is started, then each is awaited in turn, and `await` uses the engine's own
 * promises whatever `window.Promise` is.
 */
export async function solvePow(challenge: string, bits: number): Promise<string> {
  const te = new TextEncoder();
  for (let n = 0; ; n += 256) {
    const batch: Promise<ArrayBuffer>[] = [];
    for (let i = 0; i < 256; i++) batch.push(crypto.subtle.digest('SHA-256', te.encode(`${challenge}:${n + i}`)));
    // Difficulties stop at 26 bits (site settings), so the first 32 bits of the hash decide.
    for (let i = 0; i < 256; i++) if (Math.clz32(new DataView(await batch[i]!).getUint32(0)) >= bits) return String(n + i);
  }
}
