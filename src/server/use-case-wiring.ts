import { sql } from 'kysely';
import type { Config } from './config.js';
import type { Db } from './storage/db.js';
import type { ChangeRunner } from './events/change.js';
import type { CommentsRepository } from './comments/repository.js';
import type { AccountMailDeps } from './users/account-mail.js';
import type { createModerationDeps } from './moderation/deps.js';
import type { createPublisherDeps } from './publisher/deps.js';
import { latestPublished } from './feeds/atom.js';
import { guestsRepository } from './guests/repository.js';
import { modelQuality } from './moderation/model-quality.js';
import { accountFor } from './oidc/sign-in.js';
import { setRequireVerifiedEmail } from './users/verification.js';
import { completeSetup, issueSetupToken, needsSetup } from './moderation/admin/setup.js';
import { dashboard } from './moderation/admin/dashboard.js';
import { ignoredUsers } from './users/ignored.js';
import { changeDisplayName, ownComments } from './users/profile.js';
import type { PrivacyDeps } from './privacy/use-cases.js';
import type { UserAdminDeps } from './moderation/admin/users.js';

/**
 * The use cases that still take the database handle (or a deps object holding it), bound to it here, in the
 * composition root: HTTP routes call these and never hold the handle themselves (ADR 0026; a unit test keeps
 * `deps.db` out of src/server/http). Moving the handle out of these use cases too, behind repositories, is the
 * next step.
 */
export function wireUseCases(
  config: Config,
  db: Db,
  parts: {
    change: ChangeRunner;
    comments: CommentsRepository;
    accountMail: AccountMailDeps;
    moderation: ReturnType<typeof createModerationDeps>;
    publisher: ReturnType<typeof createPublisherDeps>;
  },
) {
  const { moderation, publisher } = parts;
  const privacy: PrivacyDeps = { db, graceMs: config.deletionGraceMs, change: parts.change };
  const userAdmin: UserAdminDeps = { db, moderation: moderation.repo, audit: moderation.audit, comments: parts.comments, change: parts.change, staff: moderation.staff };
  return {
    /** The readiness probe's statement: answers within `ms` or throws. */
    ping: (ms: number) =>
      Promise.race([sql`select 1`.execute(db), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), ms).unref())]).then(() => undefined),
    latestPublished: (story: Parameters<typeof latestPublished>[1]) => latestPublished(db, story),
    guests: guestsRepository(db),
    ignored: ignoredUsers(db),
    modelQuality: (siteId: string, last: number) => modelQuality(db, siteId, last),
    oidcAccountFor: (...a: Tail<Parameters<typeof accountFor>>) => accountFor(db, ...a),
    setRequireVerifiedEmail: (siteId: string, on: boolean) => setRequireVerifiedEmail(db, siteId, on),
    setup: {
      needed: () => needsSetup(db),
      complete: (input: Parameters<typeof completeSetup>[1]) => completeSetup(db, input, config.scryptN),
      issueToken: () => issueSetupToken(db),
    },
    dashboard: (siteIds: string[] | null, siteId: string | undefined) => dashboard(db, siteIds, siteId),
    changeDisplayName: (...a: Tail<Parameters<typeof changeDisplayName>>) => changeDisplayName(db, ...a),
    ownComments: (userId: string) => ownComments(db, userId),
    privacy,
    userAdmin,
    settingsAdmin: { db, moderation: moderation.repo, audit: moderation.audit },
    thresholdPreview: { db, scorers: moderation.scorers },
    retrain: { db, onRetrained: (id: string) => moderation.scorers.invalidate(id) },
    siteModerators: { db, staff: moderation.staff, audit: moderation.audit },
    webhookAdmin: { ...publisher.webhookDeps, db },
    emailVerification: { ...parts.accountMail, db },
  };
}

type Tail<T extends unknown[]> = T extends [unknown, ...infer R] ? R : never;
