import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { Redis } from 'ioredis';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import { createDeps, type Deps } from './deps.js';
import { AppError } from './errors.js';
import { authContext } from './http/context.js';
import { frameworkErrors, installErrorHandler } from './http/error-handler.js';
import { buildValidator } from './http/validator.js';
import { authRoutes } from './http/auth-routes.js';
import { accountRoutes } from './http/account-routes.js';
import { storyRoutes } from './http/story-routes.js';
import { commentRoutes } from './http/comment-routes.js';
import { ignoredRoutes } from './http/ignored-routes.js';
import { pageRoutes } from './http/page-routes.js';
import { oidcRoutes } from './http/oidc-routes.js';
import { privacyRoutes } from './http/privacy-routes.js';
import { staticRoutes } from './http/static-routes.js';
import { moderationConsole } from './http/moderation-console.js';
import { realtimeRoutes } from './http/realtime-routes.js';
import { opsRoutes } from './http/ops-routes.js';
import { securityHeadersPlugin } from './http/security-headers.js';
import { AccessLog } from './http/access-log.js';
import { drainPlugin } from './http/drain.js';
import { publisherRoutes } from './publisher/routes.js';
import { CommentSchema, ErrorSchema, StorySchema, UserSchema } from './http/schemas.js';
import { seedDemo } from './sites/seed.js';
import { migrate, openDatabase, type Db } from './storage/db.js';

export interface BuildOptions {
  /** An already-open database (tests); otherwise SQLite in config.dataDir. */
  db?: Db;
  /** Where the built widget lives (tests build it into a temporary folder). */
  webDir?: string;
  logger?: boolean | object;
}

/** Builds the whole server without listening: migrations, demo seed, plugins and routes. Tests call inject() on it. */
export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<{ app: FastifyInstance; deps: Deps }> {
  const app = Fastify({
    logger: opts.logger ?? { level: config.logLevel },
    // One line per request instead of Fastify's two (http/access-log.ts).
    logController: new AccessLog(),
    // A hop count as a function: Fastify takes a number at run time but its types do not say so.
    trustProxy: typeof config.trustProxy === 'number' ? ((hops) => (_addr: string, hop: number) => hop < hops)(config.trustProxy) : config.trustProxy,
    bodyLimit: 256 * 1024,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    // Coercion for URLs and headers only (finite numbers), strict types for JSON bodies: see http/validator.ts.
    schemaController: { compilersFactory: { buildValidator } },
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const db = opts.db ?? openDatabase(config);
  await migrate(db);
  const deps = await createDeps(config, db, app.log);
  await seedDemo(deps);

  // Streams first, so the server's close does not wait on them: readers reconnect to another node and resume.
  app.addHook('onReady', async () => deps.realtime.start());
  app.addHook('preClose', async () => (deps.realtime.hub.closeAll(), deps.realtime.queues.closeAll()));
  app.addHook('onClose', async () => {
    await deps.realtime.close();
    await db.destroy();
  });
  installErrorHandler(app);
  await app.register(drainPlugin);
  // Only JSON bodies: text/plain is what other sites may POST without a CORS preflight.
  app.removeContentTypeParser('text/plain');
  for (const s of [ErrorSchema, UserSchema, StorySchema, CommentSchema]) app.addSchema(s);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Agora API', version: '1.0.0', description: 'Comments, stories and accounts of an Agora instance. Errors are { error: { code, message } }.' },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'agora_session' } } },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  await app.register(cookie);
  // One header policy for every response (the API's); pages, the console and scripts name theirs per route.
  await app.register(securityHeadersPlugin, { config });
  // The embed calls the API from publishers' pages: only their allowed origins get CORS, and never credentials,
  // because the embed authenticates with a bearer token, not a third-party cookie.
  await app.register(cors, {
    credentials: false,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'accept-language'],
    maxAge: 600,
    origin: (origin, cb) => {
      if (!origin) return cb(null, false);
      deps.origins.siteForOrigin(origin).then(
        (site) => cb(null, site !== undefined),
        () => cb(null, false),
      );
    },
  });
  // With several nodes, counters live in Redis so a client cannot multiply its allowance by the number of nodes.
  // If Redis is down the limits are skipped rather than failing every request (availability first; logged).
  const limiterRedis = config.redisUrl ? new Redis(config.redisUrl, { connectTimeout: 1000, maxRetriesPerRequest: 1, enableOfflineQueue: false }) : null;
  limiterRedis?.on('error', () => {});
  if (limiterRedis) app.addHook('onClose', async () => limiterRedis.disconnect());
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    ...(limiterRedis ? { redis: limiterRedis, skipOnError: true, nameSpace: 'agora-rl:' } : {}),
    errorResponseBuilder: (_req, ctx) => new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: Math.ceil(ctx.ttl / 1000) }),
  });
  await app.register(authContext, { deps });
  await app.register(opsRoutes, { deps });

  await app.register(authRoutes, { deps });
  await app.register(accountRoutes, { deps });
  await app.register(storyRoutes, { deps });
  await app.register(commentRoutes, { deps });
  await app.register(ignoredRoutes, { deps });
  await app.register(pageRoutes, { deps });
  await app.register(oidcRoutes, { deps });
  await app.register(realtimeRoutes, { deps });
  await app.register(publisherRoutes, { deps });
  await app.register(moderationConsole, { deps });
  await app.register(privacyRoutes, { deps });
  await app.register(staticRoutes, opts.webDir ? { webDir: opts.webDir } : {});
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.ready();
  return { app, deps };
}
