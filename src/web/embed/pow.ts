/**
 * Solves a guest comment's proof-of-work challenge (the server's side is src/server/guests/pow.ts): finds a nonce
 * such that SHA-256 of `${challenge}:${nonce}` starts with `bits` zero bits. WebCrypto does the hashing (no SHA-256
 * of our own in the bundle), in batches. WebCrypto needs a secure context: guests can comment from https pages (and
 * localhost), not from plain http ones.
 *
 * A plain loop, written against the page's globals (issue 19): old libraries replace `Array.from` with one that
 * ignores its mapping function, and `Promise` with polyfills whose callbacks wait for a timer. So no `Array.from`,
 * no `Promise.all`: a batch of digests is started, then each is awaited in turn, and `await` uses the engine's own
 * promises whatever `window.Promise` is. It yields to the page between batches (below).
 */
export async function solvePow(challenge: string, bits: number): Promise<string> {
  const te = new TextEncoder();
  // The engine's own Promise (an async function's result is one), for the one promise made here.
  const P = (async () => {})().constructor as PromiseConstructor;
  const ch = new MessageChannel();
  try {
    for (let n = 0; ; n += 256) {
      const batch: Promise<ArrayBuffer>[] = [];
      for (let i = 0; i < 256; i++) batch.push(crypto.subtle.digest('SHA-256', te.encode(`${challenge}:${n + i}`)));
      // Difficulties stop at 26 bits (site settings), so the first 32 bits of the hash decide.
      for (let i = 0; i < 256; i++) if (Math.clz32(new DataView(await batch[i]!).getUint32(0)) >= bits) return String(n + i);
      // Measured in Chromium: the digests' answers alone keep the page's timers from running for the whole search.
      // A message to ourselves after each batch is a task of its own, so the page's timers and input get their turn
      // (a 20 ms timer then runs about on time), at no measurable cost; setTimeout would be clamped to 4 ms.
      await new P((r) => {
        ch.port1.onmessage = r;
        ch.port2.postMessage(0);
      });
    }
  } finally {
    ch.port1.close();
  }
}
