import { AppError } from '../errors.js';

// Parameters that identify a visit, not a page: left in, one article would split into many stories.
const TRACKING = /^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|igshid|ref_src)$/i;

/**
 * Canonical form of a story URL: http(s) only, no fragment, no credentials, no tracking parameters, no default
 * port, host in lower case. Stories are stored in this form, so it must not change: a change would orphan stories
 * made before it. Folding of further variants (scheme, trailing slash) happens in {@link storyUrlKey} instead.
 */
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

/** The parts of a normalised URL the key is made of; `path` without the one trailing slash that variants differ by. */
function parts(normalised: string): { host: string; path: string; search: string } {
  const u = new URL(normalised);
  const path = u.pathname.length > 1 && u.pathname.endsWith('/') ? u.pathname.slice(0, -1) : u.pathname;
  return { host: u.host, path, search: u.search };
}

/**
 * What makes two URLs the same page, hence one story: the normalised URL without its scheme and without a trailing
 * slash on the path. Archives and shared links carry an article under http:// and https://, with and without the
 * slash; servers answer both with the same page (or a redirect to it).
 */
export function storyUrlKey(url: string): string {
  const p = parts(normaliseStoryUrl(url));
  return `//${p.host}${p.path}${p.search}`;
}

/** Every stored form a page's story may have: both schemes, with and without the trailing slash. */
export function storyUrlVariants(url: string): string[] {
  const normalised = normaliseStoryUrl(url);
  const p = parts(normalised);
  const paths = p.path === '/' ? ['/'] : [p.path, `${p.path}/`];
  // The normalised form itself too: a story stored under an odd but valid form ("…/a?") is still found by it.
  const all = [normalised, ...['https:', 'http:'].flatMap((scheme) => paths.map((path) => `${scheme}//${p.host}${path}${p.search}`))];
  return [...new Set(all)];
}

/**
 * The story to use among those stored under variants of one page (there may be several, made before variants were
 * folded): the exact form asked for, else https, else the shortest, so every caller picks the same one.
 */
export function pickStoryUrl(stored: readonly string[], wanted: string): string | undefined {
  if (stored.includes(wanted)) return wanted;
  return [...stored].sort((a, b) => Number(b.startsWith('https:')) - Number(a.startsWith('https:')) || a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))[0];
}

/**
 * The form a new story is stored under: the scheme the site allows for this host (https when it allows both), so a
 * page reached over http on a site that also serves it over https is one story with the importer's.
 */
export function withSiteScheme(normalised: string, siteOrigins: readonly string[]): string {
  const u = new URL(normalised);
  for (const scheme of ['https:', 'http:']) if (siteOrigins.includes(`${scheme}//${u.host}`)) return scheme + normalised.slice(u.protocol.length);
  return normalised;
}
