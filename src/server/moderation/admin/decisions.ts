import type { CommentRecord } from '../../comments/model.js';
import type { CommentsRepository } from '../../comments/repository.js';
import { AppError } from '../../errors.js';
import type { EventBus } from '../../events/bus.js';
import type { Db } from '../../storage/db.js';
import { nowIso } from '../../storage/ids.js';
import type { StoriesRepository } from '../../stories/repository.js';
import type { AuditLog } from '../audit.js';
import { assertSite, type Scope } from './access.js';

export interface DecisionDeps {
  db: Db;
  comments: CommentsRepository;
  stories: StoriesRepository;
  events: EventBus;
  audit: AuditLog;
}

/** What a moderator does to a comment. */
export type Decision = { action: 'approve' } | { action: 'reject'; reason?: string | undefined; kind?: 'abuse' | 'spam' | 'other' | undefined } | { action: 'feature'; featured: boolean };

const DEFAULT_REJECTION = {
  fr: 'Un modérateur a retiré ce commentaire : il ne respecte pas les règles de la discussion.',
  en: 'A moderator removed this comment: it does not follow the discussion rules.',
} as const;

/** A comment the scope may moderate; COMMENT_NOT_FOUND otherwise (another site's comment is not revealed). */
async function moderatable(deps: DecisionDeps, scope: Scope, commentId: string): Promise<CommentRecord> {
  const siteId = await deps.comments.siteOf(commentId);
  const c = siteId ? await deps.comments.get(siteId, commentId) : undefined;
  if (!c) throw new AppError('COMMENT_NOT_FOUND');
  assertSite(scope, c.siteId);
  if (c.status === 'deleted') throw new AppError('COMMENT_DELETED');
  return c;
}

/**
 * Keeps the decision as a labelled example for the site's retraining: approved = acceptable text, rejected = toxic
 * or spam. One example per comment; a later decision replaces an earlier one.
 */
async function keepExample(db: Db, c: CommentRecord, kind: 'approved' | 'spam' | 'toxic', lang: string): Promise<void> {
  const values = { text: c.body, lang, label: kind === 'approved' ? 0 : 1, kind, created_at: nowIso() };
  await db
    .insertInto('moderation_examples')
    .values({ site_id: c.siteId, comment_id: c.id, ...values })
    .onConflict((oc) => oc.columns(['site_id', 'comment_id']).doUpdateSet(values))
    .execute();
}

async function languageOf(db: Db, c: CommentRecord, storyLang: string): Promise<string> {
  const row = await db.selectFrom('comments').select('moderation').where('id', '=', c.id).executeTakeFirst();
  try {
    const lang = (JSON.parse(row?.moderation ?? '{}') as { scores?: { lang?: string } }).scores?.lang;
    if (lang === 'fr' || lang === 'en') return lang;
  } catch {
    // an unreadable verdict: use the story's language
  }
  return storyLang;
}

/**
 * Applies a moderator's decision to one comment: new status (counters follow), the reason its author sees, the
 * labelled example, an audit entry with before and after, and the comment.moderated event for live readers and
 * webhooks. Featuring a held comment also approves it.
 */
export async function decide(deps: DecisionDeps, scope: Scope, commentId: string, d: Decision): Promise<CommentRecord> {
  const c = await moderatable(deps, scope, commentId);
  const story = await deps.stories.get(c.storyId);
  const lang = story?.lang === 'fr' ? 'fr' : 'en';
  const at = nowIso();
  const who = { moderatedBy: scope.user.id, moderatedAt: at };
  let next: CommentRecord;
  let reason: string | null = null;
  if (d.action === 'reject') {
    reason = d.reason?.trim().slice(0, 500) || DEFAULT_REJECTION[lang];
    await deps.comments.setStatus(c.siteId, c, 'rejected', { ...who, rejectionReason: reason, featured: false });
    next = { ...c, status: 'rejected', rejectionReason: reason, featured: false };
    await keepExample(deps.db, c, d.kind === 'spam' ? 'spam' : 'toxic', await languageOf(deps.db, c, lang));
  } else {
    const featured = d.action === 'feature' ? d.featured : (c.featured ?? false);
    await deps.comments.setStatus(c.siteId, c, 'published', { ...who, rejectionReason: null, featured });
    next = { ...c, status: 'published', rejectionReason: null, featured };
    if (c.status !== 'published' || d.action === 'approve') await keepExample(deps.db, c, 'approved', await languageOf(deps.db, c, lang));
  }
  await deps.audit.record({
    siteId: c.siteId,
    actorId: scope.user.id,
    action: `comment.${d.action === 'feature' ? (d.featured ? 'feature' : 'unfeature') : d.action}`,
    targetType: 'comment',
    targetId: c.id,
    before: { status: c.status, featured: c.featured ?? false },
    after: { status: next.status, featured: next.featured ?? false, ...(reason ? { reason } : {}) },
  });
  if (next.status !== c.status || d.action === 'feature') {
    await deps.events.publish({ type: 'comment.moderated', siteId: c.siteId, storyId: c.storyId, comment: next, previousStatus: c.status, moderatorId: scope.user.id, reason });
  }
  return next;
}

/** The same decision on many comments; each is checked and audited on its own, failures are reported per id. */
export async function decideMany(deps: DecisionDeps, scope: Scope, ids: string[], d: Decision): Promise<{ done: string[]; failed: { id: string; code: string }[] }> {
  const done: string[] = [];
  const failed: { id: string; code: string }[] = [];
  for (const id of ids) {
    try {
      await decide(deps, scope, id, d);
      done.push(id);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      failed.push({ id, code: err.code });
    }
  }
  return { done, failed };
}
