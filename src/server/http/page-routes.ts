import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../errors.js';
import type { Deps } from '../deps.js';
import { COMMENT_SORTS, type CommentSort } from '../comments/model.js';
import { commentContext } from '../comments/context.js';
import { listComments } from '../comments/use-cases.js';
import { getStory } from '../stories/use-cases.js';
import { renderArticlePage, renderIndexPage } from '../pages/article.js';
import { renderDiscussion } from '../pages/discussion.js';
import { renderPopupPage } from '../pages/popup.js';
import { providerButtons } from '../oidc/pages.js';
import { presentComment } from './presenters.js';
import { securityPolicy } from './security-headers.js';
import { pickLang } from '../../i18n/discussion.js';

/** The demo newsroom's server-rendered pages and the sign-in popup. Hidden from the API document. */
export const pageRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const own = new URL(deps.config.publicUrl).origin;
  const siteId = async () => (await deps.origins.siteForOrigin(own))?.id;

  app.get('/', { schema: { hide: true }, helmet: securityPolicy.page }, async (_request, reply) => {
    const id = await siteId();
    const articles = id ? await deps.articles.list(id) : [];
    return reply.type('text/html; charset=utf-8').send(renderIndexPage(articles));
  });

  const threadOf = async (commentId: string, viewerId: string | null) => {
    try {
      return await commentContext(deps.commentDeps, { commentId, viewerId });
    } catch (err) {
      if (err instanceof AppError && err.code === 'COMMENT_NOT_FOUND') return null;
      throw err;
    }
  };

  app.get(
    '/articles/:slug',
    {
      helmet: securityPolicy.page,
      schema: {
        hide: true,
        params: Type.Object({ slug: Type.String({ maxLength: 200 }) }),
        querystring: Type.Object({ sort: Type.Optional(Type.String()), cursor: Type.Optional(Type.String({ maxLength: 500 })), comment: Type.Optional(Type.String({ maxLength: 64 })) }),
      },
    },
    async (request, reply) => {
      const id = await siteId();
      const article = id ? await deps.articles.bySlug(id, request.params.slug) : undefined;
      if (!article) throw new AppError('NOT_FOUND');
      const story = await getStory(deps, article.storyId);
      const viewerId = request.auth?.user.id ?? null;
      const csrfToken = request.auth?.via === 'cookie' ? deps.csrf.issue(request.auth.sessionId) : null;
      // A permalink without JavaScript (?comment=<id>): that comment's thread alone, wherever it is in the discussion.
      // A comment readers cannot see, or one of another story, shows the whole discussion as an unknown id would.
      const ctx = request.query.comment ? await threadOf(request.query.comment, viewerId) : null;
      if (ctx && ctx.story.id === story.id) {
        const discussion = renderDiscussion({
          storyId: story.id,
          lang: article.lang,
          totalCount: await deps.commentDeps.comments.countPublished(story.siteId, story.id),
          comments: [presentComment(ctx.thread, viewerId)],
          nextHref: null,
          closed: story.closed,
          message: story.message ?? null,
          thread: { target: ctx.comment.id, allHref: `/articles/${encodeURIComponent(article.slug)}#agora-discussion` },
        });
        return reply.type('text/html; charset=utf-8').send(renderArticlePage({ article, discussion, canonicalUrl: story.url, csrfToken }));
      }
      const sort: CommentSort = COMMENT_SORTS.includes(request.query.sort as CommentSort) ? (request.query.sort as CommentSort) : 'newest';
      let page;
      try {
        page = await listComments(deps.commentDeps, { story, viewerId, sort, limit: 20, cursor: request.query.cursor });
      } catch (err) {
        // A stale or mangled cursor in a shared link should still show the discussion, from its first page.
        if (!(err instanceof AppError && err.code === 'INVALID_CURSOR')) throw err;
        page = await listComments(deps.commentDeps, { story, viewerId, sort, limit: 20 });
      }
      const nextHref = page.nextCursor ? `/articles/${encodeURIComponent(article.slug)}?sort=${sort}&cursor=${encodeURIComponent(page.nextCursor)}#agora-discussion` : null;
      const discussion = renderDiscussion({
        storyId: story.id,
        lang: article.lang,
        totalCount: page.totalCount,
        comments: page.comments.map((c) => presentComment(c, viewerId)),
        nextHref,
        closed: story.closed,
        message: story.message ?? null,
      });
      return reply.type('text/html; charset=utf-8').send(renderArticlePage({ article, discussion, canonicalUrl: story.url, csrfToken }));
    },
  );

  app.get(
    '/auth/popup',
    { helmet: securityPolicy.popup, schema: { hide: true, querystring: Type.Object({ origin: Type.Optional(Type.String({ maxLength: 300 })), lang: Type.Optional(Type.String({ maxLength: 35 })) }) } },
    async (request, reply) => {
      const lang = pickLang(request.query.lang ?? request.headers['accept-language']);
      const origin = request.query.origin ?? '';
      // Tokens are only ever posted to an origin that a site allowed: a stranger's page gets nothing.
      const site = origin !== '' ? await deps.origins.siteForOrigin(origin) : undefined;
      const allowed = origin === own || site !== undefined;
      const auth = request.auth?.via === 'cookie' ? request.auth : null;
      // The site's identity providers, one button each (oidc/pages.ts).
      const providers = allowed && site ? providerButtons(await deps.oidc.repo.list(site.id), { origin, lang }) : undefined;
      const page = renderPopupPage({
        providers,
        lang,
        targetOrigin: allowed ? origin : null,
        signedInAs: auth?.user.displayName ?? null,
        csrfToken: auth ? deps.csrf.issue(auth.sessionId) : null,
        siteName: site?.name,
      });
      return reply.status(allowed ? 200 : 403).type('text/html; charset=utf-8').send(page);
    },
  );
};
