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
  /** Seed the demo site and articles into a new database. */
  seedDemo: boolean;
  maxCommentLength: number;
  /** scrypt cost parameter (power of two); lowered only in tests to keep them quick. */
  scryptN: number;
  logLevel: string;
  /** Login attempts allowed per IP and email within `loginWindowMs`. */
  loginMaxAttempts: number;
  loginWindowMs: number;
  trustProxy: boolean;
  /** redis://… to share live updates and rate limits between nodes; null on a single node. */
  redisUrl: string | null;
  /** Live event streams this node holds at most; beyond, new ones get 503 (load shedding). */
  maxStreams: number;
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
    seedDemo: env.AGORA_SEED_DEMO !== 'false',
    maxCommentLength: int(env, 'AGORA_MAX_COMMENT_LENGTH', 5000, 100, 100_000),
    scryptN: 2 ** scryptLog,
    logLevel: env.LOG_LEVEL ?? 'info',
    loginMaxAttempts: int(env, 'AGORA_LOGIN_MAX_ATTEMPTS', 10, 1, 10_000),
    loginWindowMs: int(env, 'AGORA_LOGIN_WINDOW_SECONDS', 300, 1, 86_400) * 1000,
    trustProxy: env.AGORA_TRUST_PROXY === 'true',
    redisUrl: redisUrl(env.REDIS_URL),
    maxStreams: int(env, 'AGORA_MAX_STREAMS', 20_000, 1, 1_000_000),
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
    digestHourUtc: int(env, 'AGORA_DIGEST_HOUR_UTC', 7, 0, 23),
    deletionGraceMs: int(env, 'AGORA_DELETION_GRACE_DAYS', 7, 0, 365) * 86_400_000,
    privacySweepMs: int(env, 'AGORA_PRIVACY_SWEEP_MINUTES', 60, 0, 1440) * 60_000,
    ...overrides,
  };
}
