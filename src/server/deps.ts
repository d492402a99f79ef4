import { randomBytes } from 'node:crypto';
import type { Config } from './config.js';
import type { Db } from './storage/db.js';
import { articlesRepository } from './articles/repository.js';
import { csrfTokens, sessionStore } from './auth/sessions.js';
import { commentsRepository } from './comments/repository.js';
import type { CommentDeps } from './comments/use-cases.js';
import { siteStore } from './sites/store.js';
import { storiesRepository } from './stories/repository.js';
import { usersRepository, type User } from './users/repository.js';
import type { AccountMailDeps } from './users/account-mail.js';
import { accountTokens } from './users/tokens.js';
import { assertEmailVerified } from './users/verification.js';
import type { Story } from './stories/repository.js';
import { boundedGate } from './users/semaphore.js';
import { AppError } from './errors.js';
import type { OutboxEvent } from './events/outbox.js';
import { dispatcher } from './events/dispatcher.js';
import { createChanges } from './events/wiring.js';
import { createRealtime } from './realtime/index.js';
import { queueEventSites } from './realtime/queue-streams.js';
import { createModerationDeps } from './moderation/deps.js';
import { createPublisherDeps } from './publisher/deps.js';
import { notificationConsumer } from './notifications/service.js';
import { webhookConsumer } from './webhooks/events.js';
import { createOidcDeps } from './oidc/deps.js';
import { wireUseCases } from './use-case-wiring.js';

/** The logging this layer needs (pino's logger fits). */
export interface DepsLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(msg: string): void;
}
const silent: DepsLog = { error() {}, warn() {}, info() {} };

/** A secret shared by every node: from AGORA_SECRET, else made once and kept in the database. */
async function loadSecret(db: Db): Promise<string> {
  if (process.env.AGORA_SECRET) return process.env.AGORA_SECRET;
  const fresh = randomBytes(32).toString('base64url');
  await db.insertInto('meta').values({ key: 'secret', value: fresh }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const row = await db.selectFrom('meta').select('value').where('key', '=', 'secret').executeTakeFirstOrThrow();
  return row.value;
}

/** Wires repositories and use-case dependencies once per process: the composition root's data half. */
export async function createDeps(config: Config, db: Db, log: DepsLog = silent) {
  const logError = (err: unknown, msg: string) => log.error({ err }, msg);
  // One accessor and one cache of sites for every feature (readers' paths, admin, single sign-on).
  const sites = siteStore(db);
  const users = usersRepository(db);
  const sessions = sessionStore(db);
  const stories = storiesRepository(db);
  const comments = commentsRepository(db);
  const articles = articlesRepository(db);
  const moderation = createModerationDeps(db);
  const secret = await loadSecret(db);
  const publisher = createPublisherDeps(config, db, { secret, logError, sites });
  const realtime = createRealtime(config, db, log);
  /** Listeners of dispatched events on this node (metrics). */
  const dispatched: ((batch: readonly OutboxEvent[]) => void)[] = [];
  let kick = () => {};
  const { outbox, change } = createChanges(db, {
    logError,
    afterCommit: async (c) => {
      kick();
      await realtime.afterCommit(c);
    },
  });
  const events = dispatcher({
    db,
    outbox,
    pollMs: config.dispatchPollMs,
    log: logError,
    consumers: [
      webhookConsumer(publisher.webhookDeps),
      notificationConsumer(publisher.notificationDeps),
      { name: 'realtime', after: (batch) => realtime.announce(new Set(batch.map((e) => e.event.storyId))) },
      { name: 'queues', after: (batch) => realtime.announceQueues(queueEventSites(batch.map((e) => e.event))) },
      { name: 'metrics', after: (batch) => dispatched.forEach((f) => f(batch)) },
    ],
  });
  kick = () => events.kick();
  const accountMail: AccountMailDeps = { tokens: accountTokens(db, secret), users, sites, jobs: publisher.jobs, mailer: publisher.notificationDeps.mailer, publicUrl: config.publicUrl, secret };
  // Who may post: the publisher's rules (site of an SSO account, local accounts on), then a confirmed address where the site asks for one.
  const mayPost = async (story: Story, author: User) => {
    await publisher.mayPost(story, author);
    await assertEmailVerified(db, story, author);
  };
  const commentDeps: CommentDeps = { comments, stories, maxLength: config.maxCommentLength, moderate: moderation.moderate, change, mayPost };
  return {
    config,
    db,
    sites,
    origins: sites,
    users,
    sessions,
    csrf: csrfTokens(secret),
    stories,
    comments,
    articles,
    /** One change, one transaction: see events/change.ts. */
    change,
    outbox,
    /** Delivers recorded events to webhooks, notifications, other nodes and metrics (see events/dispatcher.ts). */
    dispatcher: events,
    dispatched,
    realtime,
    /** Gauges features add for /metrics (queue sizes…): name, help, and how to read the value. */
    metricGauges: [] as { name: string; help: string; value: () => Promise<number> }[],
    commentDeps,
    /** Use cases bound to the database here, so HTTP routes never hold the handle (use-case-wiring.ts). */
    useCases: wireUseCases(config, db, { change, comments, accountMail, moderation, publisher }),
    moderation,
    publisher,
    /** Sign-in with identity providers (OpenID Connect). */
    oidc: createOidcDeps(config, db, { secret, sites }),
    accountDeps: {
      users,
      sessions,
      scryptN: config.scryptN,
      hashing: boundedGate({ concurrency: config.passwordHashConcurrency, queue: config.passwordHashQueue, full: () => new AppError('AUTH_BUSY', undefined, { retryAfterSeconds: 2 }) }),
      db,
      mail: accountMail,
    },
  };
}
export type Deps = Awaited<ReturnType<typeof createDeps>>;
