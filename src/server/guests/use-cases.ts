import { AppError } from '../errors.js';
import type { CommentDeps } from '../comments/use-cases.js';
import { postComment } from '../comments/use-cases.js';
import type { CommentNode } from '../comments/model.js';
import type { SiteStore } from '../sites/store.js';
import type { Story } from '../stories/repository.js';
import type { User, UsersRepository } from '../users/repository.js';
import { normaliseDisplayName, normaliseEmail } from '../users/use-cases.js';
import { checkSolution, issueChallenge, type Challenge } from './pow.js';
import type { GuestsRepository } from './repository.js';

/** What guest commenting needs. */
export interface GuestDeps {
  siteStore: SiteStore;
  guests: GuestsRepository;
  users: UsersRepository;
  commentDeps: CommentDeps;
  secret: string;
}

async function guestSettings(deps: GuestDeps, siteId: string) {
  const site = await deps.siteStore.get(siteId);
  if (!site?.settings.guests.enabled) throw new AppError('GUESTS_NOT_ALLOWED');
  return site.settings.guests;
}

/**
 * Whether a site takes guest comments, for the story payload (the widget offers the guest form). Read from the
 * briefly cached settings: it is asked on every page view, and posting checks the current settings anyway.
 */
export async function guestsAllowed(deps: Pick<GuestDeps, 'siteStore'>, siteId: string): Promise<boolean> {
  return (await deps.siteStore.cachedSettings(siteId))?.guests.enabled ?? false;
}

/** A proof-of-work challenge for a guest comment on a story's site. */
export async function guestChallenge(deps: GuestDeps, story: Story): Promise<Challenge> {
  const g = await guestSettings(deps, story.siteId);
  return issueChallenge(deps.secret, story.siteId, g.powDifficulty);
}

/**
 * Posts a guest's comment: a solved, fresh, unused challenge; a name shown and an email never shown; then the same
 * use case as everyone's, so the moderation pipeline's defences (spam, links, rate, banned words) apply. Unless the
 * site says otherwise, what the pipeline would publish is held for a moderator.
 */
export async function postAsGuest(
  deps: GuestDeps,
  input: { story: Story; name: string; email: string; body: string; parentId?: string | undefined; challenge: string; nonce: string },
): Promise<CommentNode> {
  const g = await guestSettings(deps, input.story.siteId);
  const name = normaliseDisplayName(input.name);
  const email = normaliseEmail(input.email);
  const solved = checkSolution(deps.secret, input.story.siteId, input.challenge, input.nonce);
  if (!solved || !(await deps.guests.spend(solved.id, solved.expiresAt))) throw new AppError('CHALLENGE_FAILED');
  const userId = await deps.guests.guestUser(input.story.siteId, email, name);
  const author: User | undefined = await deps.users.get(userId);
  if (!author) throw new Error('guest account vanished');
  const base = deps.commentDeps;
  const commentDeps: CommentDeps = {
    ...base,
    // Guests are not accounts of the site: the "local accounts off" rule is about sign-in, not them.
    mayPost: undefined,
    moderate: async (m) => {
      const outcome = await base.moderate(m);
      return g.holdForReview && outcome.status === 'published' ? { ...outcome, status: 'pending' } : outcome;
    },
  };
  return postComment(commentDeps, { story: input.story, author, body: input.body, parentId: input.parentId });
}
