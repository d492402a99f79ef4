import { AppError } from '../errors.js';
import type { Db } from '../storage/db.js';
import { backoff, type JobQueue } from '../jobs/queue.js';
import { newId, nowIso } from '../storage/ids.js';
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

/**
 * Queues one delivery of a ready payload to one webhook, on the same path as the dispatcher's (logged delivery, then
 * the delivery job, in one transaction): what an admin sees in the log is what the receiver gets.
 */
async function enqueueDelivery(deps: Pick<WebhookDeps, 'webhooks' | 'jobs'> & { db: Db }, hook: Webhook, eventType: string, payload: string, commentId: string | null): Promise<string> {
  const id = newId();
  await deps.db.transaction().execute(async (tx) => {
    // A fresh event id: the log's unique index (event, webhook, type) must not take a test or a retry for a repeat.
    await deps.webhooks.insertDelivery(tx, { id, webhookId: hook.id, siteId: hook.siteId, eventType, payload, eventId: newId(), commentId });
    await deps.jobs.enqueue(DELIVER_JOB, { deliveryId: id }, {}, tx);
  });
  deps.jobs.kick();
  return id;
}

/** "Send a test event": a `ping` delivery to one webhook, signed and logged like any other (even a disabled one is refused by the job). */
export async function sendTestEvent(deps: Pick<WebhookDeps, 'webhooks' | 'jobs'> & { db: Db }, siteId: string, webhookId: string): Promise<string> {
  const hook = await getWebhook(deps, siteId, webhookId);
  const createdAt = nowIso();
  const payload = JSON.stringify({ id: `evt_ping_${newId()}`, type: 'ping', createdAt, siteId, data: { webhookId: hook.id, url: hook.url } });
  return enqueueDelivery(deps, hook, 'ping', payload, null);
}

/**
 * Sends a logged delivery again, as a new delivery of the same payload (the old one keeps its attempts; the new one
 * gets its own 24 hours of retries). The payload is the logged one, already scrubbed of any removed text.
 */
export async function retryDelivery(deps: Pick<WebhookDeps, 'webhooks' | 'jobs'> & { db: Db }, siteId: string, deliveryId: string): Promise<string> {
  const d = await deps.webhooks.delivery(deliveryId);
  if (!d || d.siteId !== siteId) throw new AppError('DELIVERY_NOT_FOUND');
  const hook = await getWebhook(deps, siteId, d.webhookId);
  const commentId = (JSON.parse(d.payload) as { data?: { comment?: { id?: string } } }).data?.comment?.id ?? null;
  return enqueueDelivery(deps, hook, d.eventType, d.payload, commentId);
}
