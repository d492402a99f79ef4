import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { securityPolicy } from './security-headers.js';

/** Both src/server/http and dist/server/http sit three levels below the project root. */
export const WEB_DIR = join(fileURLToPath(new URL('../../../', import.meta.url)), 'dist', 'web');

const FILES = { '/embed.js': 'embed.js', '/popup.js': 'popup.js', '/count.js': 'count.js', '/admin.js': 'admin.js' } as const;

/**
 * The widget's modules (dist/web/embed/, docs/adr/0020): names the build gives them, a content hash in each, e.g.
 * `shared-4ESPTTDS.js`; the pattern also keeps a request from naming any other file.
 */
const MODULE = /^[a-z]+(?:-[a-z]+)?-[A-Z2-7]{8}\.js$/;

/**
 * Agora's icon: a 16×16 PNG (a white speech bubble on the widget's accent blue) in an ICO wrapper, 129 bytes. Browsers
 * ask every page's origin for /favicon.ico; without it, each of Agora's pages (the sign-in window on a publisher's
 * page, the article page) logged a 404 in the reader's console (issue 19).
 */
const FAVICON = Buffer.from(
  'AAABAAEAEBAAAAEAIABrAAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAQAAAAEAgGAAAAH/P/YQAAADJJREFUeNpjYGBgYJD1u/GfHMxAiWa4IYPLAGLBqAG0NADdILLTAbGaB2FKpHuOBOkFAJNBpd1c3QBqAAAAAElFTkSuQmCC',
  'base64',
);

/**
 * The gzip bytes to send for `body`: the build's `<name>.gz` (Zopfli, smaller than zlib can make) when it inflates
 * to exactly `body`, else zlib -9 made here (a dist built before the .gz files, or a .gz left from an older build).
 */
async function gzipOf(path: string, body: Buffer): Promise<Buffer> {
  try {
    const gz = await readFile(`${path}.gz`);
    if (gunzipSync(gz).equals(body)) return gz;
  } catch {
    // missing or not gzip: compress here
  }
  return gzipSync(body, { level: 9 });
}

/**
 * Serves the built widget and popup script from memory, pre-compressed: the embed is fetched on every article view
 * of every publisher's site, so it must be small on the wire and cheap to serve. The classic scripts keep their
 * names and are cached for 5 minutes; the widget's modules, hashed, are cached for good.
 */
export async function staticRoutes(app: FastifyInstance, opts: { webDir?: string }): Promise<void> {
  const dir = opts.webDir ?? WEB_DIR;
  const cache = new Map<string, { body: Buffer; gzip: Buffer; etag: string }>();
  async function load(name: string) {
    let entry = cache.get(name);
    if (!entry) {
      let body: Buffer;
      try {
        body = await readFile(join(dir, name));
      } catch {
        throw new AppError('UNAVAILABLE', `(${name} is not built: run npm run build)`);
      }
      entry = { body, gzip: await gzipOf(join(dir, name), body), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
      cache.set(name, entry);
    }
    return entry;
  }
  async function send(request: FastifyRequest, reply: FastifyReply, name: string, cacheControl: string) {
    const f = await load(name);
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', cacheControl).header('etag', f.etag).header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === f.etag) return reply.status(304).send();
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(f.gzip);
    return reply.send(f.body);
  }
  for (const [path, name] of Object.entries(FILES)) {
    // Any page may load the scripts (CORP cross-origin in `securityPolicy.script`): they carry no user data.
    app.get(path, { schema: { hide: true }, helmet: securityPolicy.script }, (request, reply) => send(request, reply, name, 'public, max-age=300'));
  }
  // A day: the icon may change with a release, and browsers keep favicons in a cache of their own anyway.
  app.get('/favicon.ico', { schema: { hide: true } }, (_request, reply) =>
    reply.header('content-type', 'image/x-icon').header('cache-control', 'public, max-age=86400').send(FAVICON),
  );
  // Modules are fetched in CORS mode (import() from a publisher's page): any origin may read them, without
  // credentials. A hashed name never changes content, so browsers and CDNs may keep it for a year.
  app.get<{ Params: { file: string } }>('/embed/:file', { schema: { hide: true }, helmet: securityPolicy.script }, async (request, reply) => {
    const { file } = request.params;
    if (!MODULE.test(file)) throw new AppError('NOT_FOUND');
    reply.header('access-control-allow-origin', '*');
    try {
      return await send(request, reply, `embed/${file}`, 'public, max-age=31536000, immutable');
    } catch (e) {
      // A name from no build (or from one before the last two, which the build deletes) is simply not there.
      if (e instanceof AppError && e.code === 'UNAVAILABLE') throw new AppError('NOT_FOUND');
      throw e;
    }
  });
}
