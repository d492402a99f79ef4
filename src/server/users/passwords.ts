import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Node's scrypt is memory-hard and built in: no native addon to compile, and it runs on libuv's thread pool so
// hashing never blocks the event loop. Format: scrypt$N$r$p$salt$hash (base64url), so the cost can be raised later
// and old hashes still verify.
function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

const KEYLEN = 32;

/** Hashes a password with scrypt (N as configured, r=8, p=1). */
export async function hashPassword(password: string, N: number): Promise<string> {
  const salt = randomBytes(16);
  const r = 8;
  const p = 1;
  const key = await scrypt(password, salt, KEYLEN, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

// Bounds on what a stored hash may ask for: a corrupted or hostile row must not make us allocate gigabytes or
// compare a shortened key.
const isPow2 = (n: number) => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;

/** Checks a password against a stored hash in constant time; false for any malformed hash, never a throw. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (!isPow2(N) || N < 2 ** 10 || N > 2 ** 20 || !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 16 || expected.length !== KEYLEN) return false;
  try {
    const key = await scrypt(password, salt, KEYLEN, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
    return timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}

/** A hash of a random password, compared against when the email is unknown so timing does not reveal accounts. */
export async function dummyHash(N: number): Promise<string> {
  return hashPassword(randomBytes(16).toString('hex'), N);
}
