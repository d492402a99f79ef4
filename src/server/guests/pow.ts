import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a challenge may be solved and used. */
export const CHALLENGE_TTL_MS = 10 * 60_000;

/** A challenge as issued: the client hashes `${challenge}:${nonce}` until SHA-256 starts with `difficulty` zero bits. */
export interface Challenge {
  challenge: string;
  difficulty: number;
  expiresAt: string;
}

function mac(secret: string, body: string): string {
  return createHmac('sha256', secret).update(`pow:${body}`).digest('base64url');
}

/**
 * Issues a stateless challenge: id, site, difficulty and expiry are signed into it, so issuing costs no database
 * write (challenges are free to ask for, and must not be a way to fill our tables).
 */
export function issueChallenge(secret: string, siteId: string, difficulty: number, now = Date.now()): Challenge {
  const expires = now + CHALLENGE_TTL_MS;
  const body = `${randomBytes(12).toString('base64url')}.${siteId}.${difficulty}.${expires}`;
  return { challenge: `${body}.${mac(secret, body)}`, difficulty, expiresAt: new Date(expires).toISOString() };
}

/** Leading zero bits of a digest. */
export function leadingZeroBits(digest: Buffer): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    bits += Math.clz32(byte) - 24;
    break;
  }
  return bits;
}

/** The SHA-256 a client computes for a nonce. */
export function powDigest(challenge: string, nonce: string): Buffer {
  return createHash('sha256').update(`${challenge}:${nonce}`).digest();
}

/**
 * Checks a solution: our signature, the site, the expiry and the work. Returns the challenge id (to spend it once)
 * and its expiry, or null. Single use is the caller's part: it records the id.
 */
export function checkSolution(secret: string, siteId: string, challenge: string, nonce: string, now = Date.now()): { id: string; expiresAt: number } | null {
  const parts = challenge.split('.');
  if (parts.length !== 5 || nonce.length < 1 || nonce.length > 64) return null;
  const [id, site, diff, exp, sig] = parts as [string, string, string, string, string];
  const body = `${id}.${site}.${diff}.${exp}`;
  const expected = Buffer.from(mac(secret, body));
  const got = Buffer.from(sig);
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) return null;
  const difficulty = Number(diff);
  const expiresAt = Number(exp);
  if (site !== siteId || !Number.isInteger(difficulty) || !(expiresAt > now)) return null;
  if (leadingZeroBits(powDigest(challenge, nonce)) < difficulty) return null;
  return { id, expiresAt };
}

/** Finds a nonce (what the guest's browser does); for tests and the README's example, at small difficulties. */
export function solve(challenge: string, difficulty: number): string {
  for (let n = 0; ; n++) if (leadingZeroBits(powDigest(challenge, String(n))) >= difficulty) return String(n);
}
