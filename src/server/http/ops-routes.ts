import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Whether a request may read /metrics. The numbers tell an attacker the load, queue backlogs and routes in use, so:
 * with AGORA_METRICS_TOKEN, only `Authorization: Bearer <token>` (compared in constant time); without it, only a
 * client on this machine, and not one forwarded by a proxy here (a local reverse proxy would otherwise turn every
 * visitor into a loopback client).
 */
function metricsAllowed(request: FastifyRequest, token: string | null): boolean {
  if (token) {
    const m = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '');
    return m !== null && timingSafeEqual(sha256(m[1] as string), sha256(token));
  }
  const forwarded = ['x-forwarded-for', 'forwarded', 'x-real-ip'].some((h) => request.headers[h] !== undefined);
  return !forwarded && LOOPBACK.test(request.socket.remoteAddress ?? '') && LOOPBACK.test(request.ip);
}

/**
 * Operations endpoints: liveness, readiness, Prometheus metrics. A registry per app (not prom-client's global) so
 * several apps in one process (tests, benchmarks) do not mix their numbers.
 */
export const opsRoutes = fp(async (app: FastifyInstance, opts: { deps: Deps }) => {
  const { deps } = opts;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'agora_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'agora_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({ name: 'agora_sse_streams', help: 'Open live event streams on this node', registers: [registry], collect() { this.set(deps.realtime.hub.size); } });
  // Many `client` refusals with few streams may mean readers share one address (a proxy without AGORA_TRUST_PROXY).
  new Counter({
    name: 'agora_sse_refused_total',
    help: 'Live event streams refused: reason="node" (AGORA_MAX_STREAMS reached) or "client" (AGORA_STREAMS_PER_CLIENT reached)',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(deps.realtime.hub.refused)) this.inc({ reason }, n);
    },
  });
  new Gauge({ name: 'agora_broker_up', help: '1 when the link to other nodes (Redis) is up, or on a single node', registers: [registry], collect() { this.set(deps.realtime.broker.healthy() ? 1 : 0); } });
  // Shared by all nodes (the queue is the database's), so every node reports the same numbers. Queued counts jobs
  // waiting, scheduled (digests, recurring housekeeping) and running; dead ones failed for good and are kept 7 days.
  new Gauge({ name: 'agora_jobs_queued', help: 'Jobs queued in the durable job queue (waiting, scheduled or running)', registers: [registry], async collect() { this.set(await deps.publisher.jobs.count('queued').catch(() => -1)); } });
  new Gauge({ name: 'agora_jobs_dead', help: 'Jobs that failed for good, kept for a week for inspection', registers: [registry], async collect() { this.set(await deps.publisher.jobs.count('dead').catch(() => -1)); } });
  const outcomes = new Counter({ name: 'agora_moderation_outcomes_total', help: 'New comments by the status moderation gave them', labelNames: ['status'], registers: [registry] });
  // Counted from the dispatcher's batches (on the node that holds its lease), once per recorded event.
  deps.dispatched.push((batch) => {
    for (const { event: e } of batch) {
      if (e.type === 'comment.created') outcomes.inc({ status: e.comment.status });
      if (e.type === 'comment.moderated') outcomes.inc({ status: `moderated_${e.comment.status}` });
    }
  });
  new Gauge({
    name: 'agora_outbox_events',
    help: 'Recorded events not yet dispatched (state=pending), and those left aside after repeated failures (state=dead)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const s = await deps.outbox.sizes().catch(() => ({ pending: -1, dead: -1 }));
      this.set({ state: 'pending' }, s.pending);
      this.set({ state: 'dead' }, s.dead);
    },
  });
  // Queue sizes etc. that features register (e.g. the job queue) without this file knowing them; read once all
  // plugins are in.
  app.addHook('onReady', async () => {
    for (const g of deps.metricGauges) {
      new Gauge({ name: g.name, help: g.help, registers: [registry], async collect() { this.set(await g.value().catch(() => -1)); } });
    }
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: reply.statusCode });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    let database = true;
    try {
      await deps.useCases.ping(2000);
    } catch {
      database = false;
    }
    const broker = deps.realtime.broker.healthy();
    // Stopping (http/drain.ts): not ready, so traffic moves to other nodes while this one finishes its requests.
    if (app.draining) return reply.status(503).send({ ready: false, draining: true, database, broker });
    // Redis down degrades live updates only, so the node stays ready; the database is required.
    return reply.status(database ? 200 : 503).send({ ready: database, database, broker });
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!metricsAllowed(request, deps.config.metricsToken)) {
      reply.header('www-authenticate', 'Bearer realm="agora-metrics"');
      throw new AppError('METRICS_TOKEN_REQUIRED');
    }
    return reply.header('cache-control', 'no-store').type(registry.contentType).send(await registry.metrics());
  });
});
