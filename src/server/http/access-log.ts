import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * One log line per request, when it is answered: method, URL, client address, status and time (ms), with the
 * request's id. Fastify's own request logging writes two lines per request ("incoming request", then "request
 * completed"), each serialised by pino and written to stdout: on a cached page that was a tenth of the node's work
 * (it is turned off in app.ts with disableRequestLogging). The line is what an access log needs; errors keep their
 * own lines with the stack (error-handler.ts).
 */
export const accessLog = fp(async (app: FastifyInstance) => {
  app.addHook('onResponse', (request, reply, done) => {
    // Flat keys: `req` and `res` would go through Fastify's serializers, which expect the request objects.
    request.log.info({ method: request.method, url: request.url, remoteAddress: request.ip, statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 10) / 10 }, 'request completed');
    done();
  });
});
