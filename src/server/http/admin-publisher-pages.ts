import type { FastifyInstance } from 'fastify';
import { securityPolicy } from './security-headers.js';

// Redirects only: no session read, nothing acted on; the console checks who is signed in. The console's header policy.
const page = { schema: { hide: true }, helmet: securityPolicy.console };
const viewOf = (siteId: string | undefined) => (siteId && /^[a-z0-9-]{1,64}$/.test(siteId) ? `/${siteId}` : '');

/**
 * The old admins' pages (/admin/sites, /admin/webhooks) became views of the console at /admin (issue 13): the
 * addresses keep answering, with a redirect to the matching view, so bookmarks and old links still work. A form
 * posted to them is sent to the view too (303: the browser follows with a GET), never acted on.
 */
export async function adminPublisherPages(app: FastifyInstance): Promise<void> {
  // The old forms' bodies are not read (this plugin's routes only).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, _body, done) => done(null, {}));
  app.get<{ Querystring: { site?: string } }>('/admin/sites', page, async (_request, reply) => reply.redirect('/admin#/sites', 302));
  app.post<{ Params: { siteId?: string } }>('/admin/sites', page, async (_request, reply) => reply.redirect('/admin#/sites', 303));
  app.post<{ Params: { siteId: string } }>('/admin/sites/:siteId', page, async (request, reply) => reply.redirect(`/admin#/sites${viewOf(request.params.siteId)}`, 303));
  app.post<{ Params: { siteId: string } }>('/admin/sites/:siteId/rotate-secret', page, async (request, reply) => reply.redirect(`/admin#/sites${viewOf(request.params.siteId)}`, 303));
  app.get<{ Querystring: { site?: string } }>('/admin/webhooks', page, async (request, reply) => reply.redirect(`/admin#/webhooks${viewOf(request.query.site)}`, 302));
  app.post<{ Params: { siteId: string } }>('/admin/webhooks/:siteId', page, async (request, reply) => reply.redirect(`/admin#/webhooks${viewOf(request.params.siteId)}`, 303));
  app.post<{ Params: { siteId: string } }>('/admin/webhooks/:siteId/:hookId/:action', page, async (request, reply) => reply.redirect(`/admin#/webhooks${viewOf(request.params.siteId)}`, 303));
}
