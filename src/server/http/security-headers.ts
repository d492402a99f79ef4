import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import type { Config } from '../config.js';

/** A route's headers where they differ from the API default; the route option `helmet` takes one of these. */
export type HeaderPolicy = Omit<FastifyHelmetOptions, 'global'>;

const csp = (directives: Record<string, string[]>) => ({ useDefaults: false, directives });

// First-party pages run only our own scripts. Inline styles are allowed: the widget styles its shadow root with
// <style>, the console and uPlot set styles from script. Images may come from anywhere on http(s): readers' avatars
// are publishers' URLs (an image runs no code; avatars are sent with no referrer). Nothing may frame a page
// (clickjacking of the comment and moderation buttons).
const PAGE_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'https:', 'http:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

/**
 * One header policy per kind of response. The API default (JSON, feeds, scripts, errors) is set for every response
 * in app.ts; a route that serves another kind names its policy with the route option `helmet: securityPolicy.x`.
 */
export const securityPolicy = {
  /**
   * Readers' pages (article, index, profile, privacy). They open the sign-in window, so COOP lets popups keep
   * their opener. The referrer policy keeps the Origin header on their own form posts and fetches (with
   * no-referrer, browsers send `Origin: null`, which first-party checks would refuse).
   */
  page: {
    contentSecurityPolicy: csp(PAGE_CSP),
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  },
  /** The sign-in window: it answers its opener, a publisher's page on another origin, so no COOP isolation. */
  popup: {
    contentSecurityPolicy: csp(PAGE_CSP),
    crossOriginOpenerPolicy: { policy: 'unsafe-none' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  },
  /** The moderation console and the admins' pages: no remote images, no referrer outside Agora, fully isolated. */
  console: {
    contentSecurityPolicy: csp({ ...PAGE_CSP, imgSrc: ["'self'", 'data:'] }),
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'same-origin' },
  },
  /** Pages reached from an email link (unsubscribe): no script at all, and no referrer (the URL holds the link's token). */
  emailLink: {
    contentSecurityPolicy: csp({ defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'self'"] }),
    referrerPolicy: { policy: 'no-referrer' },
  },
  /** The widget's and console's scripts: any page may load them with <script> (they carry no user data). */
  script: {
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  },
} satisfies Record<string, HeaderPolicy>;

/**
 * The default for every response (the JSON API, feeds, live streams, errors): nothing in it may run, load or be
 * framed, no MIME sniffing, CORP same-origin (the embed reads the API with CORS, which CORP does not restrict, while
 * no-cors reads by other sites are refused). HSTS only when the public URL is https: it would make a browser refuse
 * an http-only install for a year.
 */
export function securityHeaders(config: Config): FastifyHelmetOptions {
  const https = new URL(config.publicUrl).protocol === 'https:';
  return {
    global: true,
    contentSecurityPolicy: csp({ defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] }),
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Without includeSubDomains: names under Agora's host, if any, are the operator's to decide for.
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  };
}

/** The headers helmet sets for `options`, and those it removes, computed once. */
interface Headers {
  set: [string, string][];
  remove: string[];
}

/**
 * Runs helmet once on a response that records what it is told. Every policy here is made of constant values (no
 * function of the request, no nonces), so the headers are the same for every response and need not be built again:
 * @fastify/helmet builds helmet anew on every request (its directives parsed, its names dashified), which cost ~8%
 * of a cached first page.
 */
function headersOf(options: HeaderPolicy): Headers {
  const out: Headers = { set: [], remove: [] };
  const res = {
    setHeader: (name: string, value: string) => out.set.push([name, String(value)]),
    removeHeader: (name: string) => out.remove.push(name),
  };
  let failed: unknown;
  helmet(options as Parameters<typeof helmet>[0])({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => (failed = err));
  if (failed) throw failed instanceof Error ? failed : new Error(String(failed));
  return out;
}

/**
 * Sets the security headers of every response: `securityHeaders(config)` by default, merged with a route's own
 * policy (route option `helmet: securityPolicy.x`; `helmet: false`: none). The same options and the same helmet as
 * @fastify/helmet, with each route's headers computed when the route is added rather than on every request.
 */
export const securityHeadersPlugin = fp(async (app: FastifyInstance, opts: { config: Config }) => {
  const { global: _global, ...base } = securityHeaders(opts.config);
  const byDefault = headersOf(base);
  const none: Headers = { set: [], remove: [] };
  app.addHook('onRoute', (route) => {
    const own = (route as { helmet?: HeaderPolicy | false }).helmet;
    const headers = own === false ? none : own === undefined ? byDefault : headersOf({ ...base, ...own });
    route.config = Object.assign(route.config ?? Object.create(null), { securityHeaders: headers });
  });
  // On the raw response, at once, as @fastify/helmet does: errors, 404s and hijacked replies carry them too.
  app.addHook('onRequest', (request, reply, done) => {
    const headers = (request.routeOptions.config as { securityHeaders?: Headers }).securityHeaders ?? byDefault;
    const raw = reply.raw;
    for (const [name, value] of headers.set) raw.setHeader(name, value);
    for (const name of headers.remove) raw.removeHeader(name);
    done();
  });
});
