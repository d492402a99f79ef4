import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { cancelDeletion, deleteAccountNow, exportPersonalData, pendingDeletion, requestDeletion, sweepDueDeletions, type PrivacyDeps } from '../privacy/use-cases.js';
import { registerHousekeeping } from '../jobs/housekeeping.js';
import { requireAccountSession, requireRole } from './context.js';
import { errors } from './schemas.js';
import { privacyPageRoutes } from './privacy-page-routes.js';

const Deletion = Type.Object({ deletion: Type.Union([Type.Object({ requestedAt: Type.String(), dueAt: Type.String() }), Type.Null()]) });
// The document is described in README ("Readers' data and deletion"); the schema names its envelope and lets every
// field through as collected.
const PersonalDataSchema = Type.Object({ format: Type.Literal('agora-personal-data'), version: Type.Integer() }, { additionalProperties: true });
const UserParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) });

/** The reader's data as a file download, never cached on the way. */
function download(reply: { header(k: string, v: string): unknown }, userId: string): void {
  reply.header('content-disposition', `attachment; filename="agora-data-${userId.replace(/[^A-Za-z0-9_-]/g, '')}.json"`);
  reply.header('cache-control', 'no-store');
}

/**
 * Readers' rights: download one's data, schedule or cancel the deletion of one's account; admins do the same for a
 * reader on request. Also runs the periodic sweep that carries out deletions whose grace period is over.
 */
export const privacyRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const pd: PrivacyDeps = deps.useCases.privacy;

  // Account-level: a first-party cookie session (never a token a publisher's page holds), recently signed in for
  // the export and the deletion request; reading or cancelling a deletion only needs the first-party session.
  app.get(
    '/api/v1/me/export',
    { schema: { tags: ['privacy'], summary: 'Download all your data (JSON file); first-party session signed in within AGORA_REAUTH_MINUTES', response: { 200: PersonalDataSchema, ...errors(401, 403) } } },
    async (request, reply) => {
      const { user } = requireAccountSession(request, deps, { recent: true });
      download(reply, user.id);
      return exportPersonalData(pd, user.id, { kind: 'self', id: user.id });
    },
  );

  app.get('/api/v1/me/deletion', { schema: { tags: ['privacy'], summary: 'Your pending account deletion, if any', response: { 200: Deletion, ...errors(401, 403) } } }, async (request) => {
    const { user } = requireAccountSession(request, deps, { recent: false });
    return { deletion: await pendingDeletion(pd, user.id) };
  });

  app.post(
    '/api/v1/me/deletion',
    { schema: { tags: ['privacy'], summary: 'Schedule the deletion of your account after the grace period; first-party session signed in within AGORA_REAUTH_MINUTES', response: { 202: Deletion, ...errors(401, 403) } } },
    async (request, reply) => {
      const { user } = requireAccountSession(request, deps, { recent: true });
      return reply.status(202).send({ deletion: await requestDeletion(pd, user.id, { kind: 'self', id: user.id }) });
    },
  );

  app.delete('/api/v1/me/deletion', { schema: { tags: ['privacy'], summary: 'Cancel the pending deletion of your account', response: { 200: Deletion, ...errors(401, 403) } } }, async (request) => {
    const { user } = requireAccountSession(request, deps, { recent: false });
    await cancelDeletion(pd, user.id, { kind: 'self', id: user.id });
    return { deletion: null };
  });

  app.get(
    '/api/v1/admin/users/:userId/export',
    { schema: { tags: ['privacy'], summary: 'Admin: download a reader\'s data on their request', params: UserParams, response: { 200: PersonalDataSchema, ...errors(401, 403, 404) } } },
    async (request, reply) => {
      const { user } = requireRole(request, deps, 'admin');
      download(reply, request.params.userId);
      return exportPersonalData(pd, request.params.userId, { kind: 'admin', id: user.id });
    },
  );

  app.post(
    '/api/v1/admin/users/:userId/deletion',
    {
      schema: {
        tags: ['privacy'],
        summary: 'Admin: delete a reader\'s account on their request, after the grace period or now',
        params: UserParams,
        body: Type.Optional(Type.Object({ immediate: Type.Optional(Type.Boolean()) })),
        response: { 200: Type.Object({ deleted: Type.Object({ tombstoned: Type.Integer(), removed: Type.Integer() }) }), 202: Deletion, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { user } = requireRole(request, deps, 'admin');
      const actor = { kind: 'admin' as const, id: user.id };
      if (request.body?.immediate) {
        const report = await deleteAccountNow(pd, request.params.userId, actor);
        return reply.status(200).send({ deleted: { tombstoned: report.tombstoned, removed: report.removed } });
      }
      return reply.status(202).send({ deletion: await requestDeletion(pd, request.params.userId, actor) });
    },
  );

  app.delete(
    '/api/v1/admin/users/:userId/deletion',
    { schema: { tags: ['privacy'], summary: 'Admin: cancel a reader\'s pending deletion', params: UserParams, response: { 200: Deletion, ...errors(401, 403, 404) } } },
    async (request) => {
      const { user } = requireRole(request, deps, 'admin');
      await cancelDeletion(pd, request.params.userId, { kind: 'admin', id: user.id });
      return { deletion: null };
    },
  );

  await app.register(privacyPageRoutes, { deps, privacy: pd });

  // The sweep is a recurring job on the durable queue (not a timer here): with several nodes it runs on one node per
  // interval, on nodes that run jobs; a failure is logged by the queue and tried again at the next interval, never
  // fatal to the server. AGORA_PRIVACY_SWEEP_MINUTES=0: this node does not schedule it (another node may).
  // Interim home: the composition root should own registerHousekeeping (see src/server/jobs/housekeeping.ts).
  registerHousekeeping(deps.publisher.jobs, {
    sweepEveryMs: deps.config.privacySweepMs,
    sweep: async () => {
      const done = await sweepDueDeletions(pd);
      if (done.length) app.log.info({ accounts: done.length }, 'privacy sweep: accounts deleted');
    },
  });
};
