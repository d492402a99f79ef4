/**
 * Every snippet a publisher copies from the README and docs/, run as written (issue 12, point 12): each ```html block
 * is served as a publisher's page and opened in Chromium against a running Agora; the ```css theming block is put on
 * such a page; the token signers (Node, Python, PHP) sign a token that Agora's `POST /api/v1/auth/sso` accepts; the
 * webhook verifier accepts what Agora signs and refuses a tampered or stale request.
 *
 * "As written" means: the code is taken from the Markdown on every run (a snippet edited in the README is tested in
 * its new form), and only the example names are replaced, with a table below: the example origins by the test's,
 * the example site id by the test site's, and the elided example token by a real one. Nothing else is changed; a
 * snippet the test does not know how to check fails the test, so a new snippet cannot go untested.
 * Agora is on `localhost`, the publisher on `127.0.0.1`: cross-site, as in production.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.js';
import { hsToken, makeSite, publishEverything } from '../fixtures/publisher.js';
import { signWebhook } from '../../src/server/webhooks/signing.js';
import { STEP_TIMEOUT_MS, TEST_TIMEOUT_MS, eventually, launchBrowser, newContext } from './helpers.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
/** Where generated snippet files go: under node_modules, so that `import … from 'jose'` resolves as in a project. */
const SCRATCH = join(ROOT, 'node_modules', '.cache', 'agora-snippets');
const DOCS = ['README.md', 'docs/quick-start.md', 'docs/deploy.md', 'docs/scaling.md', 'docs/api-contract.md'];

interface Snippet {
  file: string;
  line: number;
  lang: string;
  code: string;
  /** The nearest Markdown heading above the snippet. */
  section: string;
}

/** Fenced code blocks of a Markdown file, indented ones (inside list items) included, with their indentation removed. */
export function extractSnippets(file: string, markdown: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = markdown.split('\n');
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{1,6}\s+(.*)$/.exec(lines[i]!);
    if (heading) section = heading[1]!;
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push(lines[j]!.slice(Math.min(indent, lines[j]!.length - lines[j]!.trimStart().length)));
    out.push({ file, line: i + 1, lang: open[2]!, code: body.join('\n'), section });
    i = j;
  }
  return out;
}

let agora: TestServer;
let site: { id: string; secret: string };
let publisher: Server;
let origin: string;
let browser: Browser;
const snippets: Snippet[] = [];
/** Pages the publisher serves: path → body (inside a plain article shell). */
const pages = new Map<string, string>();

/** The example names of the docs, and what the test puts in their place. */
function substitute(code: string): string {
  return code
    .replaceAll('https://comments.example.com', agora.url)
    .replaceAll('https://news.example.com', origin)
    .replaceAll('https://www.news.example.com', origin)
    .replaceAll("'le-monde'", `'${site.id}'`)
    .replaceAll('"le-monde"', `"${site.id}"`);
}

/** A reader's token as the publisher's backend signs it. */
const readerToken = () => hsToken(site.secret, { sub: 'abonne-snippets', aud: site.id, name: 'Claire Abonnée' });

function startPublisher(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    // The publisher's backend endpoint the SSO snippets call (its own session says who is signed in).
    if (url.pathname === '/agora-token') {
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'private, no-store');
      void readerToken().then((t) => res.end(JSON.stringify({ token: t })));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.statusCode = 404;
      res.end();
      return;
    }
    // Any other path is an article of the publisher: a snippet's page, or a story URL a snippet names.
    res.setHeader('content-type', 'text/html; charset=utf-8');
    const body = pages.get(url.pathname) ?? '<p>Le texte de l’article.</p>';
    res.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Un article ${url.pathname}</title>
<link rel="canonical" href="${origin}${url.pathname}"></head><body><h1>Un article</h1>
${body}</body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  for (const file of DOCS) {
    const text = await readFile(join(ROOT, file), 'utf8').catch(() => null);
    if (text !== null) snippets.push(...extractSnippets(file, text));
  }
  agora = await startTestServer();
  publishEverything(agora.deps);
  publisher = await startPublisher();
  origin = `http://127.0.0.1:${(publisher.address() as AddressInfo).port}`;
  site = await makeSite(agora.deps, 'gazette-snippets', [origin], { lang: 'fr' });
  browser = await launchBrowser();
  await mkdir(SCRATCH, { recursive: true });
});

after(async () => {
  await browser?.close();
  await agora?.close();
  await new Promise((r) => publisher?.close(r));
  await rm(SCRATCH, { recursive: true, force: true });
});

const where = (s: Snippet) => `${s.file}:${s.line} (${s.section})`;
const ofLang = (...langs: string[]) => snippets.filter((s) => langs.includes(s.lang));

/** Serves `body` as a publisher's page and opens it; returns the page and what its console printed. */
async function openPage(name: string, body: string): Promise<{ page: Page; console: string[]; errors: string[] }> {
  const path = `/snippet/${name}`;
  pages.set(path, body);
  // A new context per page: each snippet meets a reader who has never signed in (the widget keeps its token).
  const page = await (await newContext(browser)).newPage();
  const logged: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => logged.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}${path}`);
  return { page, console: logged, errors };
}

/** The element holding a rendered Discussion (whatever its tag), once it is there; its sign-in state. */
async function renderedDiscussion(page: Page): Promise<{ signedIn: boolean }> {
  const handle = await page.waitForFunction(
    () => {
      const hosts = [...document.querySelectorAll('*')].filter((el) => el.shadowRoot?.querySelector('[data-testid="discussion"]'));
      if (hosts.length !== 1) return null;
      const root = hosts[0]!.shadowRoot!;
      const signedIn = root.querySelector('[data-testid="sign-out"]') != null;
      const signedOut = root.querySelector('[data-testid="sign-in"]') != null;
      return signedIn || signedOut ? { signedIn } : null;
    },
    undefined,
    { timeout: STEP_TIMEOUT_MS },
  );
  return (await handle.jsonValue()) as { signedIn: boolean };
}

/** Whether a snippet hands the widget a reader's token (then the reader must end up signed in). */
const signsIn = (code: string) => /data-sso-token|getToken|ssoToken/.test(code);

test('the docs hold the snippets this test knows how to check, and no other kind', () => {
  const kinds = new Set(snippets.map((s) => s.lang));
  // sh/json/yaml/nginx/ts blocks are commands, configuration and payloads, checked where they are used (deploy
  // and CLI tests); `http` is the CSP header line, served as printed by test/e2e/host-pages.test.ts; everything a
  // publisher pastes into a page or a backend is below.
  const known = new Set(['html', 'css', 'js', 'python', 'php', 'sh', 'json', 'yaml', 'nginx', 'ts', 'http', '']);
  const unknown = [...kinds].filter((k) => !known.has(k));
  assert.deepEqual(unknown, [], `snippets of a kind nobody tests: ${unknown.join(', ')}`);
  assert.ok(ofLang('html').length >= 5, 'the embed, embed API, SSO and count snippets were found');
});

test('every HTML snippet, served as a publisher’s page, works in Chromium', { timeout: TEST_TIMEOUT_MS * 3 }, async () => {
  const html = ofLang('html');
  for (const [i, s] of html.entries()) {
    const code = substitute(s.code).replace('data-sso-token="eyJhbGciOiJIUzI1NiJ9…"', `data-sso-token="${await readerToken()}"`);
    assert.doesNotMatch(code, /example\.com|…"/, `${where(s)}: an example name the test does not replace`);
    const { page, console: logged, errors } = await openPage(`html-${i}`, code);
    try {
      if (code.includes('count.js')) {
        // The comment counts: every marked element gets a localised count.
        await page.waitForFunction(() => [...document.querySelectorAll('[data-agora-count-url]')].every((el) => /\d+ commentaire/.test(el.textContent ?? '')), undefined, { timeout: STEP_TIMEOUT_MS });
      } else if (code.includes('embed.js')) {
        const state = await renderedDiscussion(page);
        assert.equal(state.signedIn, signsIn(code), `${where(s)}: ${signsIn(code) ? 'the reader is signed in' : 'the reader is signed out'}`);
        if (code.includes('function showArticle')) {
          // The single-page example: the router shows another article; one Discussion is left, on the new story.
          await page.evaluate(() => (window as unknown as { showArticle: (u: string) => void }).showArticle('/2026/11/another-story'));
          await renderedDiscussion(page);
          assert.match(page.url(), /another-story/);
        }
        if (code.includes('onReady')) {
          await eventually(() => assert.ok(logged.some((l) => /Discussion shown/.test(l)), `${where(s)}: onReady was called (${logged.join(' | ')})`));
        }
      } else {
        assert.fail(`${where(s)}: an HTML snippet without embed.js or count.js; teach this test what it should do`);
      }
      assert.deepEqual(errors, [], `${where(s)}: no uncaught error on the page`);
    } catch (e) {
      throw new Error(`${where(s)}: ${(e as Error).message}\n--- the page as served:\n${code}\n--- its console:\n${logged.join('\n')}`, { cause: e });
    } finally {
      await page.context().close();
    }
  }
});

test('the theming CSS snippet recolours the Discussion', { timeout: TEST_TIMEOUT_MS }, async () => {
  const css = ofLang('css');
  assert.ok(css.length >= 1, 'the theming snippet was found');
  const embed = ofLang('html').find((s) => /^<script async src="https:\/\/comments\.example\.com\/embed\.js"/.test(s.code.trim()));
  assert.ok(embed, 'the one-line embed snippet is in the docs');
  for (const [i, s] of css.entries()) {
    // The selector the snippet uses is the widget's host, as the README says.
    const selector = /^\s*([.#][\w-]+)\s*\{/m.exec(s.code)?.[1];
    assert.ok(selector, `${where(s)}: a rule on the widget's host`);
    const accent = /--agora-accent:\s*(#[0-9a-f]{6})/i.exec(s.code)?.[1];
    assert.ok(accent, `${where(s)}: the snippet sets --agora-accent`);
    const rgb = `rgb(${[1, 3, 5].map((k) => parseInt(accent.slice(k, k + 2), 16)).join(', ')})`;
    const { page } = await openPage(`css-${i}`, `<style>${s.code}</style>\n${substitute(embed.code)}`);
    try {
      await renderedDiscussion(page);
      const seen = await page.evaluate((sel) => {
        const host = document.querySelector(sel);
        if (!host?.shadowRoot) return { host: false, colours: [] as string[] };
        const colours = new Set<string>();
        for (const el of host.shadowRoot.querySelectorAll('*')) {
          const cs = getComputedStyle(el);
          colours.add(cs.color).add(cs.backgroundColor).add(cs.borderTopColor);
        }
        return { host: true, colours: [...colours] };
      }, selector);
      assert.ok(seen.host, `${where(s)}: ${selector} is the element holding the Discussion`);
      assert.ok(seen.colours.includes(rgb), `${where(s)}: the accent ${accent} is used inside the Discussion (seen: ${seen.colours.join(', ')})`);
    } finally {
      await page.context().close();
    }
  }
});

/** Agora's answer to a signed token, as the widget would send it. */
async function exchange(token: string): Promise<number> {
  const res = await fetch(`${agora.url}/api/v1/auth/sso`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ token }) });
  return res.status;
}

test('the Node token signer and endpoint sign a token Agora accepts', { timeout: TEST_TIMEOUT_MS }, async () => {
  const signers = ofLang('js').filter((s) => s.code.includes('SignJWT'));
  assert.ok(signers.length >= 1, 'the Node signer was found');
  for (const [i, s] of signers.entries()) {
    const file = join(SCRATCH, `signer-${i}.mjs`);
    await writeFile(file, substitute(s.code));
    process.env.AGORA_SSO_SECRET = site.secret;
    const reader = { id: 42, displayName: 'Zoé Lectrice', email: 'zoe@snippets.example' };
    let signedIn: typeof reader | null = reader;
    (globalThis as { yourSessionReader?: unknown }).yourSessionReader = async () => signedIn;
    const mod = (await import(file)) as { agoraToken: (r: typeof reader) => Promise<string>; agoraTokenEndpoint: Parameters<typeof createServer>[0] };
    assert.equal(await exchange(await mod.agoraToken(reader)), 200, `${where(s)}: Agora accepts the token`);
    // The endpoint, in a real HTTP server: 200 with a token and no-store for a reader, 204 for nobody.
    const server = createServer(mod.agoraTokenEndpoint);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/agora-token`;
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('cache-control') ?? '', /no-store/);
      assert.equal(await exchange(((await res.json()) as { token: string }).token), 200, `${where(s)}: the endpoint's token is accepted`);
      signedIn = null;
      assert.equal((await fetch(url)).status, 204, `${where(s)}: nobody signed in → 204`);
    } finally {
      server.close();
      delete process.env.AGORA_SSO_SECRET;
    }
  }
});

test('the Python token signer signs a token Agora accepts, and one signed with another secret is refused', { timeout: TEST_TIMEOUT_MS }, async () => {
  const signers = ofLang('python');
  assert.ok(signers.length >= 1, 'the Python signer was found');
  for (const [i, s] of signers.entries()) {
    const file = join(SCRATCH, `signer-${i}.py`);
    await writeFile(file, `${substitute(s.code)}\n\nimport sys\nprint(agora_token("py-42", "Zoé Lectrice", "zoe.py@snippets.example"))\n`);
    const { stdout } = await run('python3', [file], { env: { ...process.env, AGORA_SSO_SECRET: site.secret } });
    assert.equal(await exchange(stdout.trim()), 200, `${where(s)}: Agora accepts the token`);
    const { stdout: wrong } = await run('python3', [file], { env: { ...process.env, AGORA_SSO_SECRET: `${site.secret}x` } });
    assert.equal(await exchange(wrong.trim()), 401, `${where(s)}: another secret signs a token Agora refuses`);
  }
});

test('the PHP token signer and endpoint sign a token Agora accepts', { timeout: TEST_TIMEOUT_MS }, async () => {
  const signers = ofLang('php');
  assert.ok(signers.length >= 1, 'the PHP signer was found');
  for (const [i, s] of signers.entries()) {
    const file = join(SCRATCH, `signer-${i}.php`);
    // The snippet's endpoint asks the publisher's own session who is signed in: that function is the publisher's.
    const session = `\nfunction your_session_reader() { return getenv('READER') ? ['id' => 7, 'name' => 'Zoé Lectrice', 'email' => 'zoe.php@snippets.example'] : null; }\n`;
    await writeFile(file, substitute(s.code) + session);
    const { stdout } = await run('php', [file], { env: { ...process.env, AGORA_SSO_SECRET: site.secret, READER: '1' } });
    const token = (JSON.parse(stdout) as { token: string }).token;
    assert.equal(await exchange(token), 200, `${where(s)}: Agora accepts the token`);
    const { stdout: nobody } = await run('php', [file], { env: { ...process.env, AGORA_SSO_SECRET: site.secret, READER: '' } });
    assert.equal(nobody, '', `${where(s)}: nobody signed in → no body (204)`);
  }
});

test('the webhook verifier accepts what Agora signs and refuses tampered or stale requests', async () => {
  const verifiers = ofLang('js').filter((s) => s.code.includes('verifyAgora'));
  assert.ok(verifiers.length >= 1, 'the webhook verifier was found');
  for (const [i, s] of verifiers.entries()) {
    const file = join(SCRATCH, `verifier-${i}.mjs`);
    await writeFile(file, `${s.code}\nexport { verifyAgora };\n`);
    const { verifyAgora } = (await import(file)) as { verifyAgora: (body: string, header: string, secret: string) => boolean };
    const body = JSON.stringify({ type: 'comment.created', data: { id: 'c1', text: 'Très juste' } });
    const now = Math.floor(Date.now() / 1000);
    assert.equal(verifyAgora(body, signWebhook('whsec', body, now), 'whsec'), true, `${where(s)}: a genuine delivery`);
    assert.equal(verifyAgora(body.replace('juste', 'faux'), signWebhook('whsec', body, now), 'whsec'), false, `${where(s)}: a tampered body`);
    assert.equal(verifyAgora(body, signWebhook('other', body, now), 'whsec'), false, `${where(s)}: another secret`);
    assert.equal(verifyAgora(body, signWebhook('whsec', body, now - 3600), 'whsec'), false, `${where(s)}: a replay an hour old`);
  }
});
