import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { clientKey } from './client-key.js';

/** A preHandler that spends one write of the caller's budget, or refuses with 429 RATE_LIMITED. */
export type WriteBudget = (request: FastifyRequest) => Promise<void>;

// One limiter per app. @fastify/rate-limit keeps a separate counter store per route that has its own `rateLimit`
// config (its groupId only separates keys inside one store), so a per-route limit of 30 was 30 per route: a reader
// could post, edit, react and report 30 times each. One limiter, one store, shared by every write route, is one budget.
const budgets = new WeakMap<Deps, WriteBudget>();

/**
 * The write budget: AGORA_WRITES_PER_MINUTE writes a minute per signed-in reader (every device and address counts
 * together), else per address, shared by every route that writes on a reader's behalf (post, reply, edit, delete,
 * react, report, guest comments). A flood guard; the moderation pipeline adds finer rate rules on posts.
 */
export function writeBudget(app: FastifyInstance, deps: Deps): WriteBudget {
  let budget = budgets.get(deps);
  if (!budget) {
    const limiter = app.createRateLimit({ max: deps.config.writesPerMinute, timeWindow: 60_000, keyGenerator: (req) => `write:${clientKey(req)}` });
    budget = async (request) => {
      const r = await limiter(request);
      if (!r.isAllowed && r.isExceeded) throw new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: r.ttlInSeconds });
    };
    budgets.set(deps, budget);
  }
  return budget;
}
