import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CustomFetch } from 'openid-client';
import { assertHostAllowed, guardedLookup, systemResolve, type EgressPolicy } from '../webhooks/egress.js';

/** How Agora talks to identity providers. */
export interface OidcEgressOptions {
  /**
   * Origins allowed on internal addresses (Config.oidcInternalIssuers). An issuer is typed by a site admin but fetched
   * from inside the operator's network, so anything else goes through the webhooks' internal-address guard.
   */
  internalOrigins: readonly string[];
  /** Resolving, connecting and reading the whole answer, per call. */
  timeoutMs: number;
  /** Discovery documents, key sets and token answers are a few kB; a bigger answer is not one. */
  maxBytes?: number;
  resolve?: EgressPolicy['resolve'];
}

const MAX_BYTES = 256 * 1024;

/** A provider that could not be reached, answered too slowly, or sent too much: not the reader's fault. */
export class ProviderUnreachable extends Error {
  override readonly name = 'ProviderUnreachable';
}

/** Whether an origin may be reached over plain http and on internal addresses (the operator's explicit list). */
export const isInternalAllowed = (url: URL, o: Pick<OidcEgressOptions, 'internalOrigins'>): boolean => o.internalOrigins.includes(url.origin);

function bodyOf(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  // openid-client sends forms and JSON only; a stream would escape the size and time bounds.
  throw new TypeError('unsupported request body');
}

/**
 * openid-client's fetch for every call to a provider (discovery, token, keys, user info): the host as written and
 * every address it resolves to pass the internal-address guard, no redirect is followed, one fresh connection per
 * call, and the whole exchange is cut at `timeoutMs` and `maxBytes`. Errors are plain Errors (RefusedTargetError
 * for a refused address), which the callers turn into a page the reader understands.
 */
export function guardedFetch(o: OidcEgressOptions): CustomFetch {
  const maxBytes = o.maxBytes ?? MAX_BYTES;
  return (url, options) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const policy: EgressPolicy = { allowPrivate: isInternalAllowed(target, o), resolve: o.resolve ?? systemResolve };
      assertHostAllowed(target, policy);
      const payload = bodyOf(options.body);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const headers: Record<string, string> = { ...options.headers, ...(payload ? { 'content-length': String(payload.length) } : {}) };
      const req = send(target, { method: options.method, headers, lookup: guardedLookup(policy), agent: false });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)), o.timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        req.destroy();
        reject(err.name === 'RefusedTargetError' ? err : new ProviderUnreachable(`${target.origin}: ${err.message}`, { cause: err }));
      };
      options.signal?.addEventListener('abort', () => fail(new Error('aborted')), { once: true });
      req.on('error', fail);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return fail(new Error(`answer over ${maxBytes} bytes`));
          chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          const status = res.statusCode ?? 502;
          // A Response cannot carry a body with these statuses.
          const empty = status === 204 || status === 205 || status === 304;
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers: h }));
        });
      });
      req.end(payload);
    });
}
