/**
 * Issue 11, finding 4: anyone could create stories without limit and choose their title. 120 anonymous lookups of
 * made-up URLs made 120 stories (and queued 120 story.created webhooks), and the first caller's `title` was shown in
 * feeds, emails, the console and webhooks. Now a story is made only for a page that answers 2xx when the server
 * fetches it (through the webhooks' internal-address guard, with a timeout and a size cap), it takes the page's own
 * title, and creations are limited per client.
 *
 * The pages are served by a real HTTP server on 127.0.0.1. The guard refuses loopback, so the app is built with the
 * test-only `storyPageLoopbackForTests`; a second app without it checks that the guard still refuses the same pages.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Deps } from '../../src/server/deps.js';
import { PAGE_MAX_BYTES, PAGE_TIMEOUT_MS } from '../../src/server/stories/page-check.js';
import { buildTestApp } from '../fixtures/server.js';
import { codeOf, makeSite } from '../fixtures/publisher.js';
import { nextAddress } from './helpers.js';

interface Story {
  id: string;
  url: string;
  title: string;
}

/** Every request the publisher's server received, by path. */
const hits = new Map<string, number>();
/** Bytes the endless pages managed to send before the reader hung up. */
const sent = new Map<string, number>();
const timers = new Set<NodeJS.Timeout>();

const page = (head: string, body = '<p>Article</p>') => `<!doctype html><html lang="fr"><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;

/** Writes filler until the client hangs up (or a bound far beyond any cap), counting what was written. */
function endless(res: ServerResponse, path: string, start: string, filler: string, then = ''): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  let written = 0;
  const write = (s: string) => {
    written += Buffer.byteLength(s);
    sent.set(path, written);
    return res.write(s);
  };
  write(start);
  let thenDone = then === '';
  const pump = () => {
    while (!res.destroyed && written < 64 * 1024 * 1024) {
      if (!thenDone && written > PAGE_MAX_BYTES + 64 * 1024) {
        thenDone = true;
        write(then);
      }
      if (!write(filler)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('close', () => sent.set(path, written));
  pump();
}

function publisher(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  hits.set(path, (hits.get(path) ?? 0) + 1);
  const html = (status: number, body: string, type = 'text/html; charset=utf-8'): void => void res.writeHead(status, { 'content-type': type }).end(body);
  if (path === '/og') {
    return html(200, page('<title>Le titre de l’onglet | Le Quotidien</title><meta property="og:title" content="L&#39;&eacute;t&eacute; &amp; la &laquo;&nbsp;crise&nbsp;&raquo; &#x2014; suite">'));
  }
  if (path === '/title-only') return html(200, page('<title>\n   Budget 2027 :\n  le   vote </title>'));
  if (path === '/no-title') return html(200, '<html><body>A page without a head</body></html>');
  if (path === '/long-title') return html(200, page(`<title>${'Très long titre '.repeat(100)}</title>`));
  if (path === '/hidden-title') return html(200, page('<!-- <title>Commented out</title> --><script>document.title = "<title>In a script</title>"</script><title>The real one</title>'));
  if (path === '/bidi') return html(200, page('<title>Budget\u202e gnissalc\u200b \u0007vote</title>'));
  if (path === '/latin1') {
    res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' });
    return void res.end(Buffer.from('<html><head><title>Été caniculaire à Marseille</title></head></html>', 'latin1'));
  }
  if (path === '/gzip') {
    res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
    return void res.end(gzipSync(page('<title>Compressed page</title>')));
  }
  if (path === '/pdf') return html(200, '%PDF-1.7 …', 'application/pdf');
  if (path === '/missing') return html(404, page('<title>Page introuvable</title>'));
  if (path === '/gone') return html(410, page('<title>Gone</title>'));
  if (path === '/broken') return html(500, page('<title>Internal error</title>'));
  if (path === '/redirect') return void res.writeHead(301, { location: '/og' }).end();
  if (path === '/redirect-away') return void res.writeHead(302, { location: `${strangerOrigin}/trap` }).end();
  if (path === '/redirect-loop') return void res.writeHead(302, { location: '/redirect-loop' }).end();
  if (path === '/slow') {
    // Never answers: the fetch must give up at its deadline.
    return;
  }
  if (path === '/trickle') {
    // Answers at once, then one byte a second: a deadline on the status line alone would wait for ever.
    res.writeHead(200, { 'content-type': 'text/html' });
    res.write('<html><head><title>Trick');
    const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write('l')), 1000);
    timers.add(t);
    return;
  }
  if (path === '/endless-body') return endless(res, path, page('<title>Endless body</title>', ''), 'x'.repeat(16 * 1024));
  if (path === '/endless-head') {
    // No </head> ever; an og:title beyond the cap must not be read.
    return endless(res, path, '<html><head><title>Early title</title>', `<meta name="filler" content="${'y'.repeat(1000)}">`, '<meta property="og:title" content="Beyond the cap">');
  }
  if (path === '/concurrent') {
    const t = setTimeout(() => html(200, page('<title>Everyone at once</title>')), 300);
    timers.add(t);
    return;
  }
  if (path.startsWith('/page/')) return html(200, page(`<title>Page ${path.slice(6)}</title>`));
  html(404, 'not found');
}

let pages: Server;
let stranger: Server;
let origin: string;
let strangerOrigin: string;
let app: FastifyInstance;
let deps: Deps;
let close: () => Promise<void>;

const listen = (s: Server) => new Promise<string>((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));

before(async () => {
  pages = createServer(publisher);
  stranger = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page('<title>Not the publisher</title>')));
  origin = await listen(pages);
  strangerOrigin = await listen(stranger);
  ({ app, deps, close } = await buildTestApp({ storyPageCheck: true, storyPageLoopbackForTests: true, storyCreationsPerHour: 5 }));
  await makeSite(deps, 'pages', [origin], { lang: 'fr' });
  deps.dispatched.push((batch) => {
    for (const e of batch) if (e.event.type === 'story.created') createdEvents.set(e.id, e.event as never);
  });
});
after(async () => {
  for (const t of timers) clearInterval(t);
  await close();
  pages.closeAllConnections();
  stranger.closeAllConnections();
  await Promise.all([new Promise((r) => pages.close(r)), new Promise((r) => stranger.close(r))]);
});

/** A lookup, from a fresh client address unless one is given (the creation limit is per client). */
function lookup(path: string, o: { title?: string; from?: string; on?: FastifyInstance } = {}): Promise<LightMyRequestResponse> {
  const q = new URLSearchParams({ url: path.startsWith('http') ? path : `${origin}${path}`, ...(o.title ? { title: o.title } : {}) });
  return (o.on ?? app).inject({ method: 'GET', url: `/api/v1/stories/lookup?${q.toString()}`, remoteAddress: o.from ?? nextAddress() });
}
async function created(path: string, o: { title?: string; from?: string } = {}): Promise<Story> {
  const res = await lookup(path, o);
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ story: Story }>().story;
}
async function storiesAt(path: string): Promise<number> {
  const row = await deps.db.selectFrom('stories').select((eb) => eb.fn.countAll<string>().as('n')).where('url', '=', `${origin}${path}`).executeTakeFirstOrThrow();
  return Number(row.n);
}
/** Every story.created event recorded so far (the dispatcher deletes delivered events from the outbox). */
const createdEvents = new Map<string, { storyId: string; story: { url: string; title: string } }>();
async function allAnnounced(): Promise<{ storyId: string; story: { url: string; title: string } }[]> {
  for (const r of await deps.db.selectFrom('outbox').select(['id', 'payload']).where('type', '=', 'story.created').execute()) createdEvents.set(String(r.id), JSON.parse(r.payload) as never);
  return [...createdEvents.values()];
}
async function announced(storyId: string): Promise<{ title: string }[]> {
  return (await allAnnounced()).filter((e) => e.storyId === storyId).map((e) => e.story);
}

describe('a new story takes its title from the page, never from an anonymous caller', () => {
  test('og:title wins over <title>, entities decoded; the caller’s title is ignored, in the story and in the story.created event', async () => {
    const story = await created('/og', { title: 'Hijacked: <b>click here</b>' });
    assert.equal(story.title, "L'été & la « crise » — suite");
    assert.doesNotMatch(story.title, /Hijacked/);
    assert.deepEqual((await announced(story.id)).map((s) => s.title), [story.title], 'webhooks get the page’s title');
    const again = await created('/og', { title: 'Another try' });
    assert.equal(again.id, story.id);
    assert.equal(again.title, story.title, 'a later caller cannot retitle it either');
  });

  test('<title> when there is no og:title: white space collapsed and trimmed', async () => {
    assert.equal((await created('/title-only')).title, 'Budget 2027 : le vote');
  });

  test('a page without a title is titled by its URL', async () => {
    assert.equal((await created('/no-title', { title: 'Mine' })).title, `${origin}/no-title`);
  });

  test('a long title is capped at 300 characters', async () => {
    const { title } = await created('/long-title');
    assert.ok(Array.from(title).length <= 300, String(title.length));
    assert.match(title, /^Très long titre/);
  });

  test('titles in comments and scripts are not the page’s; invisible and bidirectional control characters are dropped', async () => {
    assert.equal((await created('/hidden-title')).title, 'The real one');
    assert.equal((await created('/bidi')).title, 'Budget gnissalc vote');
  });

  test('the page’s charset and compression are honoured', async () => {
    assert.equal((await created('/latin1')).title, 'Été caniculaire à Marseille');
    assert.equal((await created('/gzip')).title, 'Compressed page');
  });

  test('a page that is not HTML exists but has no title: titled by its URL', async () => {
    assert.equal((await created('/pdf')).title, `${origin}/pdf`);
  });

  test('a redirect within the site is followed; the story keeps the URL asked for', async () => {
    const story = await created('/redirect');
    assert.equal(story.url, `${origin}/redirect`);
    assert.match(story.title, /crise/);
  });
});

describe('no page, no story', () => {
  for (const [path, status] of [
    ['/missing', 404],
    ['/gone', 410],
    ['/broken', 500],
  ] as const) {
    test(`a page answering ${status} creates nothing: 422 STORY_PAGE_NOT_FOUND, no story.created`, async () => {
      const res = await lookup(path, { title: 'Fake news' });
      assert.equal(res.statusCode, 422, res.body);
      assert.equal(codeOf(res), 'STORY_PAGE_NOT_FOUND');
      assert.match(res.json<{ error: { message: string } }>().error.message, new RegExp(`HTTP ${status}`));
      assert.equal(await storiesAt(path), 0);
      assert.deepEqual((await allAnnounced()).filter((e) => e.story.url.startsWith(`${origin}${path}`)), [], 'no story.created');
    });
  }

  test('the error is in the reader’s language', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/stories/lookup?url=${encodeURIComponent(`${origin}/missing`)}`, remoteAddress: nextAddress(), headers: { 'accept-language': 'fr' } });
    assert.match(res.json<{ error: { message: string } }>().error.message, /La page à cette adresse n’existe pas/);
  });

  test('a redirect off the site, or too many redirects: 422 STORY_PAGE_UNREACHABLE, and the other site is never asked', async () => {
    for (const path of ['/redirect-away', '/redirect-loop']) {
      const res = await lookup(path);
      assert.equal(res.statusCode, 422, `${path}: ${res.body}`);
      assert.equal(codeOf(res), 'STORY_PAGE_UNREACHABLE', path);
      assert.equal(await storiesAt(path), 0, path);
    }
    assert.ok((hits.get('/redirect-loop') ?? 0) <= 4, 'three redirects at most');
  });

  test('a page that does not answer, or trickles, times out after about 3 s: 422 STORY_PAGE_TIMEOUT, nothing created', async () => {
    const t0 = Date.now();
    const [slow, trickle] = await Promise.all([lookup('/slow'), lookup('/trickle')]);
    const took = Date.now() - t0;
    for (const res of [slow, trickle]) {
      assert.equal(res.statusCode, 422, res.body);
      assert.equal(codeOf(res), 'STORY_PAGE_TIMEOUT');
    }
    assert.ok(took >= PAGE_TIMEOUT_MS - 100 && took < PAGE_TIMEOUT_MS + 2000, `took ${took} ms`);
    assert.equal((await storiesAt('/slow')) + (await storiesAt('/trickle')), 0);
  });

  test('an unknown first-party article (Agora’s own origin) is not found without any fetch', async () => {
    const own = deps.config.publicUrl;
    const res = await lookup(`${own}/articles/no-such-article`);
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(codeOf(res), 'STORY_PAGE_NOT_FOUND');
  });
});

describe('the page is read within bounds', () => {
  test('reading stops after the head: an endless body does not hold the lookup', async () => {
    const t0 = Date.now();
    assert.equal((await created('/endless-body')).title, 'Endless body');
    assert.ok(Date.now() - t0 < PAGE_TIMEOUT_MS, 'well before the deadline');
  });

  test('an endless head is cut at the size cap: what lies beyond is never read', async () => {
    const t0 = Date.now();
    const story = await created('/endless-head');
    assert.ok(Date.now() - t0 < PAGE_TIMEOUT_MS, 'the cap, not the deadline, ended it');
    assert.equal(story.title, 'Early title', 'the og:title written after the cap was not read');
    // Socket buffers on both sides hold some megabytes at most; the server would write 64 MiB to a reader that read on.
    await new Promise((r) => setTimeout(r, 200));
    assert.ok((sent.get('/endless-head') ?? 0) < 16 * 1024 * 1024, `the server wrote ${sent.get('/endless-head')} bytes`);
  });
});

describe('creations are limited per client; lookups of existing stories are not', () => {
  test('beyond the hourly allowance a new page is 429 RATE_LIMITED with Retry-After, before any fetch', async () => {
    const me = nextAddress();
    for (let i = 1; i <= 5; i++) await created(`/page/${i}`, { from: me });
    const before = hits.get('/page/6') ?? 0;
    const res = await lookup('/page/6', { from: me });
    assert.equal(res.statusCode, 429, res.body);
    assert.equal(codeOf(res), 'RATE_LIMITED');
    assert.ok(Number(res.headers['retry-after']) > 0);
    assert.equal(hits.get('/page/6') ?? 0, before, 'the page was not fetched');
    assert.equal(await storiesAt('/page/6'), 0);
    // Reading stories that exist stays free, for this client too.
    for (let i = 0; i < 20; i++) assert.equal((await lookup('/page/1', { from: me })).statusCode, 200);
    // Another client is not affected.
    assert.equal((await created('/page/6')).title, 'Page 6');
  });

  test('failed attempts count too: pages that do not exist cannot be probed without limit', async () => {
    const me = nextAddress();
    for (let i = 0; i < 5; i++) assert.equal((await lookup(`/nothing-${i}`, { from: me })).statusCode, 422);
    const res = await lookup('/page/7', { from: me });
    assert.equal(res.statusCode, 429, res.body);
  });

  test('twenty readers opening a new article at once share one fetch and one story, announced once', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => lookup('/concurrent')));
    for (const r of results) assert.equal(r.statusCode, 200, r.body);
    const ids = new Set(results.map((r) => r.json<{ story: Story }>().story.id));
    assert.equal(ids.size, 1);
    assert.equal(hits.get('/concurrent'), 1, 'one fetch of the publisher’s page');
    assert.equal((await announced([...ids][0] as string)).length, 1, 'one story.created');
  });
});

describe('the internal-address guard is really on', () => {
  test('without the test-only loopback option, the same local pages are refused: 422 STORY_PAGE_UNREACHABLE, never fetched', async () => {
    const guarded = await buildTestApp({ storyPageCheck: true });
    try {
      await makeSite(guarded.deps, 'pages', [origin]);
      const before = hits.get('/page/8') ?? 0;
      const res = await lookup('/page/8', { on: guarded.app });
      assert.equal(res.statusCode, 422, res.body);
      assert.equal(codeOf(res), 'STORY_PAGE_UNREACHABLE');
      assert.doesNotMatch(res.body, /127\.0\.0\.1 is|internal/, 'the caller is not told about the operator’s network');
      assert.equal(hits.get('/page/8') ?? 0, before);
      const n = await guarded.deps.db.selectFrom('stories').select('id').where('site_id', '=', 'pages').execute();
      assert.equal(n.length, 0);
    } finally {
      await guarded.close();
    }
  });

  test('the option is test-only: the environment cannot set it', async () => {
    const { loadConfig } = await import('../../src/server/config.js');
    const config = loadConfig({ AGORA_STORY_PAGE_LOOPBACK_FOR_TESTS: 'true', STORY_PAGE_LOOPBACK_FOR_TESTS: 'true' } as NodeJS.ProcessEnv);
    assert.equal(config.storyPageLoopbackForTests, undefined);
    assert.equal(config.storyPageCheck, true, 'the page check is on by default');
  });
});
