import type { Moderator } from '../comments/use-cases.js';
import { AppError } from '../errors.js';
import { nowIso } from '../storage/ids.js';
import { rejectionMessage } from './author-messages.js';
import { isNewAccount, type ModerationContext } from './context.js';
import { runPipeline, siteMatchers } from './pipeline.js';
import type { ModerationRepository } from './repository.js';
import type { ModerationSettings } from './settings.js';
import type { ScorerSource } from './scorers.js';
import type { Verdict } from './types.js';

export interface ModeratorDeps {
  moderation: ModerationRepository;
  scorers: ScorerSource;
  now?: () => number;
}

/** Word matchers are compiled once per distinct word settings, not on every comment. */
const matcherCache = new Map<string, ReturnType<typeof siteMatchers>>();
function matchersFor(words: ModerationSettings['words']) {
  const key = JSON.stringify(words);
  let m = matcherCache.get(key);
  if (!m) {
    if (matcherCache.size > 100) matcherCache.clear();
    m = siteMatchers(words);
    matcherCache.set(key, m);
  }
  return m;
}

/** The verdict as stored with the comment (comments.moderation). */
export function storedVerdict(v: Verdict, at: number): string {
  return JSON.stringify({ action: v.action, reasons: v.reasons, scores: v.scores, at: nowIso(at) });
}

/** The pipeline behind CommentDeps.moderate: gathers the facts of the site, story and author, runs the phases. */
export function pipelineModerator(deps: ModeratorDeps): Moderator {
  return async ({ story, author, body, editing }) => {
    const now = deps.now?.() ?? Date.now();
    const repo = deps.moderation;
    const settings = await repo.settings(story.siteId);
    const ago = (seconds: number) => nowIso(now - seconds * 1000);
    const [facts, mode, scorer] = await Promise.all([
      repo.authorFacts({
        siteId: story.siteId,
        userId: author.id,
        storyId: story.id,
        body,
        recentSince: ago(settings.rate.windowSeconds),
        sameSince: ago(settings.duplicateHours * 3600),
        // Published comments matter only below these thresholds (new account, first comments held): counted up to them.
        publishedCap: Math.max(settings.newUserComments, settings.premoderateFirst),
        exceptId: editing?.id,
      }),
      // A story read from the database carries its settings; one built elsewhere has its mode read.
      story.settings ? (story.settings.premoderation ? ('pre' as const) : ('inherit' as const)) : repo.storyMode(story.siteId, story.id),
      deps.scorers.forSite(story.siteId),
    ]);
    const standing = { banned: facts.banned, suspendedUntil: facts.suspendedUntil, premoderate: facts.premoderate };
    const counts = { published: facts.published, recent: facts.recent };
    const same = { sameStory: facts.sameStory, elsewhere: facts.elsewhere };
    // The flood count only matters for a new account, and on a busy story it reads every recent comment: it is
    // counted only when this author is new (a hot story must not make each established reader's post slower).
    const flood = isNewAccount({ createdAt: author.createdAt, publishedCount: counts.published }, settings, now)
      ? await repo.newAccountComments(story.siteId, story.id, ago(settings.flood.windowSeconds), ago(settings.newUserHours * 3600))
      : 0;
    const ctx: ModerationContext = {
      text: body,
      now,
      editing: editing !== undefined,
      settings,
      story: { id: story.id, lang: story.lang, closed: story.closed, createdAt: story.createdAt, mode },
      author: { id: author.id, role: author.role, createdAt: author.createdAt, ...standing, publishedCount: counts.published, recentCount: counts.recent },
      history: { sameTextSameStory: settings.duplicateHours > 0 && same.sameStory, sameTextElsewhere: settings.duplicateHours > 0 ? same.elsewhere : 0, storyNewAccountComments: flood },
      scorer,
      words: matchersFor(settings.words),
      facts: {},
    };
    const verdict = await runPipeline(ctx);
    // Editing a rejected comment into something clean must not publish it behind the moderators' back.
    if (editing?.status === 'rejected' && verdict.action === 'publish') {
      verdict.action = 'hold';
      verdict.reasons.push({ phase: 'trust', code: 'edited_after_rejection', message: 'Edited after it was rejected: a moderator decides again.' });
    }
    if (verdict.refusal) throw new AppError(verdict.refusal.code, verdict.refusal.details, verdict.refusal.retryAfterSeconds !== undefined ? { retryAfterSeconds: verdict.refusal.retryAfterSeconds } : undefined);
    const status = verdict.action === 'publish' ? 'published' : verdict.action === 'hold' ? 'pending' : 'rejected';
    const rejectionReason = status === 'rejected' ? rejectionMessage(verdict.reasons[verdict.reasons.length - 1]?.phase ?? 'other', story.lang) : null;
    return { status, moderation: storedVerdict(verdict, now), rejectionReason };
  };
}
