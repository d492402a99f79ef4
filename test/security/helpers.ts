import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { solve } from '../../src/server/guests/pow.js';
import { newId, nowIso } from '../../src/server/storage/ids.js';
import { buildTestApp, ensureWebBuilt } from '../fixtures/server.js';
import { makeSite, publishEverything } from '../fixtures/publisher.js';

/** Who calls, in the authorisation matrix: every role the issue names. */
export const ROLES = ['anonymous', 'commenter', 'other', 'modHere', 'modElsewhere', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type Member = Exclude<Role, 'anonymous'>;

/** A signed-up account with both ways of calling: a bearer token (the embed) and a first-party cookie session. */
export interface Actor {
  role: Member;
  id: string;
  email: string;
  password: string;
  bearer: { authorization: string };
  /** Cookie session headers, with the CSRF token a first-party page sends on writes. */
  cookie: { cookie: string; 'x-csrf-token': string };
  csrf: string;
}

export interface Site {
  id: string;
  origin: string;
}

/** Two sites, a story on each, an actor of each role, and builders for what a request needs. */
export interface World {
  app: FastifyInstance;
  deps: Deps;
  close(): Promise<void>;
  publicUrl: string;
  siteA: Site;
  siteB: Site;
  storyA: string;
  storyB: string;
  actors: Record<Member, Actor>;
  /** A new account of the role, for requests that use an account up (sign out, deletion). */
  fresh(role: Member): Promise<Actor>;
  /** A new published comment on story A (or `storyId`), by the commenter unless said otherwise. */
  comment(by?: Actor, storyId?: string): Promise<string>;
  /** A solved guest challenge for a story. */
  challenge(storyId: string): Promise<{ challenge: string; nonce: string }>;
  /** inject() from a fresh public address each time, so per-address limits never blur what a test asserts. */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

let address = 0;
/** A public (non-loopback, non-private) client address, different on every call: 198.18.0.0/15 test addresses. */
export function nextAddress(): string {
  address++;
  return `198.${18 + ((address >> 16) & 1)}.${(address >> 8) & 255}.${address & 255}`;
}

/** The value of the session cookie a response set. */
function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((k) => k.name === 'agora_session');
  assert.ok(c, `no session cookie: ${res.body}`);
  return `agora_session=${c.value}`;
}

let accounts = 0;

/**
 * The fixtures of the security suite: an in-process app (built widget, generous write limits, every comment
 * published), sites A and B, one story on each, and an actor per role: a commenter and another commenter, a
 * moderator of site A, a moderator of site B, and an admin.
 */
export async function securityWorld(): Promise<World> {
  await ensureWebBuilt();
  const { app, deps, close } = await buildTestApp({ writesPerMinute: 100_000 });
  // What the matrix and the fuzzer assert is access and validation, not what the filters think of short test texts.
  publishEverything(deps);
  // No DNS from tests: webhook deliveries to the example hosts fail fast instead of asking the network.
  deps.publisher.webhookDeps.egress.resolve = async (hostname: string) => {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  };
  const publicUrl = new URL(deps.config.publicUrl).origin;
  const inject = (opts: InjectOptions) => app.inject({ remoteAddress: nextAddress(), ...opts });

  const siteA = { id: 'sec-a', origin: 'https://news-a.example' };
  const siteB = { id: 'sec-b', origin: 'https://news-b.example' };
  for (const s of [siteA, siteB]) await makeSite(deps, s.id, [s.origin], { settings: { guests: { enabled: true, holdForReview: false, powDifficulty: 8 } } });

  const story = async (site: Site, path: string) => {
    const id = newId();
    await deps.stories.insertIfAbsent(deps.db, { id, siteId: site.id, url: `${site.origin}${path}`, title: `Story ${path}`, lang: 'en', closed: false, commentCount: 0, createdAt: nowIso() });
    return id;
  };
  const storyA = await story(siteA, '/2027/01/a-story');
  const storyB = await story(siteB, '/2027/01/b-story');

  async function account(role: Member): Promise<Actor> {
    accounts++;
    const email = `sec-${role}-${accounts}-${process.pid}@example.com`;
    const password = `Vermilion-otter-${accounts}-quietly-grazes!`;
    // Without an Origin (a script, the way the console's API is scripted): the bearer token covers the account.
    const res = await inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email, password, displayName: `${role} ${accounts}` } });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json<{ user: { id: string }; token: string }>();
    // From Agora's own origin: a session cookie and its CSRF token, as the first-party pages get them.
    const page = await inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: publicUrl }, payload: { email, password } });
    assert.equal(page.statusCode, 200, page.body);
    const csrf = page.json<{ csrfToken?: string }>().csrfToken;
    assert.ok(csrf, 'a first-party sign-in hands out a CSRF token');
    const id = body.user.id;
    if (role === 'admin') await deps.db.updateTable('users').set({ role: 'admin' }).where('id', '=', id).execute();
    if (role === 'modHere') await deps.moderation.staff.addModerator(deps.db, siteA.id, id);
    if (role === 'modElsewhere') await deps.moderation.staff.addModerator(deps.db, siteB.id, id);
    return { role, id, email, password, bearer: { authorization: `Bearer ${body.token}` }, cookie: { cookie: sessionCookie(page), 'x-csrf-token': csrf }, csrf };
  }

  const actors = {} as Record<Member, Actor>;
  for (const role of ['commenter', 'other', 'modHere', 'modElsewhere', 'admin'] as const) actors[role] = await account(role);

  return {
    app,
    deps,
    close,
    publicUrl,
    siteA,
    siteB,
    storyA,
    storyB,
    actors,
    fresh: account,
    inject,
    async comment(by = actors.commenter, storyId = storyA) {
      const res = await inject({ method: 'POST', url: `/api/v1/stories/${storyId}/comments`, headers: by.bearer, payload: { body: `A comment ${newId()}` } });
      assert.equal(res.statusCode, 201, res.body);
      return res.json<{ comment: { id: string } }>().comment.id;
    },
    async challenge(storyId) {
      const res = await inject({ method: 'GET', url: `/api/v1/stories/${storyId}/guest-challenge` });
      assert.equal(res.statusCode, 200, res.body);
      const c = res.json<{ challenge: string; difficulty: number }>();
      return { challenge: c.challenge, nonce: solve(c.challenge, c.difficulty) };
    },
  };
}

/**
 * Every route of the app as "METHOD /path", read from Fastify's route tree (printRoutes) so that a route added
 * anywhere shows up; HEAD routes (made from GETs) are left out. Each path is confirmed with hasRoute, so a change in
 * the tree's printed form fails loudly instead of silently dropping routes.
 */
export function listRoutes(app: FastifyInstance): string[] {
  const lines = app.printRoutes({ commonPrefix: false }).split('\n').filter(Boolean);
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of lines) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    assert.ok(m, `unexpected line in the route tree: ${JSON.stringify(line)}`);
    const depth = (m[1] ?? '').length / 4;
    const parent = depth === 0 ? '' : (stack[depth - 1] ?? '');
    const segment = m[2] ?? '';
    const methods = (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD');
    // The printer drops the prefix of a wildcard ("/admin/*" shows as "*" under "/admin", "/*" as "*"): try both.
    const candidates = segment === '*' ? [`${parent}/*`, `${parent}*`] : [parent + segment];
    const path = candidates.find((p) => methods.every((method) => app.hasRoute({ method: method as 'GET', url: p }))) ?? candidates[0] ?? segment;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of methods) {
      assert.ok(app.hasRoute({ method: method as 'GET', url: path }), `${method} ${path} read from the route tree is not a route`);
      out.push(`${method} ${path}`);
    }
  }
  return out;
}

/** The error envelope every 4xx must have: `{ error: { code, message } }` with a stable upper-case code. */
export function assertErrorEnvelope(res: LightMyRequestResponse, what: string): void {
  assert.match(String(res.headers['content-type']), /^application\/json/, `${what}: ${res.statusCode} is not JSON: ${res.body.slice(0, 200)}`);
  const body = res.json<{ error?: { code?: unknown; message?: unknown } }>();
  assert.equal(typeof body.error?.code, 'string', `${what}: no error.code in ${res.body.slice(0, 200)}`);
  assert.match(String(body.error?.code), /^[A-Z][A-Z0-9_]+$/, `${what}: odd error code`);
  assert.equal(typeof body.error?.message, 'string', `${what}: no error.message`);
  assert.ok(String(body.error?.message).length > 0, `${what}: empty error.message`);
}
