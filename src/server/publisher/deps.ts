import type { Config } from '../config.js';
import type { Db } from '../storage/db.js';
import { sessionStore } from '../auth/sessions.js';
import { jobQueue } from '../jobs/queue.js';
import { smtpMailer } from '../notifications/mailer.js';
import { notificationsRepository } from '../notifications/repository.js';
import type { NotificationDeps } from '../notifications/service.js';
import { readerSettingsRepository } from '../notifications/settings.js';
import { assertMayComment } from '../sites/access.js';
import type { SiteStore } from '../sites/store.js';
import { JWKS_DEFAULTS, jwksCache } from '../sso/jwks.js';
import { ssoRepository } from '../sso/repository.js';
import type { Story } from '../stories/repository.js';
import { usersRepository, type User } from '../users/repository.js';
import { webhooksRepository } from '../webhooks/repository.js';
import { systemResolve } from '../webhooks/egress.js';
import type { WebhookDeps } from '../webhooks/service.js';

/**
 * The publisher-integration half of the composition root: single sign-on, sites' settings and secrets, the job queue,
 * webhooks, notifications. Repositories are stateless wrappers over the database, so making our own is free.
 */
export function createPublisherDeps(config: Config, db: Db, opts: { secret: string; logError: (err: unknown, msg: string) => void; sites: SiteStore }) {
  const sites = opts.sites;
  const sso = ssoRepository(db);
  const jobs = jobQueue(db, { pollMs: config.jobPollMs, log: opts.logError });
  const webhooks = webhooksRepository(db);
  const readerSettings = readerSettingsRepository(db);
  const webhookDeps: WebhookDeps = {
    webhooks,
    jobs,
    retryBaseMs: config.webhookRetryBaseMs,
    userAgent: `Agora-Webhooks (+${config.publicUrl})`,
    egress: { allowPrivate: config.webhookAllowPrivate, resolve: systemResolve },
  };
  const notificationDeps: NotificationDeps = {
    notifications: notificationsRepository(db),
    readerSettings,
    jobs,
    mailer: smtpMailer(config.smtpUrl, config.mailFrom),
    publicUrl: config.publicUrl,
    secret: opts.secret,
    digestHourUtc: config.digestHourUtc,
  };
  return {
    secret: opts.secret,
    siteStore: sites,
    sso,
    jobs,
    webhooks,
    webhookDeps,
    notificationDeps,
    readerSettings,
    ssoDeps: {
      siteStore: sites,
      sso,
      users: usersRepository(db),
      sessions: sessionStore(db),
      readerSettings,
      // Publishers' keys go through the webhooks' guard (never to internal addresses, cloud metadata included).
      jwks: jwksCache({ ...JWKS_DEFAULTS, egress: { allowPrivate: false, resolve: systemResolve }, allowLoopbackLiteralForTests: config.jwksLoopbackForTests }),
    },
    /** The comment use cases' check of who may post where (CommentDeps.mayPost). */
    mayPost: (story: Story, author: User) => assertMayComment({ siteStore: sites, sso }, story, author),
  };
}
export type PublisherDeps = ReturnType<typeof createPublisherDeps>;
