import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../deps.js';
import { issueSetupToken } from '../moderation/admin/setup.js';
import { moderationAdminRoutes } from './moderation-admin-routes.js';
import { moderationRoutes } from './moderation-routes.js';

// The console's scripts come from our origin only; uPlot and the console set styles from script, hence inline styles.
const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const SHELL = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Agora · Moderation</title>
<style>body{margin:0;font:15px/1.45 system-ui,sans-serif;background:#f6f6f4;color:#1d1d1b}</style></head>
<body><div id="app"><p style="padding:1rem">Loading the moderation console…</p></div>
<noscript><p style="padding:1rem">The moderation console needs JavaScript.</p></noscript>
<script src="/admin.js" defer></script></body></html>`;

/**
 * The moderation console at /admin (a single-page app, /admin.js) and its API. On start, an install without an admin
 * prints a one-time setup token in the log: the first-run path to the first admin.
 */
export const moderationConsole: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  await app.register(moderationRoutes, { deps });
  await app.register(moderationAdminRoutes, { deps });

  for (const path of ['/admin', '/admin/*']) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', CONSOLE_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin')
        .header('cache-control', 'no-store')
        .send(SHELL),
    );
  }

  app.addHook('onReady', async () => {
    const token = await issueSetupToken(deps.db);
    if (token) app.log.warn(`No administrator yet. Open ${deps.config.publicUrl}/admin and use the setup token ${token} (or run: npx agora admin create --email … --password …)`);
  });
};
