import { AppError } from '../errors.js';

// Parameters that identify a visit, not a page: left in, one article would split into many stories.
const TRACKING = /^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|igshid|ref_src)$/i;

/** Canonical form of a story URL: http(s) only, no fragment, no tracking parameters, no default port. */
export function normaliseStoryUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new AppError('INVALID_URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('INVALID_URL');
  if (raw.length > 2048) throw new AppError('INVALID_URL');
  u.hash = '';
  u.username = '';
  u.password = '';
  for (const key of [...u.searchParams.keys()]) if (TRACKING.test(key)) u.searchParams.delete(key);
  return u.toString();
}
