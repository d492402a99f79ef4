import type { Db } from '../storage/db.js';
import type { Queryable } from '../storage/tx.js';
import { nowIso } from '../storage/ids.js';
import type { Lang } from '../../i18n/discussion.js';

/** How a reader wants to hear about replies and moderation decisions. */
export type NotifyMode = 'immediate' | 'digest' | 'none';
export const NOTIFY_MODES: readonly NotifyMode[] = ['immediate', 'digest', 'none'];

/** A reader's notification settings, with defaults filled in. */
export interface ReaderSettings {
  mode: NotifyMode;
  /** Language of emails; null until known (then the story's language is used). */
  lang: Lang | null;
  /** Where emails go: the account's own email, else the address single sign-on gave us. */
  email: string | null;
}

const asMode = (m: string | undefined): NotifyMode => (m === 'digest' || m === 'none' ? m : 'immediate');
const asLang = (l: string | null | undefined): Lang | null => (l === 'fr' || l === 'en' ? l : null);

/** Storage of readers' notification settings. */
export function readerSettingsRepository(db: Db) {
  return {
    async get(userId: string, q: Queryable = db): Promise<ReaderSettings> {
      const row = await q
        .selectFrom('users as u')
        .leftJoin('notification_settings as n', 'n.user_id', 'u.id')
        .select(['u.email as account_email', 'n.mode', 'n.lang', 'n.email'])
        .where('u.id', '=', userId)
        .executeTakeFirst();
      return { mode: asMode(row?.mode ?? undefined), lang: asLang(row?.lang), email: row?.account_email ?? row?.email ?? null };
    },

    /** Saves the mode and/or language; the rest is kept. */
    async update(userId: string, patch: { mode?: NotifyMode; lang?: Lang }): Promise<void> {
      const set = { ...(patch.mode ? { mode: patch.mode } : {}), ...(patch.lang ? { lang: patch.lang } : {}), updated_at: nowIso() };
      await db
        .insertInto('notification_settings')
        .values({ user_id: userId, mode: patch.mode ?? 'immediate', lang: patch.lang ?? null, email: null, updated_at: set.updated_at })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(set))
        .execute();
    },

    /** Records the contact address a publisher's single sign-on gave, and the language when none was chosen yet. */
    async rememberContact(userId: string, email: string | null, lang: Lang): Promise<void> {
      const at = nowIso();
      await db
        .insertInto('notification_settings')
        .values({ user_id: userId, mode: 'immediate', lang, email, updated_at: at })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ email, updated_at: at }))
        .execute();
    },
  };
}
export type ReaderSettingsRepository = ReturnType<typeof readerSettingsRepository>;
