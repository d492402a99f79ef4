import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type ValidatorFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>;
type Validate = ReturnType<ReturnType<ValidatorFactory>>;

// Fastify's own compiler (one pool of Ajv instances, ajv-formats, the shared schemas), built twice below.
const pool = AjvCompiler();

/** The path of the first number that is not finite in a validated request part, or null. */
function nonFinite(value: unknown, path = ''): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    const found = nonFinite(v, `${path}/${k}`);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Ajv coerces the text "Infinity" or "1e309" to a number without checking that it is finite, and then skips
 * `minimum`/`maximum` (they only test finite numbers): `?limit=Infinity` reached the database as a LIMIT it refused.
 * A coerced part with a non-finite number fails validation here, like any other bad value.
 */
function finiteOnly(validate: Validate): Validate {
  const wrapped = ((data: unknown, ctx?: unknown) => {
    const ok = (validate as (d: unknown, c?: unknown) => boolean)(data, ctx);
    wrapped.errors = validate.errors;
    if (!ok) return false;
    const at = nonFinite(data);
    if (at === null) return true;
    wrapped.errors = [{ instancePath: at, schemaPath: '#/finite', keyword: 'type', params: { type: 'number' }, message: 'must be a finite number' }];
    return false;
  }) as Validate;
  if ('schemaEnv' in validate) Object.assign(wrapped, { schemaEnv: validate.schemaEnv });
  return wrapped;
}

/**
 * A request without a body is validated as the empty object: a route whose fields are all optional (mark all
 * notifications read, the popup's token) takes a bare POST, and one with required fields still names them.
 */
function absentIsEmpty(validate: Validate): Validate {
  const wrapped = ((data: unknown, ctx?: unknown) => {
    if (data !== null && data !== undefined) {
      const ok = (validate as (d: unknown, c?: unknown) => boolean)(data, ctx);
      wrapped.errors = validate.errors;
      return ok;
    }
    const empty = {};
    const ok = (validate as (d: unknown) => boolean)(empty);
    wrapped.errors = validate.errors;
    return ok ? { value: empty } : false;
  }) as Validate;
  if ('schemaEnv' in validate) Object.assign(wrapped, { schemaEnv: validate.schemaEnv });
  return wrapped;
}

/**
 * The validator compiler of every route. URLs and headers are text, so their numbers and booleans are coerced from
 * text (and must be finite); JSON bodies carry their own types and are checked strictly: `{"body": 123}` is a
 * VALIDATION_FAILED, not the comment "123".
 */
export const buildValidator: ValidatorFactory = (externalSchemas, options) => {
  const coercing = pool(externalSchemas, options);
  const strict = pool(externalSchemas, { plugins: options?.plugins, onCreate: options?.onCreate, customOptions: { ...(options?.customOptions as AjvCompiler.Options), coerceTypes: false } });
  return (route) => (route.httpPart === 'body' ? absentIsEmpty(strict(route)) : finiteOnly(coercing(route)));
};
