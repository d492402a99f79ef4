import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Deps } from '../deps.js';
import { localAccountsGuard, ssoRoutes } from '../http/sso-routes.js';
import { siteRoutes } from '../http/site-routes.js';
import { webhookRoutes } from '../http/webhook-routes.js';
import { notificationRoutes } from '../http/notification-routes.js';
import { countRoutes } from '../http/count-routes.js';
import { guestRoutes } from '../http/guest-routes.js';
import { profileRoutes } from '../http/profile-routes.js';
import { adminPublisherPages } from '../http/admin-publisher-pages.js';
import { wirePublisher } from './wiring.js';
import { registerHousekeeping } from '../jobs/housekeeping.js';
import { EVENT_LOG_MAX_AGE_MS } from '../realtime/index.js';

/**
 * Every route of the publisher integration, and the job worker's lifecycle: one registration in app.ts.
 * The worker starts when the server is ready and stops (finishing the jobs in hand) when it closes.
 */
export const publisherRoutes = fp(async (app: FastifyInstance, opts: { deps: Deps }): Promise<void> => {
  const { deps } = opts;
  const unwire = wirePublisher(deps);
  // Resuming a live stream is for dropped connections, not history: the public log keeps a day (a recurring job).
  registerHousekeeping(deps.publisher.jobs, { pruneEvents: () => deps.realtime.events.prune(EVENT_LOG_MAX_AGE_MS) });
  app.addHook('onClose', async () => unwire());
  await app.register(localAccountsGuard, { deps });
  await app.register(ssoRoutes, { deps });
  await app.register(siteRoutes, { deps });
  await app.register(webhookRoutes, { deps });
  await app.register(notificationRoutes, { deps });
  await app.register(countRoutes, { deps });
  await app.register(guestRoutes, { deps });
  await app.register(profileRoutes, { deps });
  await app.register(adminPublisherPages);
  // The event dispatcher runs on every node; its lease makes one of them work at a time.
  app.addHook('onReady', async () => deps.dispatcher.start());
  app.addHook('preClose', async () => deps.dispatcher.stop());
  if (deps.config.runJobs) {
    app.addHook('onReady', async () => deps.publisher.jobs.start());
    // preClose: before the database is closed under jobs still in hand.
    app.addHook('preClose', async () => deps.publisher.jobs.stop());
  }
});
