import { AppError } from '../errors.js';
import type { CommentRecord } from '../comments/model.js';
import type { DomainEvent } from '../events/bus.js';
import { backoff, type JobQueue } from '../jobs/queue.js';
import { newId, nowIso } from '../storage/ids.js';
import type { Story } from '../stories/repository.js';
import { WEBHOOK_EVENTS, type Delivery, type Webhook, type WebhookEvent, type WebhooksRepository } from './repository.js';
import { refusedHost, RefusedTargetError, type EgressPolicy } from './egress.js';
import { newWebhookSecret, SIGNATURE_HEADER, signWebhook } from './signing.js';
import { postWebhook } from './transport.js';

/** Retries stop this long after the event. */
export const RETRY_FOR_MS = 24 * 3_600_000;
const TIMEOUT_MS = 10_000;
export const DELIVER_JOB = 'webhook.deliver';

/** What webhooks need. */
export interface WebhookDeps {
  webhooks: WebhooksRepository;
  jobs: JobQueue;
  retryBaseMs: number;
  userAgent: string;
  /** Which addresses receivers may have (AGORA_WEBHOOK_ALLOW_PRIVATE) and how names are resolved. */
  egress: EgressPolicy;
}

// What receivers get: public fields only, the raw Markdown for their own tools, never an email.
const storyData = (s: Story) => ({ id: s.id, url: s.url, title: s.title, lang: s.lang });
const commentData = (c: CommentRecord) => ({
  id: c.id,
  storyId: c.storyId,
  parentId: c.parentId,
  author: c.status === 'deleted' ? null : { id: c.authorId, displayName: c.authorName },
  body: c.status === 'deleted' ? '' : c.body,
  bodyHtml: c.status === 'deleted' ? '' : c.bodyHtml,
  status: c.status,
  createdAt: c.createdAt,
  editedAt: c.editedAt,
});

/** The webhook events a domain event becomes, with their data. A reply is both comment.created and comment.reply_created. */
export function webhookEventsFor(e: DomainEvent): { type: WebhookEvent; data: Record<string, unknown> }[] {
  switch (e.type) {
    case 'story.created':
      return [{ type: 'story.created', data: { story: storyData(e.story) } }];
    case 'comment.created': {
      const out: { type: WebhookEvent; data: Record<string, unknown> }[] = [{ type: 'comment.created', data: { comment: commentData(e.comment) } }];
      if (e.comment.parentId) out.push({ type: 'comment.reply_created', data: { comment: commentData(e.comment), parentId: e.comment.parentId } });
      return out;
    }
    case 'comment.edited':
    case 'comment.deleted':
      return [{ type: e.type, data: { comment: commentData(e.comment) } }];
    case 'comment.moderated':
      return [{ type: 'comment.moderated', data: { comment: commentData(e.comment), previousStatus: e.previousStatus, reason: e.reason } }];
    default:
      return [];
  }
}

/** Turns a domain event into one logged, queued delivery per listening webhook of its site. */
export async function enqueueDeliveries(deps: WebhookDeps, e: DomainEvent): Promise<void> {
  for (const ev of webhookEventsFor(e)) {
    const hooks = await deps.webhooks.listening(e.siteId, ev.type);
    if (hooks.length === 0) continue;
    const eventId = newId();
    const body = JSON.stringify({ id: eventId, type: ev.type, createdAt: nowIso(), siteId: e.siteId, data: ev.data });
    for (const h of hooks) {
      const id = newId();
      await deps.webhooks.insertDelivery({ id, webhookId: h.id, siteId: e.siteId, eventType: ev.type, payload: body });
      await deps.jobs.enqueue(DELIVER_JOB, { deliveryId: id });
    }
  }
}

/** The job that sends one delivery: signs at send time, records the attempt, and throws to be retried. */
export function deliveryJob(deps: WebhookDeps) {
  const policy = backoff(deps.retryBaseMs, RETRY_FOR_MS);
  return {
    async run(payload: unknown): Promise<void> {
      const deliveryId = (payload as { deliveryId?: unknown }).deliveryId;
      const d = typeof deliveryId === 'string' ? await deps.webhooks.delivery(deliveryId) : undefined;
      if (!d || d.state === 'delivered' || d.state === 'failed') return;
      const hook = await deps.webhooks.get(d.siteId, d.webhookId);
      if (!hook?.active) {
        await deps.webhooks.recordAttempt(d.id, { status: null, error: 'webhook removed or disabled', durationMs: 0, state: 'failed', nextAttemptAt: null });
        return;
      }
      const started = Date.now();
      let status: number | null = null;
      let error: string | null = null;
      try {
        status = await postWebhook(hook.url, {
          headers: {
            'content-type': 'application/json',
            'user-agent': deps.userAgent,
            'agora-event': d.eventType,
            'agora-delivery': d.id,
            [SIGNATURE_HEADER]: signWebhook(hook.secret, d.payload, Math.floor(Date.now() / 1000)),
          },
          body: d.payload,
          timeoutMs: TIMEOUT_MS,
          policy: deps.egress,
        });
        if (status >= 200 && status < 300) {
          await deps.webhooks.recordAttempt(d.id, { status, error: null, durationMs: Date.now() - started, state: 'delivered', nextAttemptAt: null });
          return;
        }
        error = `HTTP ${status}`;
      } catch (err) {
        // A refused address fails the delivery for good: the answer is policy, not a passing fault, and retrying for
        // 24 hours would only give a rebinding name more tries. Later events still get their own deliveries.
        if (err instanceof RefusedTargetError) {
          await deps.webhooks.recordAttempt(d.id, { status: null, error: `refused: ${err.message}`, durationMs: Date.now() - started, state: 'failed', nextAttemptAt: null });
          return;
        }
        error = err instanceof Error ? err.message : String(err);
      }
      const now = Date.now();
      const next = policy({ attempts: d.attempts + 1, createdAt: d.createdAt }, null, now);
      await deps.webhooks.recordAttempt(d.id, { status, error, durationMs: now - started, state: next === null ? 'failed' : 'retrying', nextAttemptAt: next === null ? null : nowIso(next) });
      if (next !== null) throw new Error(`webhook delivery ${d.id}: ${error}`);
    },
    retryAt: policy,
  };
}

// Checked from the URL alone, without DNS, so saving a webhook never reaches out; deliveries check the resolved
// addresses, which is the real defence (DNS changes after this check).
function checkUrl(url: string, egress: Pick<EgressPolicy, 'allowPrivate'>): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AppError('INVALID_WEBHOOK_URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('INVALID_WEBHOOK_URL');
  // Credentials in a URL end up in logs and in the admin pages; receivers authenticate Agora by the signature.
  if (u.username !== '' || u.password !== '' || u.hostname === '') throw new AppError('INVALID_WEBHOOK_URL');
  const refused = refusedHost(u.hostname, egress);
  if (refused) throw new AppError('WEBHOOK_URL_FORBIDDEN', `(${refused})`);
  return u.href;
}

function checkEvents(events: string[] | undefined): WebhookEvent[] {
  const list = events && events.length > 0 ? events : [...WEBHOOK_EVENTS];
  const bad = list.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (bad.length > 0) throw new AppError('VALIDATION_FAILED', `(unknown events: ${bad.join(', ')})`);
  return [...new Set(list)] as WebhookEvent[];
}

/** Adds a webhook to a site (all events when none are named); its secret is generated here. */
export async function createWebhook(deps: Pick<WebhookDeps, 'webhooks' | 'egress'>, siteId: string, input: { url: string; events?: string[] | undefined }): Promise<Webhook> {
  const hook: Webhook = { id: newId(), siteId, url: checkUrl(input.url, deps.egress), events: checkEvents(input.events), secret: newWebhookSecret(), active: true, createdAt: nowIso() };
  await deps.webhooks.insert(hook);
  return hook;
}

/** A webhook of a site; throws WEBHOOK_NOT_FOUND (also for another site's webhook). */
export async function getWebhook(deps: Pick<WebhookDeps, 'webhooks'>, siteId: string, id: string): Promise<Webhook> {
  const hook = await deps.webhooks.get(siteId, id);
  if (!hook) throw new AppError('WEBHOOK_NOT_FOUND');
  return hook;
}

/** Changes a webhook's URL, events or active flag, or rotates its secret. */
export async function updateWebhook(
  deps: Pick<WebhookDeps, 'webhooks' | 'egress'>,
  siteId: string,
  id: string,
  input: { url?: string | undefined; events?: string[] | undefined; active?: boolean | undefined; rotateSecret?: boolean | undefined },
): Promise<Webhook> {
  await getWebhook(deps, siteId, id);
  await deps.webhooks.update(siteId, id, {
    ...(input.url !== undefined ? { url: checkUrl(input.url, deps.egress) } : {}),
    ...(input.events !== undefined ? { events: checkEvents(input.events) } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
    ...(input.rotateSecret ? { secret: newWebhookSecret() } : {}),
  });
  return getWebhook(deps, siteId, id);
}

/** A page of the delivery log with each delivery's attempts. */
export async function deliveryLog(deps: Pick<WebhookDeps, 'webhooks'>, siteId: string, o: { webhookId?: string | undefined; limit: number }): Promise<(Delivery & { attemptLog: { status: number | null; error: string | null; durationMs: number; createdAt: string }[] })[]> {
  const list = await deps.webhooks.deliveries(siteId, o);
  return Promise.all(list.map(async (d) => ({ ...d, attemptLog: await deps.webhooks.attempts(d.id) })));
}
