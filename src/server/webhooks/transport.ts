import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { assertHostAllowed, guardedLookup, type EgressPolicy } from './egress.js';

/**
 * POSTs a body to a webhook URL and resolves with the response status; redirects are not followed (a 3xx is a
 * failure), the response body is not read. Rejects with RefusedTargetError before connecting to a refused address.
 *
 * node:http rather than fetch: fetch (undici) in Node 20 takes no `lookup`, and a second check before fetch would
 * resolve the name twice, leaving a gap for DNS rebinding. One connection per attempt (no pooled sockets), so every
 * attempt is checked against the DNS answer of that moment.
 */
export function postWebhook(url: string, o: { headers: Record<string, string>; body: string; timeoutMs: number; policy: EgressPolicy }): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    assertHostAllowed(target, o.policy);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, {
      method: 'POST',
      headers: { ...o.headers, 'content-length': String(Buffer.byteLength(o.body)) },
      lookup: guardedLookup(o.policy),
      agent: false,
    });
    // Covers resolving, connecting and waiting for the status line; a receiver that never answers cannot hold a
    // worker's job lease.
    const timer = setTimeout(() => req.destroy(new Error(`timeout after ${o.timeoutMs} ms`)), o.timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(o.body);
  });
}
