import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { securityPolicy } from './security-headers.js';

/** Both src/server/http and dist/server/http sit three levels below the project root. */
export const WEB_DIR = join(fileURLToPath(new URL('../../../', import.meta.url)), 'dist', 'web');

const FILES = { '/embed.js': 'embed.js', '/embed-en.js': 'embed-en.js', '/embed-fr.js': 'embed-fr.js', '/popup.js': 'popup.js', '/count.js': 'count.js', '/admin.js': 'admin.js' } as const;

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
 * of every publisher's site, so it must be small on the wire and cheap to serve.
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
  for (const [path, name] of Object.entries(FILES)) {
    // Any page may load the scripts (CORP cross-origin in `securityPolicy.script`): they carry no user data.
    app.get(path, { schema: { hide: true }, helmet: securityPolicy.script }, async (request, reply) => {
      const f = await load(name);
      reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').header('etag', f.etag).header('vary', 'accept-encoding');
      if (request.headers['if-none-match'] === f.etag) return reply.status(304).send();
      if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(f.gzip);
      return reply.send(f.body);
    });
  }
}
