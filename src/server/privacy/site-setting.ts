import type { Db } from '../storage/db.js';
import type { OnDelete } from './erase.js';

/**
 * Sets `privacy.onDelete` in a site's settings JSON, keeping every other feature's keys as they are. Throws when
 * the site does not exist.
 */
export async function setOnDelete(db: Db, siteId: string, mode: OnDelete): Promise<void> {
  const site = await db.selectFrom('sites').select('settings').where('id', '=', siteId).executeTakeFirst();
  if (!site) throw new Error(`there is no site "${siteId}"`);
  let all: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(site.settings);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) all = parsed as Record<string, unknown>;
  } catch {
    // A corrupt settings value is replaced by one that holds at least this setting.
  }
  const privacy = all.privacy && typeof all.privacy === 'object' ? (all.privacy as Record<string, unknown>) : {};
  await db.updateTable('sites').set({ settings: JSON.stringify({ ...all, privacy: { ...privacy, onDelete: mode } }) }).where('id', '=', siteId).execute();
}
