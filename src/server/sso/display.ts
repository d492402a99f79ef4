/**
 * What readers see of a single sign-on profile next to the author's name. Keys are absent when there is nothing to
 * show: most authors have no profile, and every comment of a page carries this.
 */
export interface AuthorDisplay {
  avatarUrl?: string;
  badges?: string[];
}

/** Longest label shown: the badges claim is cut to this on sign-in, and `role` to the same length. */
const MAX_LABEL = 40;
/** The role plus the ten badges a token may carry. */
const MAX_LABELS = 11;

/**
 * An http(s) URL, or null. The claim is checked on sign-in already; checked again here because a stored row may be
 * older than that check or come from elsewhere, and a javascript: or data: URL must never reach a page.
 */
export function httpUrlOrNull(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function storedBadges(json: string | null): unknown[] {
  if (!json) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v : [];
  } catch {
    // A malformed row costs the reader their badges, never the page.
    return [];
  }
}

/**
 * The stored profile (sso_profiles: avatar, badges as JSON, role) as shown: the role first, then the badges, blank
 * and repeated labels dropped.
 */
export function authorDisplay(p: { avatar: string | null; badges: string | null; role: string | null }): AuthorDisplay {
  const labels: string[] = [];
  for (const raw of [p.role, ...storedBadges(p.badges)]) {
    if (typeof raw !== 'string') continue;
    const label = raw.trim().slice(0, MAX_LABEL);
    if (label !== '' && !labels.includes(label)) labels.push(label);
    if (labels.length === MAX_LABELS) break;
  }
  const avatarUrl = httpUrlOrNull(p.avatar);
  return { ...(avatarUrl ? { avatarUrl } : {}), ...(labels.length > 0 ? { badges: labels } : {}) };
}
