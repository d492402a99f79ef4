import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/server/config.js';

/**
 * The deployment files are checked here because images cannot be pulled or built where the tests run: the compose
 * file's structure and the values its nodes would start with, the nginx template it mounts (the same file the nginx
 * end-to-end test runs), the Dockerfile and the systemd unit.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (p: string) => readFileSync(`${ROOT}${p}`, 'utf8');

interface Healthcheck {
  test: string[];
  interval?: string;
}
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
  volumes?: string[];
  ports?: string[];
}
// JSON is YAML: compose reads the file as YAML, the test as JSON, so no YAML library is needed.
const compose = JSON.parse(read('deploy/compose.yaml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const svc = (name: string): Service => {
  const s = compose.services[name];
  assert.ok(s, `service ${name}`);
  return s;
};

/** What compose would hand a container: `${VAR}`, `${VAR:-default}` and `${VAR:?message}` filled from `vars`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?:(:-|:\?)([^}]*))?\}/g, (_m, name: string, op: string | undefined, arg: string | undefined) => {
    if (vars[name] !== undefined && vars[name] !== '') return vars[name];
    if (op === ':?') throw new Error(`${name} is required: ${arg ?? ''}`);
    return op === ':-' ? (arg ?? '') : '';
  });
}
const DOTENV = { POSTGRES_PASSWORD: 'c0ffee', AGORA_SECRET: 'a'.repeat(64) };
const envOf = (name: string, vars: Record<string, string> = DOTENV) =>
  Object.fromEntries(Object.entries(svc(name).environment ?? {}).map(([k, v]) => [k, interpolate(v, vars)]));

describe('deploy/compose.yaml', () => {
  test('PostgreSQL, Redis, two Agora nodes and nginx, each with a healthcheck', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['agora-1', 'agora-2', 'nginx', 'postgres', 'redis']);
    for (const [name, s] of Object.entries(compose.services)) {
      assert.ok(s.healthcheck && s.healthcheck.test.length > 1 && /^CMD/.test(s.healthcheck.test[0] ?? ''), `${name} has a healthcheck`);
    }
    assert.match(svc('agora-1').healthcheck?.test.join(' ') ?? '', /\/readyz/);
    assert.ok(compose.volumes.pgdata !== undefined && svc('postgres').volumes?.some((v) => v.startsWith('pgdata:')), 'PostgreSQL keeps its data in a volume');
  });

  test('both nodes are built from the repository Dockerfile and start with the same settings', () => {
    for (const n of ['agora-1', 'agora-2']) {
      assert.deepEqual(svc(n).build, { context: '..', dockerfile: 'Dockerfile' });
      assert.ok(existsSync(`${ROOT}Dockerfile`));
    }
    // One secret for all nodes (CSRF tokens, signed links made on one node verify on the other), and required.
    assert.match(svc('agora-1').environment?.AGORA_SECRET ?? '', /^\$\{AGORA_SECRET:\?/);
    assert.deepEqual(svc('agora-1').environment, svc('agora-2').environment);
    assert.throws(() => envOf('agora-1', { POSTGRES_PASSWORD: 'x' }), /AGORA_SECRET is required/);
    // Compose reads the whole file first: the database's required password stops `up` before any node starts.
    assert.throws(() => envOf('postgres', { AGORA_SECRET: 'x' }), /POSTGRES_PASSWORD is required/);
  });

  test("the nodes' environment is a valid production configuration on PostgreSQL and Redis", () => {
    const env = envOf('agora-1');
    const config = loadConfig(env as NodeJS.ProcessEnv);
    assert.equal(config.databaseUrl, 'postgres://agora:c0ffee@postgres:5432/agora');
    assert.equal(config.redisUrl, 'redis://redis:6379');
    assert.equal(config.seedDemo, false, 'no demo site in production');
    assert.equal(config.trustProxy, 1, 'one proxy (nginx) in front');
    assert.equal(config.port, 8080);
    assert.equal(env.NODE_ENV, 'production');
    // The database and role the nodes use are the ones PostgreSQL's container creates.
    const pg = envOf('postgres');
    const url = new URL(config.databaseUrl ?? '');
    assert.equal(url.username, pg.POSTGRES_USER);
    assert.equal(url.password, pg.POSTGRES_PASSWORD);
    assert.equal(url.pathname, `/${pg.POSTGRES_DB}`);
    assert.equal(url.hostname, 'postgres');
    assert.equal(new URL(config.redisUrl ?? '').hostname, 'redis');
  });

  test('nodes wait for a healthy database and Redis; nginx for healthy nodes', () => {
    for (const n of ['agora-1', 'agora-2']) {
      assert.deepEqual(svc(n).depends_on, { postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
    assert.deepEqual(svc('nginx').depends_on, { 'agora-1': { condition: 'service_healthy' }, 'agora-2': { condition: 'service_healthy' } });
  });

  test('nginx runs deploy/nginx/agora.conf, filled in with the two nodes and its published port', () => {
    const nginx = svc('nginx');
    // The nginx image turns /etc/nginx/templates/default.conf.template into conf.d/default.conf (replacing the stock
    // server, which would otherwise answer for Host: localhost).
    assert.deepEqual(nginx.volumes, ['./nginx/agora.conf:/etc/nginx/templates/default.conf.template:ro']);
    assert.ok(existsSync(`${ROOT}deploy/nginx/agora.conf`));
    const env = envOf('nginx');
    const port = envOf('agora-1').PORT;
    assert.deepEqual([env.AGORA_NODE_1, env.AGORA_NODE_2], [`agora-1:${port}`, `agora-2:${port}`]);
    assert.match(interpolate(nginx.ports?.[0] ?? '', {}), new RegExp(`^\\d+:${env.AGORA_LISTEN}$`));
  });
});

describe('deploy/nginx/agora.conf', () => {
  const template = read('deploy/nginx/agora.conf');
  const conf = template.replace(/^\s*#.*$/gm, '');
  const placeholders = [...new Set([...conf.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]))].sort();

  test('its only placeholders are the ones compose fills in', () => {
    assert.deepEqual(placeholders, Object.keys(envOf('nginx')).sort());
  });

  test('two upstream nodes, kept-alive connections, the forwarded headers Agora trusts', () => {
    assert.match(conf, /upstream agora \{[^}]*server \$\{AGORA_NODE_1\}[^}]*server \$\{AGORA_NODE_2\}[^}]*keepalive \d+;/);
    for (const h of ['X-Forwarded-For $proxy_add_x_forwarded_for', 'X-Forwarded-Proto $scheme', 'X-Forwarded-Host $host', 'Host $host']) {
      assert.ok(conf.includes(`proxy_set_header ${h};`), h);
    }
    assert.match(conf, /proxy_set_header Connection "";/);
    assert.match(conf, /proxy_http_version 1\.1;/);
  });

  test('live streams are unbuffered, uncompressed, with a read timeout far above the heartbeat', () => {
    const m = /location ~ (\S+) \{([^}]*)\}/.exec(conf);
    assert.ok(m, 'a location for live streams');
    const [, pattern, body] = m as unknown as [string, string, string];
    // The location must match the route the server serves (src/server/http/realtime-routes.ts).
    const route = readFileSync(`${ROOT}src/server/http/realtime-routes.ts`, 'utf8').match(/'(\/api\/v1\/stories\/:storyId\/events)'/)?.[1];
    assert.ok(route);
    assert.ok(new RegExp(pattern).test(route.replace(':storyId', 'WTyFj5-FeGSYSbKM')), `${pattern} matches ${route}`);
    assert.match(body, /proxy_buffering off;/);
    assert.match(body, /gzip off;/);
    const timeout = /proxy_read_timeout (\d+)(s|m|h);/.exec(body);
    assert.ok(timeout);
    const seconds = Number(timeout[1]) * { s: 1, m: 60, h: 3600 }[timeout[2] as 's' | 'm' | 'h'];
    assert.ok(seconds >= 10 * loadConfig({} as NodeJS.ProcessEnv).heartbeatMs / 1000, `${seconds} s`);
  });

  test('JSON is gzipped, event streams are not; /metrics stays private', () => {
    const types = /gzip_types ([^;]+);/.exec(conf)?.[1]?.split(/\s+/) ?? [];
    assert.ok(types.includes('application/json'));
    assert.ok(!types.includes('text/event-stream'));
    assert.match(conf, /gzip on;/);
    assert.match(conf, /location = \/metrics \{\s*return 404;\s*\}/);
  });
});

describe('Dockerfile', () => {
  const file = read('Dockerfile');
  const stages = [...file.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => ({ image: m[1], name: m[2] }));
  const runtime = file.slice(file.lastIndexOf('\nFROM '));

  test('multi-stage on one base image (the native addon is compiled for the Node it runs on)', () => {
    assert.ok(stages.length >= 3, 'a dependency stage, a build stage and the runtime stage');
    assert.ok(stages.every((s) => s.image === '${NODE_IMAGE}' || stages.some((t) => t.name === s.image)), JSON.stringify(stages));
    assert.match(file, /^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    assert.match(file, /npm ci --omit=dev/);
    assert.match(file, /RUN npm run build/);
  });

  test('the runtime stage: production dependencies and the build, a non-root user, a healthcheck on /readyz', () => {
    assert.match(runtime, /COPY --from=prod-deps \/app\/node_modules/);
    assert.match(runtime, /COPY --from=build \/app\/dist/);
    assert.match(runtime, /COPY models /);
    assert.match(runtime, /NODE_ENV=production/);
    assert.match(runtime, /^USER node$/m);
    assert.match(runtime, /^HEALTHCHECK .*\\\n\s+CMD .*\/readyz/m);
    assert.match(runtime, /^CMD \["node", "dist\/server\/main\.js"\]$/m);
    assert.doesNotMatch(runtime, /npm (run )?build|COPY src/);
  });
});

describe('deploy/systemd/agora.service', () => {
  const unit = read('deploy/systemd/agora.service');
  const service = Object.fromEntries(
    (unit.split('[Service]')[1] ?? '')
      .split('\n[')[0]!
      .split('\n')
      .filter((l) => /^\w+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

  test('runs the build as its own user, restarts on failure, stops gracefully, and is confined', () => {
    assert.match(service.ExecStart ?? '', /node dist\/server\/main\.js$/);
    for (const k of ['User', 'WorkingDirectory', 'EnvironmentFile', 'TimeoutStopSec']) assert.ok(service[k], k);
    assert.equal(service.Restart, 'on-failure');
    assert.equal(service.KillSignal, 'SIGTERM');
    // A bad setting exits 2 (src/server/main.ts): restarting would only loop.
    assert.equal(service.RestartPreventExitStatus, '2');
    assert.match(service.Environment ?? '', /NODE_ENV=production/);
    for (const [k, v] of Object.entries({ NoNewPrivileges: 'true', ProtectSystem: 'strict', ProtectHome: 'true', PrivateTmp: 'true' })) assert.equal(service[k], v, k);
  });
});
