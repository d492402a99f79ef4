import { AppError } from '../errors.js';
import type { CommentDeps } from '../comments/use-cases.js';
import { postComment } from '../comments/use-cases.js';
import type { CommentNode } from '../comments/model.js';
import type { SiteStore } from '../sites/store.js';
import type { Story } from '../stories/repository.js';
import type { User, UsersRepository } from '../users/repository.js';
import { normaliseDisplayName, normaliseEmail } from '../users/use-cases.js';
import { newId, nowIso } from '../storage/ids.js';
import { checkSolution, issueChallenge, type Challenge } from './pow.js';
import { newGuestToken, type GuestsRepository } from './repository.js';

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
 *
 * Who the guest is: the account named by `guestToken` (handed back with the guest's first comment and kept by their
 * browser), else a new account with a new token. Never the email: typed, not proven, it would let anyone post as
 * another guest and rename their comments. The account and the comment are one change: a refused comment leaves
 * no account behind.
 */
export async function postAsGuest(
  deps: GuestDeps,
  input: { story: Story; name: string; email: string; body: string; parentId?: string | undefined; challenge: string; nonce: string; guestToken?: string | undefined },
): Promise<{ comment: CommentNode; guestToken: string }> {
  const siteId = input.story.siteId;
  const g = await guestSettings(deps, siteId);
  const name = normaliseDisplayName(input.name);
  const email = normaliseEmail(input.email);
  const solved = checkSolution(deps.secret, siteId, input.challenge, input.nonce);
  if (!solved || !(await deps.guests.spend(solved.id, solved.expiresAt))) throw new AppError('CHALLENGE_FAILED');
  const knownId = input.guestToken ? await deps.guests.byToken(siteId, input.guestToken) : undefined;
  const known: User | undefined = knownId ? await deps.users.get(knownId) : undefined;
  // An unknown or erased token starts a new guest rather than failing: the browser simply keeps the new one.
  const token = known && input.guestToken ? input.guestToken : newGuestToken();
  const author: User = known ? { ...known, displayName: name } : { id: newId(), email: null, displayName: name, role: 'commenter', createdAt: nowIso() };
  const base = deps.commentDeps;
  const commentDeps: CommentDeps = {
    ...base,
    // Guests are not accounts of the site: the "local accounts off" rule is about sign-in, not them.
    mayPost: undefined,
    moderate: async (m) => {
      const outcome = await base.moderate(m);
      return g.holdForReview && outcome.status === 'published' ? { ...outcome, status: 'pending' } : outcome;
    },
    change: (work) =>
      base.change(async (ch) => {
        await deps.guests.save(ch.tx, { siteId, userId: author.id, token, name, email, isNew: !known });
        return work(ch);
      }),
  };
  const comment = await postComment(commentDeps, { story: input.story, author, body: input.body, parentId: input.parentId });
  return { comment, guestToken: token };
}
