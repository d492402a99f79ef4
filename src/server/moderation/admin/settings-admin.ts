import type { AuditLog } from '../audit.js';
import type { Db } from '../../storage/db.js';
import { withTx } from '../../storage/tx.js';
import type { ModerationRepository } from '../repository.js';
import type { ModerationSettings } from '../settings.js';
import { assertSite, type Scope } from './access.js';
import { ALLOWED_WORDS, BANNED_WORDS, SUSPECT_WORDS } from '../words/default-lists.js';

/** The shipped word lists, shown read-only beside a site's own in the console. */
export const SHIPPED_WORDS = { banned: BANNED_WORDS, suspect: SUSPECT_WORDS, allow: ALLOWED_WORDS };

/** A site's moderation settings. */
export async function getSettings(deps: { moderation: ModerationRepository }, scope: Scope, siteId: string): Promise<ModerationSettings> {
  assertSite(scope, siteId);
  return deps.moderation.settings(siteId);
}

// Lists are sets: trimmed, blank lines dropped, each entry once, in the order given.
const tidy = (list: string[]) => [...new Set(list.map((w) => w.trim()).filter(Boolean))];

/** Replaces a site's moderation settings (validated by the route's schema); audited with before and after. */
export async function saveSettings(deps: { db: Db; moderation: ModerationRepository; audit: AuditLog }, scope: Scope, siteId: string, next: ModerationSettings): Promise<ModerationSettings> {
  assertSite(scope, siteId);
  const before = await deps.moderation.settings(siteId);
  const clean: ModerationSettings = { ...next, words: { useDefaults: next.words.useDefaults, banned: tidy(next.words.banned), suspect: tidy(next.words.suspect), allow: tidy(next.words.allow) } };
  await withTx(deps.db, async (tx) => {
    await deps.moderation.saveSettings(tx, siteId, clean);
    await deps.audit.record(tx, { siteId, actorId: scope.user.id, action: 'settings.update', targetType: 'settings', targetId: siteId, before, after: clean });
  });
  // Again once committed: a comment posted while the transaction was open may have cached the previous settings.
  deps.moderation.forgetSettings(siteId);
  return clean;
}
