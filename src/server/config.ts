import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/** Typed runtime configuration, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  /** Public origin of this Agora instance, e.g. https://comments.example.com (no trailing slash). */
  publicUrl: string;
  dataDir: string;
  /** postgres://… to run on PostgreSQL; null for the embedded SQLite database. */
  databaseUrl: string | null;
  /** Extra allowed origins for the demo site, from AGORA_ALLOWED_ORIGINS. */
  demoAllowedOrigins: string[];
  /** Seed the demo site and articles into a new database (AGORA_SEED_DEMO; default: unless NODE_ENV=production). */
  seedDemo: boolean;
  maxCommentLength: number;
  /** scrypt cost parameter (power of two); lowered only in tests to keep them quick. */
  scryptN: number;
  logLevel: string;
  /** Login attempts allowed per IP and email within `loginWindowMs`. */
  loginMaxAttempts: number;
  loginWindowMs: number;
  /** Failed sign-ins (wrong password, any email) one address may make within `loginFailureWindowMs`: stops spraying. */
  loginFailuresPerAddress: number;
  loginFailureWindowMs: number;
  /** Password hashes computed at once on this node; more wait in a queue of `passwordHashQueue`, beyond it 503. */
  passwordHashConcurrency: number;
  passwordHashQueue: number;
  /** How recent a password sign-in must be for account-level actions (data export, account deletion). */
  reauthMs: number;
  /**
   * Which proxies' X-Forwarded-For to believe for the client's address: false (none), a number of hops, a list of
   * proxy addresses or CIDRs, or true (every hop: then a client can choose its address by sending the header).
   */
  trustProxy: boolean | number | string[];
  /** redis://… to share live updates and rate limits between nodes; null on a single node. */
  redisUrl: string | null;
  /** Live event streams this node holds at most; beyond, new ones get 503 (load shedding). */
  maxStreams: number;
  /** Live event streams one client (a signed-in user, else an address) may hold at once on this node; beyond, 429. */
  streamsPerClient: number;
  /** Bearer token that /metrics requires; null: /metrics answers only requests from this machine (loopback). */
  metricsToken: string | null;
  heartbeatMs: number;
  /** A story's live events arriving within this window reach each reader as one frame. */
  liveCoalesceMs: number;
  /** Writes (comments, edits, reactions, reports) a user may make per minute: a flood guard. */
  writesPerMinute: number;
  /** smtp(s)://… for notification emails; null sends none (notifications still appear in the API). */
  smtpUrl: string | null;
  /** From address of notification emails. */
  mailFrom: string;
  /** Whether this node runs queued jobs (emails, webhooks); every node may, the queue is safe to share. */
  runJobs: boolean;
  /** How often an idle job worker looks for due jobs. */
  jobPollMs: number;
  /** How often an idle event dispatcher looks for events recorded on other nodes or by the command line. */
  dispatchPollMs: number;
  /** How long an anonymous first page may still be served after its story moved on, while it is rebuilt. */
  firstPageStaleMs: number;
  /** First webhook retry delay; each next one doubles, for 24 hours. */
  webhookRetryBaseMs: number;
  /** Whether webhooks may target private, loopback and other internal addresses (receivers on the operator's LAN). */
  webhookAllowPrivate: boolean;
  /**
   * Origins of OpenID Connect issuers that may live on internal addresses (AGORA_OIDC_INTERNAL_ISSUERS): an identity
   * provider on the operator's own network (Keycloak on the LAN, a provider in tests and development). Every other
   * issuer must be public https (oidc/egress.ts).
   */
  oidcInternalIssuers: string[];
  /** Each call to an identity provider (discovery, token, keys, user info): connecting and reading the answer. */
  oidcTimeoutMs: number;
  /**
   * TEST ONLY, never read from the environment: a site's JWKS URL may be an http URL on a 127.0.0.1 / ::1 literal, so
   * a test can serve keys locally; every other internal address stays refused (sso/jwks.ts, sites/admin.ts).
   */
  jwksLoopbackForTests?: boolean;
  /**
   * Whether a story is made only for a page that answers 2xx when the server fetches it, titled from the page
   * (AGORA_STORY_PAGE_CHECK). Off: any URL of an allowed origin makes a story titled by the caller (tests, development).
   */
  storyPageCheck: boolean;
  /** New stories one client (a signed-in user, else an address) may cause per hour; lookups of existing ones are free. */
  storyCreationsPerHour: number;
  /**
   * TEST ONLY, never read from the environment: the page check may fetch pages from 127.0.0.1 / ::1 literals, so a
   * test can serve them locally; every other internal address stays refused.
   */
  storyPageLoopbackForTests?: boolean;
  /** Hour of the day (UTC) daily digests are sent. */
  digestHourUtc: number;
  /** How long a requested account deletion waits, during which the reader may cancel it. */
  deletionGraceMs: number;
  /** How often the server carries out deletions whose grace period is over; 0 turns the sweep off on this node. */
  privacySweepMs: number;
}

/** Thrown for a bad environment value, with a message an operator can act on. */
export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

// Strict, unlike the older `=== 'true'` flags: this one opens a security boundary, so a typo ("yes", "1") must stop
// the server rather than silently leave it closed or, worse, be read differently by a later version.
function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function origin(value: string, name: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    return u.origin;
  } catch {
    throw new ConfigError(`${name} must contain http(s) origins such as https://news.example.com, got "${value}"`);
  }
}

// Fastify's trustProxy: a hop count or addresses are safer than `true`, which believes a client's own header.
function trustProxy(raw: string | undefined): boolean | number | string[] {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length > 0 && list.every((s) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(s) || ['loopback', 'linklocal', 'uniquelocal'].includes(s))) return list;
  throw new ConfigError(`AGORA_TRUST_PROXY must be true, false, a number of proxy hops or a comma-separated list of proxy addresses/CIDRs, got "${raw}"`);
}

// A short token could be guessed by anyone who can reach /metrics.
function metricsToken(raw: string | undefined): string | null {
  if (!raw) return null;
  if (raw.length < 16 || !/^[\x21-\x7e]+$/.test(raw)) throw new ConfigError('AGORA_METRICS_TOKEN must be at least 16 printable characters without spaces');
  return raw;
}

function databaseUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new ConfigError(`DATABASE_URL must be a postgres:// URL (leave it unset for SQLite), got "${raw.replace(/:[^:@/]*@/, ':***@')}"`);
  return raw;
}

function smtpUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  if (!/^smtps?:\/\//.test(raw)) throw new ConfigError(`SMTP_URL must be an smtp:// or smtps:// URL, got "${raw.replace(/:[^:@/]*@/, ':***@')}"`);
  return raw;
}

function redisUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  if (!/^rediss?:\/\//.test(raw)) throw new ConfigError(`REDIS_URL must be a redis:// URL (leave it unset on a single node), got "${raw.replace(/:[^:@/]*@/, ':***@')}"`);
  return raw;
}

// scrypt runs on libuv's thread pool (UV_THREADPOOL_SIZE, 4 by default), which file and DNS work share: hashing
// takes at most one thread per core and always leaves one free.
function defaultHashConcurrency(env: NodeJS.ProcessEnv): number {
  const pool = Number(env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(availableParallelism(), pool - 1));
}

/** Reads and validates the configuration; throws ConfigError with a clear message on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = int(env, 'PORT', 8080, 0, 65535);
  const publicUrl = env.AGORA_PUBLIC_URL ? origin(env.AGORA_PUBLIC_URL, 'AGORA_PUBLIC_URL') : `http://localhost:${port}`;
  const demoAllowedOrigins = (env.AGORA_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => origin(s, 'AGORA_ALLOWED_ORIGINS'));
  const scryptLog = int(env, 'AGORA_SCRYPT_LOG_N', 15, 10, 20);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    publicUrl,
    dataDir: resolve(env.AGORA_DATA_DIR ?? './data'),
    databaseUrl: databaseUrl(env.DATABASE_URL),
    demoAllowedOrigins,
    // The demo newsroom is for `npm start` on a fresh clone, never a production database unless asked for.
    seedDemo: flag(env, 'AGORA_SEED_DEMO', env.NODE_ENV !== 'production'),
    maxCommentLength: int(env, 'AGORA_MAX_COMMENT_LENGTH', 5000, 100, 100_000),
    scryptN: 2 ** scryptLog,
    logLevel: env.LOG_LEVEL ?? 'info',
    loginMaxAttempts: int(env, 'AGORA_LOGIN_MAX_ATTEMPTS', 10, 1, 10_000),
    loginWindowMs: int(env, 'AGORA_LOGIN_WINDOW_SECONDS', 300, 1, 86_400) * 1000,
    loginFailuresPerAddress: int(env, 'AGORA_LOGIN_FAILURES_PER_ADDRESS', 20, 1, 1_000_000),
    loginFailureWindowMs: int(env, 'AGORA_LOGIN_FAILURE_WINDOW_SECONDS', 900, 1, 86_400) * 1000,
    passwordHashConcurrency: int(env, 'AGORA_PASSWORD_HASH_CONCURRENCY', defaultHashConcurrency(env), 1, 256),
    passwordHashQueue: int(env, 'AGORA_PASSWORD_HASH_QUEUE', 32, 0, 100_000),
    reauthMs: int(env, 'AGORA_REAUTH_MINUTES', 10, 1, 1440) * 60_000,
    trustProxy: trustProxy(env.AGORA_TRUST_PROXY),
    redisUrl: redisUrl(env.REDIS_URL),
    maxStreams: int(env, 'AGORA_MAX_STREAMS', 20_000, 1, 1_000_000),
    streamsPerClient: int(env, 'AGORA_STREAMS_PER_CLIENT', 8, 1, 1_000_000),
    metricsToken: metricsToken(env.AGORA_METRICS_TOKEN),
    heartbeatMs: int(env, 'AGORA_HEARTBEAT_SECONDS', 20, 1, 3600) * 1000,
    liveCoalesceMs: int(env, 'AGORA_LIVE_COALESCE_MS', 100, 0, 1000),
    writesPerMinute: int(env, 'AGORA_WRITES_PER_MINUTE', 30, 1, 1_000_000),
    smtpUrl: smtpUrl(env.SMTP_URL),
    mailFrom: env.AGORA_MAIL_FROM || `Agora <no-reply@${new URL(publicUrl).hostname}>`,
    runJobs: env.AGORA_RUN_JOBS !== 'false',
    jobPollMs: int(env, 'AGORA_JOB_POLL_MS', 1000, 10, 60_000),
    dispatchPollMs: int(env, 'AGORA_DISPATCH_POLL_MS', 250, 10, 60_000),
    firstPageStaleMs: int(env, 'AGORA_FIRST_PAGE_STALE_MS', 1000, 0, 1000),
    webhookRetryBaseMs: int(env, 'AGORA_WEBHOOK_RETRY_SECONDS', 30, 1, 3600) * 1000,
    webhookAllowPrivate: flag(env, 'AGORA_WEBHOOK_ALLOW_PRIVATE', false),
    oidcInternalIssuers: (env.AGORA_OIDC_INTERNAL_ISSUERS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => origin(s, 'AGORA_OIDC_INTERNAL_ISSUERS')),
    oidcTimeoutMs: int(env, 'AGORA_OIDC_TIMEOUT_MS', 5000, 500, 30_000),
    storyPageCheck: flag(env, 'AGORA_STORY_PAGE_CHECK', true),
    storyCreationsPerHour: int(env, 'AGORA_STORY_CREATIONS_PER_HOUR', 30, 1, 1_000_000),
    digestHourUtc: int(env, 'AGORA_DIGEST_HOUR_UTC', 7, 0, 23),
    deletionGraceMs: int(env, 'AGORA_DELETION_GRACE_DAYS', 7, 0, 365) * 86_400_000,
    privacySweepMs: int(env, 'AGORA_PRIVACY_SWEEP_MINUTES', 60, 0, 1440) * 60_000,
    ...overrides,
  };
}
