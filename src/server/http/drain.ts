import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** True once the node was told to stop (SIGTERM): it still serves, but is no longer ready. */
    draining: boolean;
    /** Starts the drain: /readyz answers 503, every response closes its connection, idle connections are closed. */
    drain(): void;
  }
}

/**
 * The first step of a graceful stop (main.ts), before the listener closes. A request that reaches a closing server
 * on a kept-alive connection is answered 503, and a proxy may not send a POST again once a node received it, so
 * it would reach the reader as an error. While draining, the node keeps serving but ends every connection after
 * its response and closes the idle ones at once: when it stops listening, no proxy holds a connection to it, and a
 * refused connection is one a proxy retries on another node (nginx does, even for POST). /readyz turns 503 first,
 * so orchestrators and load balancers with active checks stop sending requests meanwhile.
 */
export const drainPlugin = fp(async (app: FastifyInstance) => {
  app.decorate('draining', false);
  app.decorate('drain', function drain(this: FastifyInstance) {
    this.draining = true;
    this.server.closeIdleConnections();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (app.draining) reply.header('connection', 'close');
    done();
  });
});
