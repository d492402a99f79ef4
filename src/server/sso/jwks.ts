import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../errors.js';
import { assertHostAllowed, guardedLookup, RefusedTargetError, type EgressPolicy } from '../webhooks/egress.js';

/** How a site's public keys are fetched and kept. */
export interface JwksOptions {
  /** The webhooks' internal-address guard: a JWKS URL is chosen by a site admin but fetched from inside our network. */
  egress: EgressPolicy;
  /** Resolving, connecting and reading the whole answer. */
  timeoutMs: number;
  /** A key set is a few kB; a bigger answer is not one. */
  maxBytes: number;
  /** Keys are used this long before they are fetched again. */
  maxAgeMs: number;
  /**
   * At most one fetch per site in this time, whatever arrives: tokens with unknown `kid`s (a key rotation, or anyone
   * posting made-up tokens to the anonymous sign-in route) and fetches that failed wait for it to pass.
   */
  cooldownMs: number;
  now?: () => number;
  /** TEST ONLY (Config.jwksLoopbackForTests): keys served from a 127.0.0.1 / ::1 literal pass the guard. */
  allowLoopbackLiteralForTests?: boolean | undefined;
}

/** Whether a host is written as a loopback IP literal (what the test allowance lets through, nothing else). */
export const isLoopbackLiteral = (hostname: string): boolean => {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  return (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
};

export const JWKS_DEFAULTS = { timeoutMs: 5000, maxBytes: 64 * 1024, maxAgeMs: 10 * 60_000, cooldownMs: 60_000 } as const;

/** Keys of single sign-on sites, per site: the one way Agora fetches a JWKS. */
export interface JwksCache {
  /** The key resolver of a site's tokens (jose's `getKey`), for the URL the site has now. */
  keysFor(siteId: string, url: string): JWTVerifyGetKey;
}

interface Entry {
  url: string;
  keys: ReturnType<typeof createLocalJWKSet> | null;
  /** When the keys were fetched. */
  fetchedAt: number;
  /** When a fetch last started, whatever came of it. */
  triedAt: number;
  /** Why the last fetch failed, answered again until the cooldown passes. */
  failure: AppError | null;
  pending: Promise<void> | null;
}

const unavailable = (cause: unknown) => new AppError('UNAVAILABLE', '(the site’s JWKS could not be fetched)', { cause });

/** GETs a key set: the guard on the host as written and on every address it resolves to, no redirect, bounded. */
function fetchKeySet(url: string, o: JwksOptions): Promise<JSONWebKeySet> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    // An IP literal is connected to without a lookup: the host as written is checked here, names in the lookup.
    if (!(o.allowLoopbackLiteralForTests && isLoopbackLiteral(target.hostname))) assertHostAllowed(target, o.egress);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    // One connection per fetch (no pooled socket), so each is checked against the DNS answer of that moment.
    const req = send(target, { method: 'GET', headers: { accept: 'application/json' }, lookup: guardedLookup(o.egress), agent: false });
    const timer = setTimeout(() => req.destroy(new Error(`timeout after ${o.timeoutMs} ms`)), o.timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) return fail(new Error(`the JWKS URL answered ${res.statusCode ?? '?'}`));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > o.maxBytes) return fail(new Error(`the JWKS is over ${o.maxBytes} bytes`));
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as JSONWebKeySet);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.end();
  });
}

/**
 * Per-site key sets, fetched through the internal-address guard and kept `maxAgeMs`. A token whose `kid` is not in
 * the set refetches it, but a site's JWKS URL is fetched at most once per `cooldownMs`, and concurrent callers share
 * one fetch: however many tokens arrive, the publisher's server (and ours) sees one request per window.
 */
export function jwksCache(o: JwksOptions): JwksCache {
  const now = o.now ?? Date.now;
  const entries = new Map<string, Entry>();

  async function fetchInto(e: Entry): Promise<void> {
    e.triedAt = now();
    try {
      const set = await fetchKeySet(e.url, o);
      e.keys = createLocalJWKSet(set);
      e.fetchedAt = now();
      e.failure = null;
    } catch (err) {
      e.failure = err instanceof RefusedTargetError ? new AppError('JWKS_URL_FORBIDDEN', `(${err.message})`, { cause: err }) : unavailable(err);
    }
  }

  /** Fetches unless a fetch ran within the cooldown; shares the one in flight. */
  async function refresh(e: Entry): Promise<void> {
    if (e.pending) return e.pending;
    if (now() - e.triedAt < o.cooldownMs) return;
    e.pending = fetchInto(e).finally(() => {
      e.pending = null;
    });
    return e.pending;
  }

  return {
    keysFor(siteId, url) {
      return async (header, token) => {
        let e = entries.get(siteId);
        if (e?.url !== url) {
          // A new or changed URL (an admin's change) is fetched at once.
          e = { url, keys: null, fetchedAt: 0, triedAt: -Infinity, failure: null, pending: null };
          entries.set(siteId, e);
        }
        if (!e.keys || now() - e.fetchedAt > o.maxAgeMs) await refresh(e);
        // Keys that are too old are still better than none while the publisher's server is down.
        const keys = e.keys;
        if (!keys) throw e.failure ?? unavailable(null);
        try {
          return await keys(header, token);
        } catch (err) {
          // An unknown kid: the publisher may have rotated its keys. Ask again, once per cooldown.
          if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
          await refresh(e);
          return (e.keys ?? keys)(header, token);
        }
      };
    },
  };
}
