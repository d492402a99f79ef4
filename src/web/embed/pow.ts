/**
 * Solves a guest comment's proof-of-work challenge (the server's side is src/server/guests/pow.ts): finds a nonce
 * such that SHA-256 of `${challenge}:${nonce}` starts with `bits` zero bits. WebCrypto does the hashing (no SHA-256
 * of our own in the bundle); hashes are asked for in batches, so the page stays responsive between them. WebCrypto
 * needs a secure context: guests can comment from https pages (and localhost), not from plain http ones.
 */
export async function solvePow(challenge: string, bits: number): Promise<string> {
  const te = new TextEncoder();
  for (let n = 0; ; n += 256) {
    const hashes = await Promise.all(
      Array.from({ length: 256 }, (_, i) => crypto.subtle.digest('SHA-256', te.encode(`${challenge}:${n + i}`))),
    );
    // Difficulties stop at 26 bits (site settings), so the first 32 bits of the hash decide.
    const i = hashes.findIndex((h) => Math.clz32(new DataView(h).getUint32(0)) >= bits);
    if (i >= 0) return String(n + i);
  }
}
