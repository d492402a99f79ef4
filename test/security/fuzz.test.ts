import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { assertErrorEnvelope, securityWorld, type World } from './helpers.js';

// Property-based fuzzing of every JSON route, generated from the OpenAPI document the server serves: each request
// mixes values the schema allows (to get past validation into the use cases) with hostile ones: wrong types, huge
// and non-finite numbers, deep nesting, prototype keys, odd Unicode (RTL overrides, lone surrogates, NUL, 10,000
// combining marks), broken percent-encoding. Whatever comes in, the answer is never a 5xx, and a 4xx always carries
// the error envelope. Fixed seeds and bounded runs keep it reproducible and within the suite's time budget; a
// failure prints the seed and the shrunk request.

interface Schema {
  type?: string;
  $ref?: string;
  anyOf?: Schema[];
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
}
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema: Schema }> };
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const RUNS = Number(process.env.AGORA_FUZZ_RUNS ?? 20);
const SEED = Number(process.env.AGORA_FUZZ_SEED ?? 20_270_111);

let w: World;
let doc: OpenApiDoc;
const ids: Record<string, string[]> = {};

before(async () => {
  w = await securityWorld();
  doc = (await w.inject({ method: 'GET', url: '/api/openapi.json' })).json<OpenApiDoc>();
  const comment = await w.comment();
  const hook = await w.inject({ method: 'POST', url: `/api/v1/admin/sites/${w.siteA.id}/webhooks`, headers: w.actors.admin.bearer, payload: { url: 'https://hooks.example.com/fuzz' } });
  // Real ids for path parameters, so some requests reach the use cases; the others are made up.
  Object.assign(ids, {
    storyId: [w.storyA, w.storyB],
    id: [comment],
    siteId: [w.siteA.id, w.siteB.id],
    userId: [w.actors.commenter.id, w.actors.other.id],
    webhookId: [hook.json<{ webhook: { id: string } }>().webhook.id],
  });
});
after(async () => w?.close());

// ---- Hostile material ----------------------------------------------------------------------------------------

const COMBINING = `a${'\u0301'.repeat(10_000)}`;
const ODD_TEXT = [
  '\u202E', '\u202Etxt.exe', '\u2066x\u2069', '\u200F\u200E', '\uD800', '\uDFFF', 'a\uDC00b', '\uDBFF\uD800', '\u0000', 'nul\u0000byte',
  '\uFEFF', '\u200B\u200C\u200D\u2060', '\u0007\u001B[2J\u007F', '\u0085\u2028\u2029', '\uFFFE\uFFFF', 'e\u0301\u0327', '\u{1F469}\u200D\u{1F4BB}',
  '\u3164', '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' OR 1=1 --", '../../etc/passwd', '__proto__', 'constructor',
  '%00', '\\u0000', 'Infinity', 'NaN', '1e309', '', ' ', COMBINING,
];
const ODD_UNITS = ['\u202E', '\u0000', '\uD800', '\uDC00', '\u0301', '\u200B', 'a', 'é', ' ', '<', '"', '\\', '\n', '\u0008'];
const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ODD_TEXT),
  fc.string({ unit: fc.constantFrom(...ODD_UNITS), maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
// Raw JSON number tokens: JSON.parse("1e309") is Infinity, which JSON.stringify can never produce.
const hostileNumber = fc.constantFrom('1e309', '-1e309', '1e308', '-0', '1e-400', '0.5', '-1', '9007199254740993', '123456789012345678901234567890', '2147483648', '-2147483649');
const wrongType = fc.constantFrom('null', 'true', 'false', '[]', '{}', '""', '"1"', '0', '[[[[[[]]]]]]', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}');
const deep = fc.tuple(fc.constantFrom(64, 1_000, 20_000, 60_000), fc.boolean()).map(([d, array]) => (array ? `${'['.repeat(d)}${']'.repeat(d)}` : `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`));
const brokenJson = fc.constantFrom('', '{', '{"body": "x"', '{"a":1}garbage', '\u0000', '{"a":NaN}', '{"a":Infinity}', "{'a':1}", '[1,]', '{"a":1,"a":2}');

/** Lone surrogates cannot be percent-encoded; they become U+FFFD (raw surrogate bytes are sent separately). */
const wellFormed = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
const enc = (s: string) => encodeURIComponent(wellFormed(s));
const RAW_URL_TEXT = ['Infinity', '-Infinity', '1e309', '-1e309', 'NaN', '-0', '0x1F', '1_000', '1e3', '%00', '%ED%A0%80', '%E2%80%AE', '%C0%AF', '%', '%zz', '%2F..%2F', '9'.repeat(400), 'x'.repeat(3000)];

// ---- Values from the schema ----------------------------------------------------------------------------------

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').pop() ?? '';
  const found = doc.components?.schemas?.[name];
  assert.ok(found, `unresolved ${schema.$ref}`);
  return resolve(found);
}

/** JSON text of a value the schema allows (mostly: lengths are not always respected, on purpose). */
function valid(s0: Schema, depth = 0): fc.Arbitrary<string> {
  const s = resolve(s0);
  const arbs: fc.Arbitrary<string>[] = [];
  if (s.nullable) arbs.push(fc.constant('null'));
  if (s.anyOf) arbs.push(fc.oneof(...s.anyOf.map((b) => valid(b, depth + 1))));
  else if (s.enum) arbs.push(fc.constantFrom(...s.enum.map((v) => JSON.stringify(v))));
  else if (s.type === 'string') arbs.push(fc.oneof(fc.string({ maxLength: Math.min(s.maxLength ?? 40, 40) }), oddString).map((v) => JSON.stringify(v)));
  else if (s.type === 'integer' || s.type === 'number') arbs.push(fc.integer({ min: s.minimum ?? -1_000_000, max: Math.min(s.maximum ?? 1_000_000, 1_000_000) }).map(String));
  else if (s.type === 'boolean') arbs.push(fc.boolean().map(String));
  else if (s.type === 'array') arbs.push(fc.array(depth > 6 ? fc.constant('null') : field(s.items ?? {}, depth + 1), { maxLength: Math.min(s.maxItems ?? 3, 3) }).map((a) => `[${a.join(',')}]`));
  else if (s.type === 'object' || s.properties) arbs.push(object(s, depth + 1));
  else arbs.push(wrongType);
  return arbs.length === 1 ? (arbs[0] as fc.Arbitrary<string>) : fc.oneof(...arbs);
}

/** JSON text of one field: usually a value the schema allows, often something hostile. */
function field(s: Schema, depth: number): fc.Arbitrary<string> {
  if (depth > 6) return fc.constant('null');
  return fc.oneof(
    { weight: 5, arbitrary: valid(s, depth) },
    { weight: 1, arbitrary: hostileNumber },
    { weight: 1, arbitrary: wrongType },
    { weight: 1, arbitrary: oddString.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: deep },
  );
}

/** JSON text of an object: required properties nearly always, optional ones sometimes, now and then a stray key. */
function object(s0: Schema, depth: number): fc.Arbitrary<string> {
  const s = resolve(s0);
  const props = Object.entries(s.properties ?? {});
  const required = new Set(s.required ?? []);
  const entries = props.map(([name, p]) =>
    fc.option(field(p, depth).map((v) => `${JSON.stringify(name)}:${v}`), { nil: undefined, freq: required.has(name) ? 12 : 2 }),
  );
  const stray = fc.option(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', '\u202E'), field({}, depth)).map(([k, v]) => `${JSON.stringify(k)}:${v}`), { nil: undefined, freq: 4 });
  return fc.tuple(fc.tuple(...entries), stray).map(([es, extra]) => `{${[...es, extra].filter((e): e is string => e !== undefined).join(',')}}`);
}

/** The raw text of a JSON body. */
function body(s: Schema | undefined): fc.Arbitrary<string | undefined> {
  const hostile = fc.oneof(wrongType, deep, hostileNumber, brokenJson, oddString.map((v) => JSON.stringify(v)));
  if (!s) return fc.option(hostile, { nil: undefined, freq: 2 });
  return fc.oneof({ weight: 6, arbitrary: object(s, 0) }, { weight: 2, arbitrary: hostile }, { weight: 1, arbitrary: valid(s) });
}

/** The percent-encoded text of one query or path value. */
function urlValue(name: string, s0: Schema, realIds: string[]): fc.Arbitrary<string> {
  const s = resolve(s0);
  const arbs: { weight: number; arbitrary: fc.Arbitrary<string> }[] = [
    { weight: 2, arbitrary: fc.constantFrom(...RAW_URL_TEXT) },
    { weight: 2, arbitrary: oddString.map(enc) },
  ];
  if (realIds.length) arbs.push({ weight: 4, arbitrary: fc.constantFrom(...realIds).map(enc) });
  const plain = s.type === 'array' ? resolve(s.items ?? {}) : s;
  if (plain.anyOf || plain.enum || plain.type === 'integer' || plain.type === 'boolean') arbs.push({ weight: 4, arbitrary: valid(plain).map((t) => enc(String(JSON.parse(t)))) });
  else arbs.push({ weight: 3, arbitrary: fc.string({ maxLength: 20 }).map(enc) });
  if (name === 'url') arbs.push({ weight: 3, arbitrary: fc.constantFrom(`${w.siteA.origin}/2027/01/a-story`, 'javascript:alert(1)', 'http://[::1]/', 'https://news-a.example:99999/', 'file:///etc/passwd').map(enc) });
  return fc.oneof(...arbs);
}

const ACCEPT_LANGUAGE = fc.constantFrom('fr', 'en', 'fr-CA,fr;q=0.9', 'de;q=1e309', '*', ';;;', 'x'.repeat(2000));

interface FuzzRequest {
  url: string;
  body: string | undefined;
  contentType: string;
  lang: string;
  signedIn: boolean;
}

/** Every request a fuzzed operation may send. */
function requests(path: string, op: Operation, streams: boolean, staffStream = false): fc.Arbitrary<FuzzRequest> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const query = params.filter((p) => p.in === 'query');
  // A real story on the live-updates route would open a stream that never ends: there, ids are made up.
  const real = (name: string) => (streams ? [] : (ids[name] ?? []));
  const pathArb = fc.tuple(...pathParams.map((p) => urlValue(p.name, p.schema, real(p.name)))).map((vals) => pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, vals[i] ?? ''), path));
  const queryArb = fc
    .tuple(...query.map((p) => fc.option(fc.array(urlValue(p.name, p.schema, ids[p.name] ?? []), { minLength: 1, maxLength: resolve(p.schema).type === 'array' ? 3 : 2 }), { nil: undefined, freq: 2 })))
    .map((vals) => vals.flatMap((vs, i) => (vs ?? []).map((v) => `${encodeURIComponent(query[i]?.name ?? '')}=${v}`)).join('&'));
  const schema = op.requestBody?.content?.['application/json']?.schema;
  return fc.record({
    url: fc.tuple(pathArb, queryArb).map(([p, q]) => (q ? `${p}?${q}` : p)),
    body: body(schema),
    contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded'),
    lang: ACCEPT_LANGUAGE,
    // The staff stream (queue counts) has no id to make up: signed in, any request would open a stream that never
    // ends; its signed-in answers are tested in test/http/moderation-live.test.ts.
    signedIn: staffStream ? fc.constant(false) : fc.boolean(),
  });
}

/** Never a 5xx; a 4xx is always `{ error: { code, message } }`. */
function check(res: LightMyRequestResponse, what: string): void {
  assert.ok(res.statusCode < 500, `${what} → ${res.statusCode} ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400) assertErrorEnvelope(res, what);
}

describe('fuzzing every JSON route from its OpenAPI schema', () => {
  test('the document lists the API (guards against fuzzing nothing)', () => {
    const ops = Object.values(doc.paths).flatMap((o) => Object.keys(o));
    assert.ok(ops.length >= 60, `only ${ops.length} operations in the document`);
  });

  // The operations come from the document the server serves (read in before()), so they are subtests of one test.
  test('every operation: never a 5xx, always the error envelope', async (t) => {
    let n = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        n++;
        const streams = path.endsWith('/events');
        await t.test(`${method.toUpperCase()} ${path}`, async () => {
          // Operations that sign out or delete the account get an admin of their own, so they spoil no other.
          const admin = /logout|deletion/.test(path) ? await w.fresh('admin') : w.actors.admin;
          await fc.assert(
            fc.asyncProperty(requests(path, op, streams, path.endsWith('/moderation/live')), async (r) => {
              const headers: Record<string, string> = { 'accept-language': r.lang, ...(r.signedIn ? admin.bearer : {}) };
              if (r.body !== undefined) headers['content-type'] = r.contentType;
              const res = await w.inject({ method: method.toUpperCase() as 'GET', url: r.url, headers, ...(r.body !== undefined ? { payload: r.body } : {}) });
              check(res, `${method.toUpperCase()} ${r.url.slice(0, 200)} ${(r.body ?? '').slice(0, 200)}`);
            }),
            { seed: SEED + n, numRuns: RUNS },
          );
        });
      }
    }
  });
});
