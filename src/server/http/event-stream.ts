import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Takes a reply over from Fastify and starts a Server-Sent Events response on it: the readers' story streams and the
 * console's queue stream. Returns the raw response, headers sent; the caller writes the events.
 */
export function startEventStream(request: FastifyRequest, reply: FastifyReply): ServerResponse {
  reply.hijack();
  const res = reply.raw;
  // Headers set by hooks (CORS for the embed) are carried over to the raw response.
  const headers: Record<string, string | number | string[]> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v as string | number | string[];
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Tells nginx-style proxies not to buffer the stream.
    'x-accel-buffering': 'no',
  });
  // Node keeps the header block it sent for the life of the response, as the string it built line by line: a
  // tree of some 70 pieces per stream (about 2 KB of the ~14 KB of heap a stream holds). Reading a character
  // makes V8 flatten it in place into one string, and the pieces are freed.
  (res as unknown as { _header?: string })._header?.charCodeAt(0);
  request.raw.socket.setNoDelay(true);
  request.raw.socket.setTimeout(0);
  return res;
}
