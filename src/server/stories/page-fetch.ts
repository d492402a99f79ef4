import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { AppError } from '../errors.js';
import { assertHostAllowed, guardedLookup, type EgressPolicy } from '../webhooks/egress.js';

/** How the server reads a publisher's page before making a story of it. */
export interface PageFetchOptions {
  /** The same internal-address guard as webhooks (webhooks/egress.ts). */
  policy: EgressPolicy;
  /** Resolving, connecting, redirects and reading the head, all together. */
  timeoutMs: number;
  /** Bytes of the page read at most (after decompression); the title is in the head, near the top. */
  maxBytes: number;
  userAgent: string;
  /** Whether a redirect may be followed to this URL: only to pages of the same site. */
  mayFollow: (url: URL) => Promise<boolean>;
  /**
   * TEST ONLY: lets the guard pass 127.0.0.1 and ::1 written as IP literals, so a test can serve a page from a local
   * server while every other internal address stays refused. Never set from the environment.
   */
  allowLoopbackLiteralForTests?: boolean;
}

/** What was read of a page that answered 2xx. */
export interface PageHead {
  /** The URL that answered, after redirects. */
  url: string;
  contentType: string | undefined;
  /** The start of the body: up to `</head>` (or `<body>`), at most maxBytes. */
  bytes: Buffer;
}

const MAX_REDIRECTS = 3;
const HEAD_END = ['</head', '<body'];

const isLoopbackLiteral = (hostname: string): boolean => {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  return (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
};

/** The response body, decompressed when the server compressed it anyway (a bomb is bounded by maxBytes all the same). */
function bodyStream(res: IncomingMessage): Readable {
  const enc = String(res.headers['content-encoding'] ?? '').toLowerCase();
  if (enc === 'gzip' || enc === 'x-gzip') return res.pipe(createGunzip());
  if (enc === 'deflate') return res.pipe(createInflate());
  if (enc === 'br') return res.pipe(createBrotliDecompress());
  return res;
}

/** One GET, no redirect followed: the response, whose body is not read yet. */
function get(url: URL, o: PageFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (!(o.allowLoopbackLiteralForTests && isLoopbackLiteral(url.hostname))) assertHostAllowed(url, o.policy);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'GET',
      headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1', 'accept-encoding': 'gzip, deflate, br', 'user-agent': o.userAgent },
      // The name is resolved and checked here and the socket connects to the checked address (DNS rebinding).
      lookup: guardedLookup(o.policy),
      // One connection per fetch: every fetch is checked against the DNS answer of that moment.
      agent: false,
      signal,
    });
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
}

/** Reads the body until the end of the head, maxBytes, or the end of the body, then drops the connection. */
function readHead(res: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const body = bodyStream(res);
    const chunks: Buffer[] = [];
    let size = 0;
    let tail = '';
    let done = false;
    const stop = () => {
      done = true;
      signal.removeEventListener('abort', onAbort);
      res.destroy();
      if (body !== res) body.destroy();
    };
    const finish = () => {
      if (done) return;
      stop();
      resolve(Buffer.concat(chunks, size).subarray(0, maxBytes));
    };
    const fail = (err: unknown) => {
      if (done) return;
      stop();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    // A page that trickles its bytes is cut at the deadline like one that never answers.
    const onAbort = () => fail(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    body.on('data', (chunk: Buffer) => {
      if (done) return;
      chunks.push(chunk);
      size += chunk.length;
      // Looked for across chunk boundaries: the last few characters of the previous chunk are kept.
      const text = tail + chunk.toString('latin1').toLowerCase();
      if (size >= maxBytes || HEAD_END.some((m) => text.includes(m))) return finish();
      tail = text.slice(-8);
    });
    body.on('end', finish);
    body.on('error', fail);
    res.on('error', fail);
    // The connection closing before the end (the server hung up mid-page): what was read is all there is.
    res.on('close', () => (res.complete ? undefined : fail(new Error('the page was cut off'))));
  });
}

/**
 * Reads the head of a publisher's page, following up to three redirects within the site. Throws
 * STORY_PAGE_NOT_FOUND when the page answers anything but 2xx, STORY_PAGE_TIMEOUT past the deadline, and
 * STORY_PAGE_UNREACHABLE when it cannot be reached (no such host, refused connection, internal address, a redirect
 * off the site). The reason stays in the error's cause for the log: the caller only learns that the page failed.
 */
export async function fetchPageHead(pageUrl: string, o: PageFetchOptions): Promise<PageHead> {
  const deadline = AbortSignal.timeout(o.timeoutMs);
  let url = new URL(pageUrl);
  try {
    for (let hop = 0; ; hop++) {
      const res = await get(url, o, deadline);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.destroy();
        if (hop >= MAX_REDIRECTS) throw new AppError('STORY_PAGE_UNREACHABLE', undefined, { cause: new Error(`more than ${MAX_REDIRECTS} redirects from ${pageUrl}`) });
        const next = new URL(location, url);
        if ((next.protocol !== 'http:' && next.protocol !== 'https:') || !(await o.mayFollow(next))) {
          throw new AppError('STORY_PAGE_UNREACHABLE', undefined, { cause: new Error(`${url.href} redirects off the site, to ${next.href}`) });
        }
        url = next;
        continue;
      }
      if (status < 200 || status >= 300) {
        res.destroy();
        throw new AppError('STORY_PAGE_NOT_FOUND', `(HTTP ${status})`);
      }
      const contentType = res.headers['content-type'];
      // Not a web page (a PDF, an image): it exists, but it has no head to read a title from.
      if (contentType && !/html/i.test(contentType)) {
        res.destroy();
        return { url: url.href, contentType, bytes: Buffer.alloc(0) };
      }
      return { url: url.href, contentType, bytes: await readHead(res, o.maxBytes, deadline) };
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (deadline.aborted) throw new AppError('STORY_PAGE_TIMEOUT', undefined, { cause: err });
    // An internal address (RefusedTargetError), no such host, a refused or reset connection.
    throw new AppError('STORY_PAGE_UNREACHABLE', undefined, { cause: err });
  }
}
