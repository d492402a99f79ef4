/**
 * 32-bit FNV-1a hashing, used for the "hashing trick": features are never stored by name,
 * only by bucket, so a model is a fixed-size weight array with no vocabulary to ship.
 */
export const FNV_OFFSET = 0x811c9dc5;

export function fnvStep(h: number, code: number): number {
  return Math.imul(h ^ code, 0x01000193) >>> 0;
}

export function fnv1a(s: string, seed: number = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) h = fnvStep(h, s.charCodeAt(i));
  return h;
}

/** Final avalanche (from murmur3) so the low bits used as a bucket index are well mixed. */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
