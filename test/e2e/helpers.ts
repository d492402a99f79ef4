/**
 * Shared plumbing for the end-to-end tests: a real Chromium, axe-core, and locators for the Discussion widget,
 * which renders inside an open shadow root (Playwright locators pierce open shadow roots).
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Background services off so a test run makes no request we did not ask for. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Generous but bounded: a hung step fails the test instead of hanging the run. */
export const STEP_TIMEOUT_MS = 15_000;
export const TEST_TIMEOUT_MS = 90_000;

export const DEMO_ARTICLE_SLUG = 'etats-unis-mexique-fentanyl';

/** Launches the system Chromium, headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A fresh context (a separate reader: own cookies and storage) with the e2e step timeout. */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'fr-FR', ...options });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return context;
}

export interface PersistentBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * A persistent Chromium profile whose preferences block third-party cookies, as Safari and privacy-minded
 * readers do: the embed must work without them. Preferences are the verified mechanism here; the
 * embed test also checks the block with a probe cookie so a silently ignored preference fails loudly.
 */
export async function launchWithThirdPartyCookiesBlocked(options: BrowserContextOptions = {}): Promise<PersistentBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'agora-e2e-'));
  await mkdir(join(userDataDir, 'Default'));
  await writeFile(
    join(userDataDir, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 1, block_third_party_cookies: true } }),
  );
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    locale: 'fr-FR',
    ...options,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Also asks the page's target, through CDP, to restrict third-party cookies (belt and braces). */
export async function restrictThirdPartyCookiesViaCdp(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.setCookieControls' as never, {
    enableThirdPartyCookieRestriction: true,
    disableThirdPartyCookieMetadata: false,
    disableThirdPartyCookieHeuristics: true,
  } as never);
}

export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

const AXE_PATH = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

/** Runs axe-core on the whole document (axe walks open shadow roots) and keeps serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<A11yViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) {
    try {
      await page.addScriptTag({ path: AXE_PATH });
    } catch {
      // Agora's pages send `script-src 'self'`, which refuses the inline tag addScriptTag makes. DevTools
      // evaluation is not subject to the page's CSP, and the CSP under test stays on (no bypassCSP).
      await page.evaluate(await readFile(AXE_PATH, 'utf8'));
    }
  }
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<AxeResults> } }).axe;
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact ?? '',
        help: v.help,
        targets: v.nodes.map((n) => JSON.stringify(n.target)),
      }));
    interface AxeResults {
      violations: { id: string; impact?: string; help: string; nodes: { target: unknown }[] }[];
    }
  });
}

/** One line per violation, for assertion messages a developer can act on. */
export function describeViolations(violations: A11yViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.targets.join(', ')}`).join('\n');
}

/**
 * Locates a widget element by test id under the widget's host element. Only rendered elements count:
 * on the article page the host's server-rendered light DOM stays in the document but is not displayed
 * once the shadow root is attached, and must not be mistaken for the widget.
 */
export function widgetPart(page: Page, hostSelector: string) {
  return (testId: string): Locator =>
    page.locator(hostSelector).locator(`[data-testid="${testId}"]`).filter({ visible: true });
}

/** Waits until `hostSelector` has an open shadow root containing the rendered Discussion. */
export async function waitForWidget(page: Page, hostSelector: string): Promise<void> {
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.shadowRoot?.querySelector('[data-testid="discussion"]') != null,
    hostSelector,
    { timeout: STEP_TIMEOUT_MS },
  );
  await widgetPart(page, hostSelector)('discussion').waitFor();
}

/** The text field of a composer, whether the `composer` test id is on the field itself or on its form. */
export async function composerField(composer: Locator): Promise<Locator> {
  const isField = await composer.evaluate((el) => el.matches('textarea, input, [contenteditable="true"], [contenteditable=""]'));
  return isField ? composer : composer.locator('textarea, [contenteditable="true"], [contenteditable=""]').first();
}

/** The rendered comment whose own text (not a nested reply's) contains `text`. */
export function commentWithText(part: (testId: string) => Locator, page: Page, text: string): Locator {
  return part('comment')
    .filter({ hasText: text })
    .filter({ hasNot: page.locator('[data-testid="comment"]').filter({ hasText: text }) });
}

/** Test id of the focused element, looking through open shadow roots. */
export function deepActiveTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.getAttribute('data-testid') ?? null;
  });
}

/** Retries an assertion until it passes or `timeoutMs` elapses (polling, never a fixed sleep before asserting). */
export async function eventually(assertion: () => Promise<void> | void, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

let counter = 0;
/** An email address no other test or run has used. */
/**
 * A tag that makes a test's text unique. It always holds digits (the pid): a letters-only tag can spell a word the
 * toxicity model knows, and hold a calm comment (about 4 in 10,000 such tags, docs/moderation-classifiers.md).
 */
export function textTag(): string {
  return `${Date.now().toString(36)}-${process.pid}`;
}

export function uniqueEmail(prefix = 'reader'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid}-${counter}@example.test`;
}

export const PASSWORD = 'correct horse battery';

export interface ApiSession {
  token: string;
  user: { id: string; displayName: string };
}

/** Signs up through the API with a bearer token (no cookie: no Origin header is sent from Node). */
export async function signUpViaApi(baseUrl: string, displayName: string): Promise<ApiSession> {
  const res = await fetch(`${baseUrl}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: uniqueEmail('api'), password: PASSWORD, displayName }),
  });
  if (res.status !== 201) throw new Error(`signup: expected 201, got ${res.status} ${await res.text()}`);
  return (await res.json()) as ApiSession;
}

/** Looks up (or creates) the story of `url`. */
export async function lookupStoryId(baseUrl: string, url: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/stories/lookup?url=${encodeURIComponent(url)}`);
  if (res.status !== 200) throw new Error(`lookup: expected 200, got ${res.status} ${await res.text()}`);
  return ((await res.json()) as { story: { id: string } }).story.id;
}
