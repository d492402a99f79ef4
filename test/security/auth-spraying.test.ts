// Issue 11, finding 1: password spraying. The login limiter was keyed on IP + email, so one client could try one
// password against unlimited accounts, each attempt costing a full scrypt (16 parallel attempts took a reader's
// sign-in from ~150 ms to 2.6–5.7 s). Failed sign-ins are now capped per address across emails, and password
// hashing runs through a bounded semaphore whose queue, once full, answers 503 AUTH_BUSY at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { boundedGate } from '../../src/server/users/semaphore.js';
import { buildTestApp } from '../fixtures/server.js';

const PASSWORD = 'correct horse battery';
const code = (res: { json<T>(): T }) => res.json<{ error?: { code: string } }>().error?.code;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('the hashing semaphore (unit)', () => {
  test('never runs more than `concurrency` at once, serves waiters in order, refuses beyond the queue', async () => {
    const gate = boundedGate({ concurrency: 2, queue: 3, full: () => new Error('full') });
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases = Array.from({ length: 5 }, () => deferred());
    const runs = releases.map((d, i) =>
      gate.run(async () => {
        running++;
        most = Math.max(most, running);
        started.push(i);
        await d.promise;
        running--;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(gate.stats(), { active: 2, queued: 3, peak: 2 });
    await assert.rejects(gate.run(async () => 'sixth'), /full/, 'the queue is bounded');
    for (const d of releases) {
      d.resolve();
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3, 4]);
    assert.equal(most, 2);
    assert.deepEqual(started, [0, 1, 2, 3, 4], 'first come, first served');
    assert.deepEqual(gate.stats(), { active: 0, queued: 0, peak: 2 });
  });

  test('a failing task frees its slot', async () => {
    const gate = boundedGate({ concurrency: 1, queue: 0, full: () => new Error('full') });
    await assert.rejects(gate.run(async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await gate.run(async () => 'next'), 'next');
    assert.equal(gate.stats().active, 0);
  });
});

describe('failed sign-ins per address, across emails', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let n = 0;
  const CEILING = 5;
  before(async () => {
    ({ app, close } = await buildTestApp({ loginFailuresPerAddress: CEILING }));
  });
  after(async () => close());

  const signUp = async () => {
    const email = `spray-${++n}@example.com`;
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: `10.120.0.${n}`, payload: { email, password: PASSWORD, displayName: 'Sprayed' } });
    assert.equal(res.statusCode, 201, res.body);
    return email;
  };
  const login = (email: string, password: string, ip: string) => app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload: { email, password } });

  test('one password tried on many accounts from one address: 429 TOO_MANY_FAILED_LOGINS after the ceiling, even for a right password', async () => {
    const victims = await Promise.all(Array.from({ length: CEILING + 2 }, () => signUp()));
    const ip = '10.121.0.1';
    for (const email of victims.slice(0, CEILING)) assert.equal((await login(email, 'Summer2026!', ip)).statusCode, 401, email);
    const blocked = await login(victims[CEILING] as string, 'Summer2026!', ip);
    assert.equal(blocked.statusCode, 429);
    assert.equal(code(blocked), 'TOO_MANY_FAILED_LOGINS');
    const retry = Number(blocked.headers['retry-after']);
    assert.ok(retry > 0 && retry <= 900, `retry-after ${String(blocked.headers['retry-after'])}`);
    // No password is checked any more from there, not even a right one.
    assert.equal((await login(victims[CEILING + 1] as string, PASSWORD, ip)).statusCode, 429);
    // Another address is not affected.
    assert.equal((await login(victims[CEILING + 1] as string, PASSWORD, '10.121.0.2')).statusCode, 200);
  });

  test('unknown emails count as failures too', async () => {
    const ip = '10.121.0.3';
    for (let i = 0; i < CEILING; i++) assert.equal((await login(`ghost-${i}@example.com`, 'whatever it is', ip)).statusCode, 401);
    assert.equal(code(await login(await signUp(), PASSWORD, ip)), 'TOO_MANY_FAILED_LOGINS');
  });

  test('successful sign-ins count nothing: an office behind one address keeps signing in', async () => {
    const ip = '10.121.0.4';
    const emails = await Promise.all(Array.from({ length: CEILING * 2 }, () => signUp()));
    for (const email of emails) assert.equal((await login(email, PASSWORD, ip)).statusCode, 200);
  });

  test('an IPv6 client counts by its /64, so rotating addresses in it does not reset the count', async () => {
    for (let i = 1; i <= CEILING; i++) assert.equal((await login(`v6-${i}@example.com`, 'wrong one', `2001:db8:1:2::${i}`)).statusCode, 401);
    assert.equal(code(await login('v6-x@example.com', 'wrong one', '2001:db8:1:2::ffff')), 'TOO_MANY_FAILED_LOGINS');
  });
});

describe('bounded password hashing over HTTP', () => {
  test('parallel sign-ins never hash more than AGORA_PASSWORD_HASH_CONCURRENCY at once', async () => {
    const { app, deps, close } = await buildTestApp({ passwordHashConcurrency: 2, passwordHashQueue: 100 });
    try {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: '10.122.0.1', payload: { email: 'gate@example.com', password: PASSWORD, displayName: 'Gate' } });
      assert.equal(res.statusCode, 201);
      const attempts = await Promise.all(
        Array.from({ length: 16 }, (_, i) => app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: `10.122.1.${i}`, payload: { email: 'gate@example.com', password: i % 2 ? PASSWORD : 'not the password' } })),
      );
      assert.deepEqual(attempts.map((r) => r.statusCode).sort(), [...Array<number>(8).fill(200), ...Array<number>(8).fill(401)]);
      assert.equal(deps.accountDeps.hashing.stats().peak, 2, 'two at once, never more (and the gate is really used)');
    } finally {
      await close();
    }
  });

  test('beyond the queue, sign-ins are refused at once with 503 AUTH_BUSY and Retry-After, and the server keeps answering', async () => {
    const { app, deps, close } = await buildTestApp({ passwordHashConcurrency: 1, passwordHashQueue: 2 });
    try {
      const attempts = await Promise.all(
        Array.from({ length: 12 }, (_, i) => app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: `10.123.0.${i}`, payload: { email: `busy-${i}@example.com`, password: 'not the password' } })),
      );
      const busy = attempts.filter((r) => r.statusCode === 503);
      assert.ok(busy.length >= 1, `some refused: ${attempts.map((r) => r.statusCode).join(',')}`);
      assert.ok(busy.every((r) => code(r) === 'AUTH_BUSY' && Number(r.headers['retry-after']) > 0));
      assert.ok(attempts.every((r) => r.statusCode === 401 || r.statusCode === 503));
      assert.equal(deps.accountDeps.hashing.stats().peak, 1);
      assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    } finally {
      await close();
    }
  });
});
