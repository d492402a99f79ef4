import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { unsubscribeToken } from '../../src/server/notifications/service.js';
import { newId } from '../../src/server/storage/ids.js';
import { linkToken } from '../../src/server/users/tokens.js';
import { hsToken } from '../fixtures/publisher.js';
import { embedModule } from '../fixtures/server.js';
import { assertErrorEnvelope, listRoutes, ROLES, securityWorld, type Actor, type Role, type World } from './helpers.js';

// The authorisation matrix: every route of the app × every kind of caller, with the status class each must get.
// The routes come from Fastify's own route table, so a route added without an entry here fails the suite, and an
// entry whose route is gone fails too. Each cell sends a request that is valid in every other way (a fresh comment
// to delete, a solved challenge, the right CSRF token), so what decides the answer is who is asking.
//
// ok: 2xx or 3xx. 400/401/403/404: exactly that status. refused: a 4xx denial, or a 2xx whose body says the item was
// refused (bulk decisions report each comment alone). A cell may carry `known`: a finding of issue 11 another
// engineer is fixing; it then runs as a TODO (reported, not failing) until the fix lands and the marker is removed.

type Expect = 'ok' | 400 | 401 | 403 | 404 | 'refused';
type Cell = Expect | { expect: Expect; known: string };
type Expectations = Record<Exclude<Role, 'other'>, Cell> & { other?: Cell };

interface Ctx {
  w: World;
  role: Role;
  /** The caller's account (null when anonymous). */
  as: Actor | null;
}
/** The request of a cell; `actor` replaces the caller's account (a fresh one, for requests that use it up). */
type Req = InjectOptions & { url: string; actor?: Actor | null };

interface Entry {
  /** How the caller authenticates: bearer token (the embed, the console), cookie + CSRF header, or an HTML form. */
  auth?: 'bearer' | 'cookie' | 'form';
  /** A Server-Sent Events stream: only its status and headers are read. */
  stream?: boolean;
  expect: Expectations;
  build(c: Ctx): Req | Promise<Req>;
  /** For `refused` cells answered 2xx: whether the body shows the refusal. */
  refusedInBody?: (res: LightMyRequestResponse) => boolean;
}

// The usual shapes of access. `other` appears only where ownership matters (someone else's comment).
const PUBLIC: Expectations = { anonymous: 'ok', commenter: 'ok', modHere: 'ok', modElsewhere: 'ok', admin: 'ok' };
const SIGNED_IN: Expectations = { anonymous: 401, commenter: 'ok', modHere: 'ok', modElsewhere: 'ok', admin: 'ok' };
const OWNER: Expectations = { anonymous: 401, commenter: 'ok', other: 403, modHere: 403, modElsewhere: 403, admin: 403 };
const SITE_STAFF: Expectations = { anonymous: 401, commenter: 403, modHere: 'ok', modElsewhere: 403, admin: 'ok' };
const ADMIN: Expectations = { anonymous: 401, commenter: 403, modHere: 403, modElsewhere: 403, admin: 'ok' };
const NOBODY_WITHOUT_SECRET: Expectations = { anonymous: 403, commenter: 403, modHere: 403, modElsewhere: 403, admin: 403 };

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const json = (url: string, method: InjectOptions['method'], payload?: unknown): Req => ({ method, url, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) });
const get = (url: string): Req => ({ method: 'GET', url });

async function adminJson<T>(w: World, opts: InjectOptions): Promise<T> {
  const res = await w.inject({ ...opts, headers: { ...w.actors.admin.bearer, ...opts.headers } });
  assert.ok(res.statusCode < 300, `fixture request ${opts.method} ${opts.url}: ${res.statusCode} ${res.body}`);
  return res.json<T>();
}
const oidcSlug = () => `p${newId().toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 20)}`;
const oidcProvider = async (w: World) =>
  (await adminJson<{ provider: { slug: string } }>(w, { method: 'POST', url: `/api/v1/admin/sites/${w.siteA.id}/oidc-providers`, payload: { slug: oidcSlug(), label: 'ID', issuer: 'https://id.example.com', clientId: 'c', clientSecret: 's' } })).provider.slug;
const webhook = async (w: World) =>
  (await adminJson<{ webhook: { id: string } }>(w, { method: 'POST', url: `/api/v1/admin/sites/${w.siteA.id}/webhooks`, payload: { url: 'https://hooks.example.com/agora' } })).webhook.id;
const ssoToken = async (w: World) => hsToken((await w.deps.publisher.siteStore.ssoSecret(w.siteA.id)) ?? '', { sub: `reader-${newId()}`, aud: w.siteA.id, name: 'Jeanne Martin' });
/** A working emailed link (reset or verification) of a fresh account, as its mail would carry it. */
async function accountLink(w: World, purpose: 'reset' | 'verify'): Promise<string> {
  const a = await w.fresh('commenter');
  const id = await w.deps.accountDeps.mail.tokens.issue(w.deps.db, { userId: a.id, purpose, email: purpose === 'verify' ? a.email : null, lang: 'en', siteId: null });
  return linkToken(w.deps.publisher.secret, id);
}
const storyUrl = (w: World) => `${w.siteA.origin}/2027/01/a-story`;

const MATRIX: Record<string, Entry> = {
  // Pages, scripts and operations.
  'GET /': { expect: PUBLIC, build: () => get('/') },
  'GET /healthz': { expect: PUBLIC, build: () => get('/healthz') },
  'GET /readyz': { expect: PUBLIC, build: () => get('/readyz') },
  // Metrics need AGORA_METRICS_TOKEN (or a request from the machine itself): no role of the API opens them.
  'GET /metrics': { expect: { anonymous: 401, commenter: 401, modHere: 401, modElsewhere: 401, admin: 401 }, build: () => get('/metrics') },
  'GET /api/openapi.json': { expect: PUBLIC, build: () => get('/api/openapi.json') },
  'GET /articles/:slug': { expect: PUBLIC, build: () => get('/articles/etats-unis-mexique-fentanyl') },
  'GET /auth/popup': { expect: PUBLIC, build: ({ w }) => get(`/auth/popup?origin=${encodeURIComponent(w.siteA.origin)}`) },
  'GET /admin': { expect: PUBLIC, build: () => get('/admin') },
  'GET /admin/*': { expect: PUBLIC, build: () => get('/admin/queues/pending') },
  'GET /admin.js': { expect: PUBLIC, build: () => get('/admin.js') },
  'GET /popup.js': { expect: PUBLIC, build: () => get('/popup.js') },
  'GET /embed.js': { expect: PUBLIC, build: () => get('/embed.js') },
  'GET /embed/:file': { expect: PUBLIC, build: () => get(`/embed/${embedModule()}`) },
  'GET /count.js': { expect: PUBLIC, build: () => get('/count.js') },
  'GET /favicon.ico': { expect: PUBLIC, build: () => get('/favicon.ico') },
  'OPTIONS /*': { expect: PUBLIC, build: ({ w }) => ({ method: 'OPTIONS', url: '/api/v1/me', headers: { origin: w.siteA.origin, 'access-control-request-method': 'GET' } }) },

  // Accounts and sessions.
  'POST /api/v1/auth/signup': { expect: PUBLIC, build: () => json('/api/v1/auth/signup', 'POST', { email: `new-${newId()}@example.com`, password: 'Vermilion-otter-quietly-grazes!', displayName: 'New Reader' }) },
  'POST /api/v1/auth/login': { expect: PUBLIC, build: ({ w }) => json('/api/v1/auth/login', 'POST', { email: w.actors.other.email, password: w.actors.other.password }) },
  'POST /api/v1/auth/logout': { expect: SIGNED_IN, build: async ({ w, role }) => ({ ...json('/api/v1/auth/logout', 'POST'), actor: role === 'anonymous' ? null : await w.fresh(role) }) },
  'POST /api/v1/auth/reauth': { auth: 'cookie', expect: SIGNED_IN, build: ({ as }) => json('/api/v1/auth/reauth', 'POST', { password: as?.password ?? 'Vermilion-otter-quietly-grazes!' }) },
  // Accounts readers can recover (issue 12): links are for whoever holds them; account changes need the account.
  'POST /api/v1/auth/password-reset': { expect: PUBLIC, build: () => json('/api/v1/auth/password-reset', 'POST', { email: `someone-${newId()}@example.com` }) },
  'POST /api/v1/auth/password-reset/confirm': { expect: PUBLIC, build: async ({ w }) => json('/api/v1/auth/password-reset/confirm', 'POST', { token: await accountLink(w, 'reset'), password: 'Vermilion-otter-grazes-again!' }) },
  'POST /api/v1/auth/verify-email': { expect: PUBLIC, build: async ({ w }) => json('/api/v1/auth/verify-email', 'POST', { token: await accountLink(w, 'verify') }) },
  'POST /api/v1/auth/verify-email/resend': { expect: SIGNED_IN, build: () => json('/api/v1/auth/verify-email/resend', 'POST') },
  'POST /api/v1/me/email': { auth: 'cookie', expect: SIGNED_IN, build: () => json('/api/v1/me/email', 'POST', { email: `changed-${newId()}@example.com` }) },
  'PUT /api/v1/me/password': { auth: 'cookie', expect: SIGNED_IN, build: async ({ w, role }) => ({ ...json('/api/v1/me/password', 'PUT', { password: 'Vermilion-otter-grazes-again!' }), actor: role === 'anonymous' ? null : await w.fresh(role) }) },
  'GET /auth/forgot': { expect: PUBLIC, build: () => get('/auth/forgot') },
  'POST /auth/forgot': { auth: 'form', expect: PUBLIC, build: () => ({ method: 'POST', url: '/auth/forgot', payload: { email: `someone-${newId()}@example.com` } }) },
  'GET /auth/reset': { expect: PUBLIC, build: async ({ w }) => get(`/auth/reset?t=${await accountLink(w, 'reset')}`) },
  'POST /auth/reset': { auth: 'form', expect: PUBLIC, build: async ({ w }) => ({ method: 'POST', url: '/auth/reset', payload: { t: await accountLink(w, 'reset'), password: 'Vermilion-otter-grazes-again!' } }) },
  'GET /auth/verify': { expect: PUBLIC, build: async ({ w }) => get(`/auth/verify?t=${await accountLink(w, 'verify')}`) },
  'POST /auth/verify': { auth: 'form', expect: PUBLIC, build: async ({ w }) => ({ method: 'POST', url: '/auth/verify', payload: { t: await accountLink(w, 'verify') } }) },
  'POST /api/v1/auth/token': { auth: 'cookie', expect: SIGNED_IN, build: () => json('/api/v1/auth/token', 'POST', {}) },
  'POST /api/v1/auth/sso': { expect: PUBLIC, build: async ({ w }) => json('/api/v1/auth/sso', 'POST', { token: await ssoToken(w) }) },
  'POST /api/v1/auth/sso/revoke': { expect: PUBLIC, build: async ({ w }) => json('/api/v1/auth/sso/revoke', 'POST', { token: await ssoToken(w) }) },
  'GET /api/v1/me': { expect: SIGNED_IN, build: () => get('/api/v1/me') },
  'PATCH /api/v1/me': { expect: SIGNED_IN, build: ({ role }) => json('/api/v1/me', 'PATCH', { displayName: `Renamed ${role}` }) },
  'GET /api/v1/me/ignored': { expect: SIGNED_IN, build: () => get('/api/v1/me/ignored') },
  'POST /api/v1/me/ignored/:userId': { expect: SIGNED_IN, build: ({ w }) => json(`/api/v1/me/ignored/${w.actors.other.id}`, 'POST') },
  'DELETE /api/v1/me/ignored/:userId': { expect: SIGNED_IN, build: ({ w }) => json(`/api/v1/me/ignored/${w.actors.other.id}`, 'DELETE') },
  'GET /api/v1/me/notification-settings': { expect: SIGNED_IN, build: () => get('/api/v1/me/notification-settings') },
  'PUT /api/v1/me/notification-settings': { expect: SIGNED_IN, build: () => json('/api/v1/me/notification-settings', 'PUT', { mode: 'digest' }) },
  // Account-level actions from Agora's own pages: a first-party cookie session with its CSRF token.
  'GET /api/v1/me/export': { auth: 'cookie', expect: SIGNED_IN, build: () => get('/api/v1/me/export') },
  'GET /api/v1/me/deletion': { auth: 'cookie', expect: SIGNED_IN, build: () => get('/api/v1/me/deletion') },
  'POST /api/v1/me/deletion': { auth: 'cookie', expect: SIGNED_IN, build: async ({ w, role }) => ({ ...json('/api/v1/me/deletion', 'POST'), actor: role === 'anonymous' ? null : await w.fresh(role) }) },
  'DELETE /api/v1/me/deletion': { auth: 'cookie', expect: SIGNED_IN, build: () => json('/api/v1/me/deletion', 'DELETE') },
  'GET /api/v1/notifications': { expect: SIGNED_IN, build: () => get('/api/v1/notifications') },
  'POST /api/v1/notifications/read': { expect: SIGNED_IN, build: () => json('/api/v1/notifications/read', 'POST', {}) },
  'GET /unsubscribe': { expect: PUBLIC, build: ({ w }) => get(`/unsubscribe?u=${w.actors.other.id}&t=${unsubscribeToken(w.deps.publisher.notificationDeps.secret, w.actors.other.id)}`) },
  'POST /unsubscribe': {
    expect: PUBLIC,
    build: ({ w }) => ({
      method: 'POST',
      url: `/unsubscribe?u=${w.actors.other.id}&t=${unsubscribeToken(w.deps.publisher.notificationDeps.secret, w.actors.other.id)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    }),
  },
  // The reader's own pages (cookie session; a signed-out reader gets a page that says how to sign in).
  'GET /profile': { auth: 'cookie', expect: PUBLIC, build: () => get('/profile') },
  'POST /profile/name': { auth: 'form', expect: SIGNED_IN, build: ({ role }) => ({ method: 'POST', url: '/profile/name', payload: { displayName: `Form ${role}` } }) },
  'POST /profile/reauth': { auth: 'form', expect: SIGNED_IN, build: ({ as }) => ({ method: 'POST', url: '/profile/reauth', payload: { password: as?.password ?? 'Vermilion-otter-quietly-grazes!' } }) },
  'POST /profile/notifications': { auth: 'form', expect: SIGNED_IN, build: () => ({ method: 'POST', url: '/profile/notifications', payload: { mode: 'immediate' } }) },
  'POST /profile/verify-email': { auth: 'form', expect: SIGNED_IN, build: () => ({ method: 'POST', url: '/profile/verify-email', payload: {} }) },
  'POST /profile/email': { auth: 'form', expect: SIGNED_IN, build: () => ({ method: 'POST', url: '/profile/email', payload: { email: `changed-${newId()}@example.com` } }) },
  'POST /profile/password': { auth: 'form', expect: SIGNED_IN, build: async ({ w, role }) => ({ method: 'POST', url: '/profile/password', payload: { password: 'Vermilion-otter-grazes-again!' }, actor: role === 'anonymous' ? null : await w.fresh(role) }) },
  'GET /profile/privacy': { auth: 'cookie', expect: SIGNED_IN, build: () => get('/profile/privacy') },
  // Without the confirmation box: the form is accepted (303) and nothing is scheduled.
  'POST /profile/privacy/deletion': { auth: 'form', expect: SIGNED_IN, build: () => ({ method: 'POST', url: '/profile/privacy/deletion', payload: {} }) },
  'POST /profile/privacy/deletion/cancel': { auth: 'form', expect: SIGNED_IN, build: () => ({ method: 'POST', url: '/profile/privacy/deletion/cancel', payload: {} }) },

  // Stories and comments.
  'GET /api/v1/stories/lookup': { expect: PUBLIC, build: ({ w }) => get(`/api/v1/stories/lookup?url=${encodeURIComponent(storyUrl(w))}`) },
  'GET /api/v1/stories/:storyId': { expect: PUBLIC, build: ({ w }) => get(`/api/v1/stories/${w.storyA}`) },
  'GET /api/v1/stories/:storyId/comments': { expect: PUBLIC, build: ({ w }) => get(`/api/v1/stories/${w.storyA}/comments`) },
  'POST /api/v1/stories/:storyId/comments': { expect: SIGNED_IN, build: ({ w, role }) => json(`/api/v1/stories/${w.storyA}/comments`, 'POST', { body: `Posted by ${role} ${newId()}` }) },
  'GET /api/v1/stories/:storyId/comments.atom': { expect: PUBLIC, build: ({ w }) => get(`/api/v1/stories/${w.storyA}/comments.atom`) },
  'GET /api/v1/stories/:storyId/events': { stream: true, expect: PUBLIC, build: ({ w }) => get(`/api/v1/stories/${w.storyA}/events`) },
  'GET /api/v1/stories/:storyId/featured': { expect: PUBLIC, build: ({ w }) => get(`/api/v1/stories/${w.storyA}/featured`) },
  'PATCH /api/v1/stories/:storyId/settings': { expect: SITE_STAFF, build: ({ w }) => json(`/api/v1/stories/${w.storyA}/settings`, 'PATCH', { premoderation: false }) },
  'GET /api/v1/stories/:storyId/guest-challenge': { expect: PUBLIC, build: ({ w }) => get(`/api/v1/stories/${w.storyA}/guest-challenge`) },
  'POST /api/v1/stories/:storyId/guest-comments': {
    expect: PUBLIC,
    build: async ({ w }) => json(`/api/v1/stories/${w.storyA}/guest-comments`, 'POST', { body: `A guest's comment ${newId()}`, name: 'Gaston Guest', email: `guest-${newId()}@example.com`, ...(await w.challenge(w.storyA)) }),
  },
  'PATCH /api/v1/comments/:id': { expect: OWNER, build: async ({ w }) => json(`/api/v1/comments/${await w.comment()}`, 'PATCH', { body: `Edited ${newId()}` }) },
  'DELETE /api/v1/comments/:id': { expect: OWNER, build: async ({ w }) => json(`/api/v1/comments/${await w.comment()}`, 'DELETE') },
  // Someone else's comment: nobody may give Respect to their own (CANNOT_REACT_OWN, test/http/reactions-own.test.ts).
  'POST /api/v1/comments/:id/reaction': { expect: SIGNED_IN, build: async ({ w }) => json(`/api/v1/comments/${await w.comment(w.actors.other)}/reaction`, 'POST') },
  'DELETE /api/v1/comments/:id/reaction': { expect: SIGNED_IN, build: async ({ w }) => json(`/api/v1/comments/${await w.comment()}/reaction`, 'DELETE') },
  'GET /api/v1/comments/:id/context': { expect: PUBLIC, build: async ({ w }) => get(`/api/v1/comments/${await w.comment()}/context`) },
  'POST /api/v1/comments/:id/reports': { expect: SIGNED_IN, build: async ({ w }) => json(`/api/v1/comments/${await w.comment()}/reports`, 'POST', { reason: 'spam' }) },
  // The Discussion's moderation menu (docs/adr/0025): the site's staff only. The standing change hits a fresh author, so
  // the commenter every other cell posts as is never suspended.
  'POST /api/v1/comments/:id/moderation': { expect: SITE_STAFF, build: async ({ w }) => json(`/api/v1/comments/${await w.comment()}/moderation`, 'POST', { action: 'feature' }) },
  'POST /api/v1/comments/:id/author-standing': { expect: SITE_STAFF, build: async ({ w }) => json(`/api/v1/comments/${await w.comment(await w.fresh('commenter'))}/author-standing`, 'POST', { suspendHours: 1 }) },
  'GET /api/v1/counts': { expect: PUBLIC, build: ({ w }) => get(`/api/v1/counts?url=${encodeURIComponent(storyUrl(w))}`) },

  // Sites and webhooks (admins).
  'GET /api/v1/admin/sites': { expect: ADMIN, build: () => get('/api/v1/admin/sites') },
  'POST /api/v1/admin/sites': { expect: ADMIN, build: () => { const id = `s-${newId().toLowerCase().replace(/[^a-z0-9]/g, '')}`; return json('/api/v1/admin/sites', 'POST', { id, origins: [`https://${id}.example`] }); } },
  'GET /api/v1/admin/sites/:siteId': { expect: ADMIN, build: ({ w }) => get(`/api/v1/admin/sites/${w.siteA.id}`) },
  'PATCH /api/v1/admin/sites/:siteId': { expect: ADMIN, build: ({ w }) => json(`/api/v1/admin/sites/${w.siteA.id}`, 'PATCH', { name: 'Site A' }) },
  'POST /api/v1/admin/sites/:siteId/sso-secret': { expect: ADMIN, build: ({ w }) => json(`/api/v1/admin/sites/${w.siteA.id}/sso-secret`, 'POST') },
  'GET /api/v1/admin/sites/:siteId/webhooks': { expect: ADMIN, build: ({ w }) => get(`/api/v1/admin/sites/${w.siteA.id}/webhooks`) },
  'POST /api/v1/admin/sites/:siteId/webhooks': { expect: ADMIN, build: ({ w }) => json(`/api/v1/admin/sites/${w.siteA.id}/webhooks`, 'POST', { url: 'https://hooks.example.com/agora' }) },
  'PATCH /api/v1/admin/sites/:siteId/webhooks/:webhookId': { expect: ADMIN, build: async ({ w }) => json(`/api/v1/admin/sites/${w.siteA.id}/webhooks/${await webhook(w)}`, 'PATCH', { active: false }) },
  'DELETE /api/v1/admin/sites/:siteId/webhooks/:webhookId': { expect: ADMIN, build: async ({ w }) => json(`/api/v1/admin/sites/${w.siteA.id}/webhooks/${await webhook(w)}`, 'DELETE') },
  'POST /api/v1/admin/sites/:siteId/webhooks/:webhookId/test': { expect: ADMIN, build: async ({ w }) => json(`/api/v1/admin/sites/${w.siteA.id}/webhooks/${await webhook(w)}/test`, 'POST') },
  'POST /api/v1/admin/sites/:siteId/webhook-deliveries/:deliveryId/retry': {
    expect: ADMIN,
    build: async ({ w }) => {
      const hook = await webhook(w);
      const id = (await adminJson<{ delivery: { id: string } }>(w, { method: 'POST', url: `/api/v1/admin/sites/${w.siteA.id}/webhooks/${hook}/test` })).delivery.id;
      return json(`/api/v1/admin/sites/${w.siteA.id}/webhook-deliveries/${id}/retry`, 'POST');
    },
  },
  'GET /api/v1/admin/sites/:siteId/webhook-deliveries': { expect: ADMIN, build: ({ w }) => get(`/api/v1/admin/sites/${w.siteA.id}/webhook-deliveries`) },
  // Sign-in with identity providers (issue 12): the admins' API, and the sign-in window's pages, the same for everyone
  // (no provider of that name: 404; a callback with no sign-in in progress in this browser: 400 OIDC_STATE_INVALID).
  'GET /api/v1/admin/sites/:siteId/oidc-providers': { expect: ADMIN, build: ({ w }) => get(`/api/v1/admin/sites/${w.siteA.id}/oidc-providers`) },
  'POST /api/v1/admin/sites/:siteId/oidc-providers': { expect: ADMIN, build: ({ w }) => json(`/api/v1/admin/sites/${w.siteA.id}/oidc-providers`, 'POST', { slug: oidcSlug(), label: 'ID', issuer: 'https://id.example.com', clientId: 'c', clientSecret: 's' }) },
  'DELETE /api/v1/admin/sites/:siteId/oidc-providers/:slug': { expect: ADMIN, build: async ({ w }) => json(`/api/v1/admin/sites/${w.siteA.id}/oidc-providers/${await oidcProvider(w)}`, 'DELETE') },
  'GET /auth/oidc/:provider/start': { expect: { anonymous: 404, commenter: 404, modHere: 404, modElsewhere: 404, admin: 404 }, build: ({ w }) => get(`/auth/oidc/none/start?origin=${encodeURIComponent(w.siteA.origin)}`) },
  'GET /auth/oidc/callback': { expect: { anonymous: 400, commenter: 400, modHere: 400, modElsewhere: 400, admin: 400 }, build: () => get('/auth/oidc/callback?code=c&state=s') },
  // The old admins' pages redirect to the console's views (issue 13): the console checks who is signed in.
  'GET /admin/sites': { expect: PUBLIC, build: () => get('/admin/sites') },
  'POST /admin/sites': { auth: 'form', expect: PUBLIC, build: () => ({ method: 'POST', url: '/admin/sites', payload: { id: 'x' } }) },
  'POST /admin/sites/:siteId': { auth: 'form', expect: PUBLIC, build: ({ w }) => ({ method: 'POST', url: `/admin/sites/${w.siteA.id}`, payload: { name: 'Site A' } }) },
  'POST /admin/sites/:siteId/rotate-secret': { auth: 'form', expect: PUBLIC, build: ({ w }) => ({ method: 'POST', url: `/admin/sites/${w.siteA.id}/rotate-secret`, payload: {} }) },
  'GET /admin/webhooks': { expect: PUBLIC, build: ({ w }) => get(`/admin/webhooks?site=${w.siteA.id}`) },
  'POST /admin/webhooks/:siteId': { auth: 'form', expect: PUBLIC, build: ({ w }) => ({ method: 'POST', url: `/admin/webhooks/${w.siteA.id}`, payload: { url: 'https://hooks.example.com/form' } }) },
  'POST /admin/webhooks/:siteId/:hookId/:action': { auth: 'form', expect: PUBLIC, build: ({ w }) => ({ method: 'POST', url: `/admin/webhooks/${w.siteA.id}/x/toggle`, payload: {} }) },

  // Moderation: queues and decisions on site A's comments, users' standing on site A, site A's settings.
  'GET /api/v1/admin/moderation/me': { expect: { anonymous: 'ok', commenter: 403, modHere: 'ok', modElsewhere: 'ok', admin: 'ok' }, build: () => get('/api/v1/admin/moderation/me') },
  'POST /api/v1/admin/moderation/setup': {
    expect: NOBODY_WITHOUT_SECRET,
    build: () => json('/api/v1/admin/moderation/setup', 'POST', { token: 'not-the-setup-token-0000', email: `setup-${newId()}@example.com`, password: 'Vermilion-otter-quietly-grazes!', displayName: 'Intruder' }),
  },
  // The console's live counts: any moderator, for their own sites (only site ids travel on it).
  'GET /api/v1/admin/moderation/live': { stream: true, auth: 'bearer', expect: { anonymous: 401, commenter: 403, modHere: 'ok', modElsewhere: 'ok', admin: 'ok' }, build: () => get('/api/v1/admin/moderation/live') },
  'GET /api/v1/admin/moderation/queues': { expect: SITE_STAFF, build: ({ w }) => get(`/api/v1/admin/moderation/queues?siteId=${w.siteA.id}`) },
  'GET /api/v1/admin/moderation/queues/:queue': { expect: SITE_STAFF, build: ({ w }) => get(`/api/v1/admin/moderation/queues/reported?siteId=${w.siteA.id}`) },
  'POST /api/v1/admin/moderation/comments/bulk': {
    expect: { ...SITE_STAFF, modElsewhere: 'refused' },
    refusedInBody: (res) => res.json<{ done: string[] }>().done.length === 0,
    build: async ({ w }) => json('/api/v1/admin/moderation/comments/bulk', 'POST', { ids: [await w.comment()], action: 'feature' }),
  },
  'POST /api/v1/admin/moderation/comments/:id/approve': { expect: SITE_STAFF, build: async ({ w }) => json(`/api/v1/admin/moderation/comments/${await w.comment()}/approve`, 'POST') },
  'POST /api/v1/admin/moderation/comments/:id/reject': { expect: SITE_STAFF, build: async ({ w }) => json(`/api/v1/admin/moderation/comments/${await w.comment()}/reject`, 'POST', { kind: 'other' }) },
  'POST /api/v1/admin/moderation/comments/:id/withdraw': { expect: SITE_STAFF, build: async ({ w }) => json(`/api/v1/admin/moderation/comments/${await w.comment()}/withdraw`, 'POST') },
  'POST /api/v1/admin/moderation/comments/:id/dismiss-reports': { expect: SITE_STAFF, build: async ({ w }) => json(`/api/v1/admin/moderation/comments/${await w.comment()}/dismiss-reports`, 'POST') },
  'POST /api/v1/admin/moderation/comments/:id/feature': { expect: SITE_STAFF, build: async ({ w }) => json(`/api/v1/admin/moderation/comments/${await w.comment()}/feature`, 'POST', { featured: true }) },
  'GET /api/v1/admin/moderation/sites/:siteId/users/:userId': { expect: SITE_STAFF, build: ({ w }) => get(`/api/v1/admin/moderation/sites/${w.siteA.id}/users/${w.actors.commenter.id}`) },
  'PATCH /api/v1/admin/moderation/sites/:siteId/users/:userId': { expect: SITE_STAFF, build: ({ w }) => json(`/api/v1/admin/moderation/sites/${w.siteA.id}/users/${w.actors.commenter.id}`, 'PATCH', { premoderate: false }) },
  'POST /api/v1/admin/moderation/sites/:siteId/users/:userId/notes': { expect: SITE_STAFF, build: ({ w }) => json(`/api/v1/admin/moderation/sites/${w.siteA.id}/users/${w.actors.commenter.id}/notes`, 'POST', { body: 'Polite so far.' }) },
  'GET /api/v1/admin/moderation/sites/:siteId/model-quality': { expect: SITE_STAFF, build: ({ w }) => get(`/api/v1/admin/moderation/sites/${w.siteA.id}/model-quality`) },
  'GET /api/v1/admin/moderation/sites/:siteId/threshold-preview': { expect: SITE_STAFF, build: ({ w }) => get(`/api/v1/admin/moderation/sites/${w.siteA.id}/threshold-preview?task=toxicity&threshold=0.8`) },
  'GET /api/v1/admin/moderation/sites/:siteId/settings': { expect: SITE_STAFF, build: ({ w }) => get(`/api/v1/admin/moderation/sites/${w.siteA.id}/settings`) },
  'PUT /api/v1/admin/moderation/sites/:siteId/settings': {
    expect: SITE_STAFF,
    build: async ({ w }) => json(`/api/v1/admin/moderation/sites/${w.siteA.id}/settings`, 'PUT', (await adminJson<{ settings: unknown }>(w, get(`/api/v1/admin/moderation/sites/${w.siteA.id}/settings`))).settings),
  },
  'POST /api/v1/admin/moderation/sites/:siteId/retrain': { expect: SITE_STAFF, build: ({ w }) => json(`/api/v1/admin/moderation/sites/${w.siteA.id}/retrain`, 'POST') },
  'GET /api/v1/admin/moderation/sites/:siteId/moderators': { expect: ADMIN, build: ({ w }) => get(`/api/v1/admin/moderation/sites/${w.siteA.id}/moderators`) },
  'POST /api/v1/admin/moderation/sites/:siteId/moderators': { expect: ADMIN, build: async ({ w }) => json(`/api/v1/admin/moderation/sites/${w.siteA.id}/moderators`, 'POST', { email: (await w.fresh('other')).email }) },
  'DELETE /api/v1/admin/moderation/sites/:siteId/moderators/:userId': { expect: ADMIN, build: async ({ w }) => json(`/api/v1/admin/moderation/sites/${w.siteA.id}/moderators/${(await w.fresh('other')).id}`, 'DELETE') },
  'GET /api/v1/admin/moderation/stories/:storyId': { expect: SITE_STAFF, build: ({ w }) => get(`/api/v1/admin/moderation/stories/${w.storyA}`) },
  'PATCH /api/v1/admin/moderation/stories/:storyId': { expect: SITE_STAFF, build: ({ w }) => json(`/api/v1/admin/moderation/stories/${w.storyA}`, 'PATCH', { premoderation: false }) },
  'GET /api/v1/admin/moderation/audit': { expect: SITE_STAFF, build: ({ w }) => get(`/api/v1/admin/moderation/audit?siteId=${w.siteA.id}`) },
  'GET /api/v1/admin/moderation/dashboard': { expect: SITE_STAFF, build: ({ w }) => get(`/api/v1/admin/moderation/dashboard?siteId=${w.siteA.id}`) },

  // Readers' rights handled by admins, on a reader's request.
  'GET /api/v1/admin/users/:userId/export': { expect: ADMIN, build: ({ w }) => get(`/api/v1/admin/users/${w.actors.other.id}/export`) },
  'POST /api/v1/admin/users/:userId/deletion': { expect: ADMIN, build: async ({ w }) => json(`/api/v1/admin/users/${(await w.fresh('other')).id}/deletion`, 'POST', {}) },
  'DELETE /api/v1/admin/users/:userId/deletion': { expect: ADMIN, build: ({ w }) => json(`/api/v1/admin/users/${w.actors.other.id}/deletion`, 'DELETE') },
};

let w: World;
let routes: string[] = [];
before(async () => {
  w = await securityWorld();
  routes = listRoutes(w.app);
});
after(async () => w?.close());

/** Sends one cell's request as `role`, authenticated the way the entry says. */
async function send(entry: Entry, role: Role): Promise<LightMyRequestResponse> {
  const as = role === 'anonymous' ? null : w.actors[role];
  const req = await entry.build({ w, role, as });
  const { actor: override, ...opts } = req;
  const actor = override === undefined ? as : override;
  const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
  let payload = opts.payload;
  const mode = entry.auth ?? 'bearer';
  if (actor && mode === 'bearer') Object.assign(headers, actor.bearer);
  if (actor && mode === 'cookie') Object.assign(headers, actor.cookie);
  if (mode === 'form') {
    if (actor) headers.cookie = actor.cookie.cookie;
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = form({ ...(payload as Record<string, string>), ...(actor ? { csrf: actor.csrf } : {}) });
  }
  if (!entry.stream) return w.inject({ ...opts, headers, payload });
  // The stream stays open: read the status and headers, then hang up.
  const res = await w.inject({ ...opts, headers, payloadAsStream: true });
  res.stream().destroy();
  return res;
}

function judge(entry: Entry, expect: Expect, res: LightMyRequestResponse, what: string): void {
  const s = res.statusCode;
  const detail = `${what}: got ${s} ${entry.stream ? '' : res.body.slice(0, 200)}`;
  if (expect === 'ok') return assert.ok(s >= 200 && s < 400, detail);
  if (expect === 'refused') {
    if (s >= 200 && s < 300) return assert.ok(entry.refusedInBody?.(res), `${detail} (answered 2xx without refusing)`);
    return assert.ok([401, 403, 404].includes(s), detail);
  }
  assert.equal(s, expect, detail);
  // A JSON API answers a denial with the error envelope; HTML pages answer with a page. A stream's answer is read as a
  // stream, without its body: its own test checks the envelope (test/http/moderation-live.test.ts).
  if (what.includes(' /api/') && !entry.stream) assertErrorEnvelope(res, what);
}

describe('the authorisation matrix', () => {
  test('every route has an entry, and every entry is a route', () => {
    assert.ok(routes.length >= 90, `only ${routes.length} routes read from the route table`);
    const missing = routes.filter((r) => !(r in MATRIX));
    const stale = Object.keys(MATRIX).filter((r) => !routes.includes(r));
    assert.deepEqual(missing, [], `routes without an entry in the matrix (add their expectations): ${missing.join(', ')}`);
    assert.deepEqual(stale, [], `entries whose route is gone: ${stale.join(', ')}`);
  });

  for (const [route, entry] of Object.entries(MATRIX)) {
    describe(route, () => {
      for (const role of ROLES) {
        const cell = entry.expect[role];
        if (cell === undefined) continue;
        const expect = typeof cell === 'object' ? cell.expect : cell;
        const todo = typeof cell === 'object' ? `KNOWN(${cell.known})` : undefined;
        test(`${role} → ${expect}`, { todo }, async () => {
          if (!routes.includes(route)) return assert.fail(`${route} is not a route any more`);
          judge(entry, expect, await send(entry, role), `${role} ${route}`);
        });
      }
    });
  }
});
