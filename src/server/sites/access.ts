import { AppError } from '../errors.js';
import type { SsoRepository } from '../sso/repository.js';
import type { Story } from '../stories/repository.js';
import type { User } from '../users/repository.js';
import type { SiteStore } from './store.js';

/**
 * Who may post on a site's stories. A single sign-on account belongs to the site that created it (the same
 * publisher user id on two sites is two readers), and a site can turn local Agora accounts off. Staff pass.
 */
export async function assertMayComment(deps: { siteStore: SiteStore; sso: SsoRepository }, story: Story, author: User): Promise<void> {
  if (author.role !== 'commenter') return;
  // Read with the session when the request is signed in; asked of sso/ otherwise (guests, tests).
  const home = author.sso ? (author.sso.homeSiteId ?? undefined) : await deps.sso.siteOfUser(author.id);
  if (home !== undefined && home !== story.siteId) throw new AppError('WRONG_SITE');
  if (home === undefined) {
    // Read from the briefly cached settings (a change reaches every node within seconds): asked on every post.
    const settings = await deps.siteStore.cachedSettings(story.siteId);
    if (settings && !settings.localAccounts) throw new AppError('LOCAL_ACCOUNTS_DISABLED');
  }
}
