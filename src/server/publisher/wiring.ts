import type { Deps } from '../deps.js';
import { notificationJobs } from '../notifications/service.js';
import { accountMailJobs } from '../users/account-mail.js';
import { deliveryJob, DELIVER_JOB } from '../webhooks/service.js';

/**
 * Declares the jobs of webhooks and notifications. What queues them is the event dispatcher (events/dispatcher.ts),
 * from the outbox, after the change committed; the sending happens in the job worker, on whichever node claims it.
 */
export function wirePublisher(deps: Deps): () => void {
  const p = deps.publisher;
  p.jobs.define(DELIVER_JOB, deliveryJob(p.webhookDeps));
  for (const [kind, def] of Object.entries(notificationJobs(p.notificationDeps))) p.jobs.define(kind, def);
  for (const [kind, def] of Object.entries(accountMailJobs(deps.accountDeps.mail))) p.jobs.define(kind, def);
  return () => p.notificationDeps.mailer.close();
}
