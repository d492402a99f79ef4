import { isNewAccount, isStaff, type ModerationContext } from '../context.js';
import type { PhaseOutput } from '../types.js';

// Markdown links, bare URLs and bare domains ("promo.example.com/offer"): all are links a reader can follow or copy.
const LINK = /\bhttps?:\/\/[^\s)]+|\bwww\.[^\s)]+|\b(?:[a-z0-9-]+\.)+(?:com|net|org|info|biz|fr|be|ch|ca|uk|eu|io|co|me|ly|tk|ru|cn|xyz|top|site|online|shop)\b(?:\/[^\s)]*)?/giu;

/** The links found in a text. */
export function findLinks(text: string): string[] {
  return text.match(LINK) ?? [];
}

/** Applies the site's links policy: allow, hold from new accounts (default), hold from everyone, or reject. */
export function links(ctx: Pick<ModerationContext, 'text' | 'author' | 'settings' | 'now'>): PhaseOutput {
  const policy = ctx.settings.links;
  if (policy === 'allow' || isStaff(ctx.author)) return undefined;
  const found = findLinks(ctx.text);
  if (found.length === 0) return undefined;
  const shown = found.slice(0, 5).map((l) => l.slice(0, 100));
  if (policy === 'reject') return { verdict: { action: 'reject', reason: { phase: 'links', code: 'links_refused', message: 'Links are not allowed on this site.', words: shown } } };
  if (policy === 'hold-all') return { verdict: { action: 'hold', reason: { phase: 'links', code: 'links_held', message: 'Comments with links are reviewed.', words: shown } } };
  // hold-new: a bare text scored from the command line has no author; treat it as new, the cautious reading.
  if (ctx.author && !isNewAccount(ctx.author, ctx.settings, ctx.now)) return undefined;
  return { verdict: { action: 'hold', reason: { phase: 'links', code: 'links_new_account', message: 'A link from a new account.', words: shown } } };
}
