import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { AppError, errorCatalog } from '../errors.js';
import { html } from '../pages/html.js';
import { renderSitesPage, renderWebhooksPage } from '../pages/admin-publisher.js';
import { createSite, getSite, listSites, rotateSiteSsoSecret, updateSite, type SiteAdminDeps } from '../sites/admin.js';
import { createWebhook, getWebhook, updateWebhook } from '../webhooks/service.js';
import type { AuthContext } from './context.js';
import { securityPolicy } from './security-headers.js';

// Pages of the console's kind: its header policy, named once for every route below.
const page = { schema: { hide: true }, helmet: securityPolicy.console };
type Form = Record<string, string | string[]>;
type Message = { error: boolean; text: string } | null;

const one = (f: Form, k: string): string | undefined => {
  const v = f[k];
  return Array.isArray(v) ? v[0] : v;
};
const many = (f: Form, k: string): string[] => {
  const v = f[k];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

/**
 * The admins' pages for sites (/admin/sites) and webhooks with their delivery log (/admin/webhooks), beside the
 * moderation console at /admin. Plain HTML forms (no script), cookie session, CSRF token in every form.
 */
export async function adminPublisherPages(app: FastifyInstance, opts: { deps: Deps }): Promise<void> {
  const { deps } = opts;
  const admin: SiteAdminDeps = { siteStore: deps.publisher.siteStore, origins: deps.origins };
  const wd = deps.publisher.webhookDeps;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    const out: Form = {};
    for (const [k, v] of new URLSearchParams(String(body))) {
      const prev = out[k];
      out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
    }
    done(null, out);
  });
  const send = (reply: FastifyReply, body: string, status = 200) =>
    reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

  /** An admin on a cookie session, or a page saying what is missing (never a JSON error on a page). */
  function staff(request: FastifyRequest, reply: FastifyReply): AuthContext | null {
    const auth = request.auth?.via === 'cookie' ? request.auth : null;
    if (auth?.user.role === 'admin') return auth;
    void send(reply, `<!doctype html><html lang="en"><title>Agora admin</title>${html`<p>${auth ? 'Only administrators can see this page.' : 'Sign in as an administrator first: '}${auth ? '' : html`<a href="/admin">moderation console</a>`}</p>`.value}</html>`, auth ? 403 : 401);
    return null;
  }
  const checkCsrf = (request: FastifyRequest, auth: AuthContext) => {
    if (!deps.csrf.verify(auth.sessionId, one((request.body ?? {}) as Form, 'csrf'))) throw new AppError('CSRF_FAILED');
  };
  const explain = (err: unknown): Message => {
    if (!(err instanceof AppError)) throw err;
    return { error: true, text: `${errorCatalog[err.code].en}${err.details ? ` ${err.details}` : ''}` };
  };

  async function sitesPage(reply: FastifyReply, auth: AuthContext, message: Message, status = 200) {
    const sites = await Promise.all((await listSites(admin)).map(async (s) => ({ ...s, ssoSecret: await deps.publisher.siteStore.ssoSecret(s.id) })));
    return send(reply, renderSitesPage({ sites, csrf: deps.csrf.issue(auth.sessionId), message }), status);
  }
  async function webhooksPage(reply: FastifyReply, auth: AuthContext, siteId: string | null, message: Message, status = 200) {
    const sites = (await listSites(admin)).map((s) => ({ id: s.id, name: s.name }));
    const known = siteId && sites.some((s) => s.id === siteId) ? siteId : null;
    const hooks = known ? await wd.webhooks.list(known) : [];
    const deliveries = known ? await wd.webhooks.deliveries(known, { limit: 100 }) : [];
    return send(reply, renderWebhooksPage({ sites, siteId: known, hooks, deliveries, csrf: deps.csrf.issue(auth.sessionId), message }), status);
  }

  const siteFields = (f: Form) => ({
    name: one(f, 'name'),
    origins: (one(f, 'origins') ?? '').split(/[\s,]+/).filter(Boolean),
    lang: one(f, 'lang'),
    settings: {
      localAccounts: one(f, 'localAccounts') === 'on',
      guests: { enabled: one(f, 'guests') === 'on', holdForReview: one(f, 'guestsHold') === 'on' },
      sso: { jwksUrl: one(f, 'jwksUrl') || null },
    },
  });

  app.get('/admin/sites', page, async (request, reply) => {
    const auth = staff(request, reply);
    return auth ? sitesPage(reply, auth, null) : reply;
  });

  app.post('/admin/sites', page, async (request, reply) => {
    const auth = staff(request, reply);
    if (!auth) return reply;
    checkCsrf(request, auth);
    const f = request.body as Form;
    try {
      const { site } = await createSite(admin, { id: one(f, 'id'), ...siteFields(f) });
      return sitesPage(reply, auth, { error: false, text: `Site ${site.id} created.` }, 201);
    } catch (err) {
      return sitesPage(reply, auth, explain(err), 400);
    }
  });

  app.post<{ Params: { siteId: string } }>('/admin/sites/:siteId', page, async (request, reply) => {
    const auth = staff(request, reply);
    if (!auth) return reply;
    checkCsrf(request, auth);
    try {
      const site = await updateSite(admin, request.params.siteId, siteFields(request.body as Form));
      return sitesPage(reply, auth, { error: false, text: `Site ${site.id} saved.` });
    } catch (err) {
      return sitesPage(reply, auth, explain(err), 400);
    }
  });

  app.post<{ Params: { siteId: string } }>('/admin/sites/:siteId/rotate-secret', page, async (request, reply) => {
    const auth = staff(request, reply);
    if (!auth) return reply;
    checkCsrf(request, auth);
    try {
      await rotateSiteSsoSecret(admin, request.params.siteId);
      return sitesPage(reply, auth, { error: false, text: `New SSO secret for ${request.params.siteId}.` });
    } catch (err) {
      return sitesPage(reply, auth, explain(err), 400);
    }
  });

  app.get<{ Querystring: { site?: string } }>('/admin/webhooks', page, async (request, reply) => {
    const auth = staff(request, reply);
    return auth ? webhooksPage(reply, auth, request.query.site ?? null, null) : reply;
  });

  app.post<{ Params: { siteId: string } }>('/admin/webhooks/:siteId', page, async (request, reply) => {
    const auth = staff(request, reply);
    if (!auth) return reply;
    checkCsrf(request, auth);
    const f = request.body as Form;
    try {
      const site = await getSite(admin, request.params.siteId);
      const hook = await createWebhook(wd, site.id, { url: one(f, 'url') ?? '', events: many(f, 'events') });
      return webhooksPage(reply, auth, site.id, { error: false, text: `Webhook added. Its secret: ${hook.secret}` }, 201);
    } catch (err) {
      return webhooksPage(reply, auth, request.params.siteId, explain(err), 400);
    }
  });

  app.post<{ Params: { siteId: string; hookId: string; action: string } }>('/admin/webhooks/:siteId/:hookId/:action', page, async (request, reply) => {
    const auth = staff(request, reply);
    if (!auth) return reply;
    checkCsrf(request, auth);
    const { siteId, hookId, action } = request.params;
    try {
      const hook = await getWebhook(wd, siteId, hookId);
      if (action === 'toggle') await updateWebhook(wd, siteId, hookId, { active: !hook.active });
      else if (action === 'delete') await wd.webhooks.remove(siteId, hookId);
      else throw new AppError('NOT_FOUND');
      return webhooksPage(reply, auth, siteId, { error: false, text: action === 'delete' ? 'Webhook deleted.' : 'Webhook updated.' });
    } catch (err) {
      return webhooksPage(reply, auth, siteId, explain(err), 400);
    }
  });
}
