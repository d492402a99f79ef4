import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../deps.js';
import { getSite } from '../sites/admin.js';
import { WEBHOOK_EVENTS, type Webhook } from '../webhooks/repository.js';
import { createWebhook, deliveryLog, getWebhook, retryDelivery, sendTestEvent, updateWebhook } from '../webhooks/service.js';
import { requireRole } from './context.js';
import { errors } from './schemas.js';

const WebhookSchema = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  secret: Type.String({ description: 'HMAC-SHA256 key of the Agora-Signature header.' }),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
const DeliverySchema = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  eventType: Type.String(),
  state: Type.String({ description: 'pending | retrying | delivered | failed' }),
  attempts: Type.Integer(),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  payload: Type.String({ description: 'The exact body sent.' }),
  attemptLog: Type.Array(Type.Object({ status: Type.Union([Type.Integer(), Type.Null()]), error: Type.Union([Type.String(), Type.Null()]), durationMs: Type.Integer(), createdAt: Type.String() })),
});
const Params = Type.Object({ siteId: Type.String({ maxLength: 64 }) });
const HookParams = Type.Object({ siteId: Type.String({ maxLength: 64 }), webhookId: Type.String({ maxLength: 64 }) });
const Events = Type.Array(Type.Union(WEBHOOK_EVENTS.map((e) => Type.Literal(e))), { maxItems: WEBHOOK_EVENTS.length });

const present = (h: Webhook) => ({ ...h });

/** Webhooks of a site and their delivery log (admins). */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const wd = deps.publisher.webhookDeps;
  const site = (id: string) => getSite({ siteStore: deps.publisher.siteStore, origins: deps.origins }, id);

  app.get('/api/v1/admin/sites/:siteId/webhooks', { schema: { tags: ['webhooks'], summary: 'A site’s webhooks (admins)', params: Params, response: { 200: Type.Object({ webhooks: Type.Array(WebhookSchema) }), ...errors(401, 403, 404) } } }, async (request) => {
    requireRole(request, deps, 'admin');
    const s = await site(request.params.siteId);
    return { webhooks: (await wd.webhooks.list(s.id)).map(present) };
  });

  app.post(
    '/api/v1/admin/sites/:siteId/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Add a webhook (admins); all events when none are named',
        params: Params,
        body: Type.Object({ url: Type.String({ maxLength: 2048 }), events: Type.Optional(Events) }),
        response: { 201: Type.Object({ webhook: WebhookSchema }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      requireRole(request, deps, 'admin');
      const s = await site(request.params.siteId);
      return reply.status(201).send({ webhook: present(await createWebhook(wd, s.id, request.body)) });
    },
  );

  app.patch(
    '/api/v1/admin/sites/:siteId/webhooks/:webhookId',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Change a webhook’s URL, events or active flag, or rotate its secret (admins)',
        params: HookParams,
        body: Type.Object({ url: Type.Optional(Type.String({ maxLength: 2048 })), events: Type.Optional(Events), active: Type.Optional(Type.Boolean()), rotateSecret: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ webhook: WebhookSchema }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      requireRole(request, deps, 'admin');
      const s = await site(request.params.siteId);
      return { webhook: present(await updateWebhook(wd, s.id, request.params.webhookId, request.body)) };
    },
  );

  app.delete('/api/v1/admin/sites/:siteId/webhooks/:webhookId', { schema: { tags: ['webhooks'], summary: 'Remove a webhook and its log (admins)', params: HookParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } } }, async (request, reply) => {
    requireRole(request, deps, 'admin');
    const s = await site(request.params.siteId);
    await getWebhook(wd, s.id, request.params.webhookId);
    await wd.webhooks.remove(s.id, request.params.webhookId);
    return reply.status(204).send(null);
  });

  const Queued = Type.Object({ delivery: Type.Object({ id: Type.String() }) });
  app.post(
    '/api/v1/admin/sites/:siteId/webhooks/:webhookId/test',
    { schema: { tags: ['webhooks'], summary: 'Send a signed `ping` event to a webhook now; it shows in the delivery log (admins)', params: HookParams, response: { 202: Queued, ...errors(401, 403, 404) } } },
    async (request, reply) => {
      requireRole(request, deps, 'admin');
      const s = await site(request.params.siteId);
      return reply.status(202).send({ delivery: { id: await sendTestEvent(deps.useCases.webhookAdmin, s.id, request.params.webhookId) } });
    },
  );

  app.post(
    '/api/v1/admin/sites/:siteId/webhook-deliveries/:deliveryId/retry',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a logged delivery again, as a new delivery of the same payload (admins)',
        params: Type.Object({ siteId: Type.String({ maxLength: 64 }), deliveryId: Type.String({ maxLength: 64 }) }),
        response: { 202: Queued, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      requireRole(request, deps, 'admin');
      const s = await site(request.params.siteId);
      return reply.status(202).send({ delivery: { id: await retryDelivery(deps.useCases.webhookAdmin, s.id, request.params.deliveryId) } });
    },
  );

  app.get(
    '/api/v1/admin/sites/:siteId/webhook-deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'The delivery log of a site’s webhooks, newest first, with every attempt (admins)',
        params: Params,
        querystring: Type.Object({ webhookId: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }),
        response: { 200: Type.Object({ deliveries: Type.Array(DeliverySchema) }), ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      requireRole(request, deps, 'admin');
      const s = await site(request.params.siteId);
      return { deliveries: await deliveryLog(wd, s.id, { webhookId: request.query.webhookId, limit: request.query.limit ?? 50 }) };
    },
  );
};
