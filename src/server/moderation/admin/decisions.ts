import type { CommentRecord, CommentStatus } from '../../comments/model.js';
import type { CommentsRepository } from '../../comments/repository.js';
import { AppError } from '../../errors.js';
import type { Change, ChangeRunner } from '../../events/change.js';
import { nowIso } from '../../storage/ids.js';
import type { Tx } from '../../storage/tx.js';
import type { StoriesRepository } from '../../stories/repository.js';
import type { AuditLog } from '../audit.js';
import { assertSite, type Scope } from './access.js';

export interface DecisionDeps {
  comments: CommentsRepository;
  stories: StoriesRepository;
  change: ChangeRunner;
  audit: AuditLog;
}

/** What a moderator does to a comment. `withdraw` takes a published comment back into the queue, out of view. */
export type Decision =
  | { action: 'approve' }
  /** `learn: false` keeps it out of the site's training examples (a ban hides comments that may be harmless). */
  | { action: 'reject'; reason?: string | undefined; kind?: 'abuse' | 'spam' | 'other' | undefined; learn?: boolean }
  | { action: 'feature'; featured: boolean }
  | { action: 'withdraw' }
  /** Keeps the comment as it is and clears its open reports (it leaves Reported; its status does not change). */
  | { action: 'dismiss_reports' };

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
async function keepExample(tx: Tx, c: CommentRecord, kind: 'approved' | 'spam' | 'toxic', storyLang: string): Promise<void> {
  const row = await tx.selectFrom('comments').select('moderation').where('id', '=', c.id).executeTakeFirst();
  let lang = storyLang;
  try {
    const l = (JSON.parse(row?.moderation ?? '{}') as { scores?: { lang?: string } }).scores?.lang;
    if (l === 'fr' || l === 'en') lang = l;
  } catch {
    // an unreadable verdict: use the story's language
  }
  const values = { text: c.body, lang, label: kind === 'approved' ? 0 : 1, kind, created_at: nowIso() };
  await tx
    .insertInto('moderation_examples')
    .values({ site_id: c.siteId, comment_id: c.id, ...values })
    .onConflict((oc) => oc.columns(['site_id', 'comment_id']).doUpdateSet(values))
    .execute();
}

/**
 * Writes one decision in the caller's change: new status (counters follow), the reason its author sees, the
 * labelled example, an audit entry with before and after, and the comment.moderated event. Featuring a held
 * comment also approves it. Shared by single and bulk decisions and by ban-with-hide.
 */
export async function applyDecision(deps: Pick<DecisionDeps, 'comments' | 'audit'>, ch: Change, c: CommentRecord, d: Decision, who: { actorId: string | null; lang: 'fr' | 'en' }): Promise<CommentRecord> {
  const at = nowIso();
  const fields = { moderatedBy: who.actorId, moderatedAt: at };
  if (d.action === 'dismiss_reports') return dismissReports(deps, ch, c, who.actorId, at);
  let to: Exclude<CommentStatus, 'deleted'>;
  let reason: string | null = null;
  let featured = c.featured ?? false;
  if (d.action === 'reject') {
    reason = d.reason?.trim().slice(0, 500) || DEFAULT_REJECTION[who.lang];
    to = 'rejected';
    featured = false;
  } else if (d.action === 'withdraw') {
    to = 'pending';
    featured = false;
  } else {
    to = 'published';
    if (d.action === 'feature') featured = d.featured;
  }
  const previous = await deps.comments.setStatus(ch, c, to, { ...fields, rejectionReason: reason, featured });
  if (previous === undefined) throw new AppError('COMMENT_DELETED');
  const next: CommentRecord = { ...c, status: to, rejectionReason: reason, featured };
  if (d.action === 'reject') {
    if (d.learn !== false) await keepExample(ch.tx, c, d.kind === 'spam' ? 'spam' : 'toxic', who.lang);
  } else if (to === 'published' && (previous !== 'published' || d.action === 'approve')) await keepExample(ch.tx, c, 'approved', who.lang);
  const action = d.action === 'feature' ? (d.featured ? 'feature' : 'unfeature') : d.action;
  await deps.audit.record(ch.tx, {
    siteId: c.siteId,
    actorId: who.actorId,
    action: `comment.${action}`,
    targetType: 'comment',
    targetId: c.id,
    before: { status: previous, featured: c.featured ?? false },
    after: { status: to, featured, ...(reason ? { reason } : {}) },
  });
  if (to !== previous || d.action === 'feature') {
    ch.emit({ type: 'comment.moderated', siteId: c.siteId, storyId: c.storyId, comment: next, previousStatus: previous, moderatorId: who.actorId, reason });
  }
  return next;
}

/**
 * "Rejeter les signalements": the comment stays as it is (status, featured) and is marked as seen by a moderator now,
 * so the reports made until now are no longer open (a later report opens it again, see queues.ts). The reports stay
 * stored (who reported what is history); no training example is kept: nothing was decided about the text.
 */
async function dismissReports(deps: Pick<DecisionDeps, 'comments' | 'audit'>, ch: Change, c: CommentRecord, actorId: string | null, at: string): Promise<CommentRecord> {
  if (c.status !== 'published' && c.status !== 'pending') throw new AppError('VALIDATION_FAILED', '(only a published or held comment has reports to dismiss)');
  const row = await ch.tx.selectFrom('comments').select('moderated_at').where('id', '=', c.id).executeTakeFirst();
  const since = row?.moderated_at ?? null;
  let q = ch.tx.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).where('comment_id', '=', c.id);
  if (since) q = q.where('created_at', '>', since);
  const open = await q.executeTakeFirst();
  const reports = Number(open?.n ?? 0);
  const previous = await deps.comments.setStatus(ch, c, c.status, { moderatedBy: actorId, moderatedAt: at });
  if (previous === undefined) throw new AppError('COMMENT_DELETED');
  await deps.audit.record(ch.tx, {
    siteId: c.siteId,
    actorId,
    action: 'comment.dismiss_reports',
    targetType: 'comment',
    targetId: c.id,
    before: { status: previous, reports },
    after: { status: previous, reports: 0 },
  });
  ch.emit({ type: 'comment.reports_dismissed', siteId: c.siteId, storyId: c.storyId, commentId: c.id, reports, moderatorId: actorId });
  return c;
}

/** Applies a moderator's decision to one comment, as one transaction. */
export async function decide(deps: DecisionDeps, scope: Scope, commentId: string, d: Decision): Promise<CommentRecord> {
  const c = await moderatable(deps, scope, commentId);
  if (d.action === 'withdraw' && c.status !== 'published') throw new AppError('VALIDATION_FAILED', '(only a published comment can be withdrawn)');
  const story = await deps.stories.get(c.storyId);
  const lang = story?.lang === 'fr' ? 'fr' : 'en';
  return deps.change((ch) => applyDecision(deps, ch, c, d, { actorId: scope.user.id, lang }));
}

/**
 * The same decision on many comments; each is its own transaction, checked and audited on its own, so a failure
 * on one never leaves it half-done nor undoes the others. Failures are reported per id.
 */
export async function decideMany(deps: DecisionDeps, scope: Scope, ids: string[], d: Decision): Promise<{ done: string[]; failed: { id: string; code: string }[] }> {
  const done: string[] = [];
  const failed: { id: string; code: string }[] = [];
  for (const id of ids) {
    try {
      await decide(deps, scope, id, d);
      done.push(id);
    } catch (err) {
      failed.push({ id, code: err instanceof AppError ? err.code : 'INTERNAL' });
    }
  }
  return { done, failed };
}
