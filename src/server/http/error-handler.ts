import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorBody, type ErrorCode } from '../errors.js';
import { isUnavailable } from '../storage/db.js';
import { pickLang } from '../../i18n/discussion.js';

// Fastify's own client errors, mapped to our catalog so clients see one stable shape.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

/**
 * One error handler for the whole API: a client's mistake is a 4xx with a stable code and a localised message;
 * anything unexpected is logged with its stack and answered with a bare INTERNAL, never the stack.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const lang = request.lang ?? 'en';
    if (error instanceof AppError) {
      if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.status(error.status).send(errorBody(error.code, lang, error.status < 500 ? error.details : undefined));
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      const where = fe.validationContext ?? 'request';
      const first = fe.validation[0];
      const path = first?.instancePath ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
      return reply.status(400).send(errorBody('VALIDATION_FAILED', lang, `(${where}${path ? `.${path}` : ''}: ${first?.message ?? 'invalid'})`));
    }
    const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
    if (mapped) return reply.status(mapped === 'VALIDATION_FAILED' ? 400 : (fe.statusCode ?? 400)).send(errorBody(mapped, lang));
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send(errorBody(fe.statusCode === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED', lang));
    }
    // PostgreSQL refusing a value it cannot store (a NUL byte in text, a number out of range): the client's input.
    const pgCode = (error as { code?: unknown }).code;
    if (pgCode === '22021' || pgCode === '22P02' || pgCode === '22003' || pgCode === '22001') {
      return reply.status(400).send(errorBody('VALIDATION_FAILED', lang));
    }
    // A reference to a row that does not exist (a made-up site id in the path) that the use case did not look up
    // first: the thing asked for is not there. Logged, because the use case should have said which thing.
    if (pgCode === '23503' || pgCode === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      request.log.warn({ err: (error as Error).message, route: request.routeOptions.url }, 'reference to a missing row');
      return reply.status(404).send(errorBody('NOT_FOUND', lang));
    }
    if (isUnavailable(error)) {
      request.log.warn({ err: (error as Error).message }, 'database unavailable');
      return reply.status(503).header('retry-after', '5').send(errorBody('UNAVAILABLE', lang));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody('INTERNAL', lang));
  });

  app.setNotFoundHandler((request, reply) => reply.status(404).send(errorBody('NOT_FOUND', request.lang ?? 'en')));
}

/**
 * Errors Fastify raises while routing, before any hook or the error handler runs: a path that is not valid
 * percent-encoding (`/api/v1/stories/%zz`) or a path parameter over 100 characters. Same envelope as everything else
 * (set as the `frameworkErrors` server option).
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const lang = pickLang(request.headers['accept-language']);
  const what = ROUTING_ERRORS[error.code]?.[lang];
  if (!what) request.log.error({ err: error }, 'routing error');
  void reply.status(what ? 400 : 500).send(errorBody(what ? 'VALIDATION_FAILED' : 'INTERNAL', lang, what));
}

const ROUTING_ERRORS: Record<string, { en: string; fr: string }> = {
  FST_ERR_BAD_URL: { en: '(The path is not valid URL encoding.)', fr: '(Le chemin n’est pas un encodage d’URL valide.)' },
  FST_ERR_MAX_PARAM_LENGTH: { en: '(A part of the path is too long.)', fr: '(Une partie du chemin est trop longue.)' },
};
