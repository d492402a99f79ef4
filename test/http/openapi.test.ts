import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../fixtures/server.js';

interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
}
interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

// The contract is the source of truth: every `| METHOD /api/v1/… |` row of its tables must be in the document,
// with the success status the contract promises.
const CONTRACT = readFileSync(fileURLToPath(new URL('../../docs/api-contract.md', import.meta.url)), 'utf8');
// Cells may hold `|` inside code (`newest|oldest`), so the status is the first cell that starts with three digits.
const routes = [...CONTRACT.matchAll(/^\|\s*(GET|POST|PATCH|PUT|DELETE)\s+(\/api\/v1\/\S+)\s*\|.*?\|\s*(\d{3})\b/gm)].map((m) => ({
  method: (m[1] ?? '').toLowerCase(),
  // OpenAPI spells path parameters {storyId}, the contract :storyId.
  path: (m[2] ?? '').replace(/:([A-Za-z]+)/g, '{$1}'),
  status: m[3] ?? '',
}));

let app: FastifyInstance;
let close: () => Promise<void>;
let doc: OpenApiDoc;

before(async () => {
  ({ app, close } = await buildTestApp());
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  doc = res.json<OpenApiDoc>();
});
after(async () => close());

describe('/api/openapi.json', () => {
  test('is an OpenAPI 3 document with a title and version', () => {
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    assert.ok(doc.info.title);
    assert.ok(doc.info.version);
  });

  test('the contract lists the routes this test expects to find (guards against a parsing slip)', () => {
    assert.ok(routes.length >= 13, `parsed only ${routes.length} routes from the contract`);
    assert.ok(routes.some((r) => r.method === 'get' && r.path === '/api/v1/stories/{storyId}/comments'));
  });

  for (const r of routes) {
    test(`documents ${r.method.toUpperCase()} ${r.path} with its ${r.status} response`, () => {
      const op = doc.paths[r.path]?.[r.method];
      assert.ok(op, `missing ${r.method.toUpperCase()} ${r.path}; documented: ${Object.keys(doc.paths).join(', ')}`);
      assert.ok(op.summary, 'has a summary');
      assert.ok(op.responses?.[r.status], `no ${r.status} response; has ${Object.keys(op.responses ?? {}).join(', ')}`);
      for (const name of [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
        assert.ok(
          op.parameters?.some((p) => p.in === 'path' && p.name === name && p.required === true),
          `path parameter ${name} is documented`,
        );
      }
    });
  }

  test('requests that take a JSON body document it', () => {
    for (const [path, method] of [
      ['/api/v1/auth/signup', 'post'],
      ['/api/v1/auth/login', 'post'],
      ['/api/v1/stories/{storyId}/comments', 'post'],
      ['/api/v1/comments/{id}', 'patch'],
      ['/api/v1/comments/{id}/reports', 'post'],
    ] as const) {
      const body = JSON.stringify(doc.paths[path]?.[method]?.requestBody ?? {});
      assert.match(body, /application\/json/, `${method} ${path}`);
    }
  });

  test('the shared shapes (User, Story, Comment, Error) and both ways of signing in are documented', () => {
    const text = JSON.stringify(doc);
    for (const name of ['User', 'Story', 'Comment', 'Error']) assert.ok(doc.components?.schemas?.[name] ?? text.includes(`"title":"${name}"`), `schema ${name}`);
    assert.ok(doc.components?.securitySchemes?.bearer, 'bearer scheme');
    assert.ok(doc.components?.securitySchemes?.cookie, 'cookie scheme');
  });

  test('only the API is documented: pages, the popup and static files are not', () => {
    for (const path of Object.keys(doc.paths)) assert.match(path, /^\/api\/v1\//, path);
  });
});
