import type { Deps } from '../deps.js';
import { notificationJobs, onEventForNotifications } from '../notifications/service.js';
import { deliveryJob, DELIVER_JOB, enqueueDeliveries } from '../webhooks/service.js';

/**
 * Connects domain events to webhooks and notifications, and declares their jobs. Subscribers only record and queue
 * (cheap, in the request); the sending happens in the job worker, on whichever node claims the job.
 */
export function wirePublisher(deps: Deps): () => void {
  const p = deps.publisher;
  p.jobs.define(DELIVER_JOB, deliveryJob(p.webhookDeps));
  for (const [kind, def] of Object.entries(notificationJobs(p.notificationDeps))) p.jobs.define(kind, def);
  const offHooks = deps.events.subscribe((e) => enqueueDeliveries(p.webhookDeps, e));
  const offNotes = deps.events.subscribe((e) => onEventForNotifications(p.notificationDeps, e));
  return () => {
    offHooks();
    offNotes();
    p.notificationDeps.mailer.close();
  };
}
