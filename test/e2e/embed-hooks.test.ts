import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, TEST_TIMEOUT_MS } from './helpers.js';

/**
 * The widget's own hooks (src/web/embed/hooks.ts, which replace preact/hooks: docs/adr/0020) keep the contract the
 * widget relies on, in a real browser with the widget's Preact: updaters compose, an unchanged value does not
 * render again, effects run after the DOM is there and again only when a dependency changes, each cleanup before
 * its effect runs again and on unmount, pending effects before the component renders again, and the context
 * (context.ts) reaches components below whoever renders them.
 */
const fixture = `
import { render } from 'preact';
import { useEffect, useRef, useState, useMemo } from './hooks.js';
import { DiscussionProvider, useD } from './context.js';
const log = (window.log = []);
let setA, setB, setV, bump;
function Counter() {
  const [a, sa] = useState(0);
  const [b, sb] = useState(() => 'x');
  const renders = useRef(0);
  renders.current++;
  setA = sa; setB = sb;
  const twice = useMemo(() => (log.push('memo ' + a), a * 2), [a]);
  useEffect(() => {
    log.push('effect a=' + a + ' dom=' + document.getElementById('n').textContent);
    return () => log.push('cleanup a=' + a);
  }, [a]);
  useEffect(() => log.push('every render ' + renders.current));
  return <p id="n">{a}/{b}/{twice}/{renders.current}</p>;
}
function Reader() {
  const d = useD();
  const [n, setN] = useState(0);
  bump = () => setN((x) => x + 1);
  return <p id="ctx">{String(d)} {n}</p>;
}
function Root() {
  const [v, sv] = useState('one');
  setV = sv;
  return <DiscussionProvider value={v}><div><Counter /><Reader /></div></DiscussionProvider>;
}
const root = document.getElementById('root');
window.t = {
  mount: () => render(<Root />, root),
  unmount: () => render(null, root),
  incTwice: () => { setA((n) => n + 1); setA((n) => n + 1); },
  same: () => setB('x'),
  other: () => setB('y'),
  ctx: (v) => setV(v),
  bump: () => bump(),
};
`;

let browser: Browser;
let page: Page;
const settle = () => page.evaluate(() => new Promise((r) => setTimeout(r, 20)));
const text = (id: string) => page.locator(`#${id}`).textContent();
const takeLog = () => page.evaluate(() => (window as unknown as { log: string[] }).log.splice(0));
const call = (fn: string, arg?: string) => page.evaluate(([f, a]) => (window as unknown as { t: Record<string, (a?: string) => void> }).t[f!]!(a), [fn, arg]);

before(async () => {
  const out = await build({
    stdin: { contents: fixture, loader: 'tsx', resolveDir: fileURLToPath(new URL('../../src/web/embed', import.meta.url)) },
    bundle: true,
    write: false,
    format: 'iife',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'silent',
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.setContent('<div id="root"></div>');
  await page.addScriptTag({ content: out.outputFiles[0]!.text });
});
after(() => browser?.close());

test('the widget’s hooks: state, effects and cleanups, memo, context', { timeout: TEST_TIMEOUT_MS }, async () => {
  await call('mount');
  await settle();
  assert.equal(await text('n'), '0/x/0/1');
  assert.deepEqual(await takeLog(), ['memo 0', 'effect a=0 dom=0/x/0/1', 'every render 1'], 'effects run after the render is in the DOM');
  assert.equal(await text('ctx'), 'one 0');

  await call('incTwice');
  await settle();
  assert.equal(await text('n'), '2/x/4/2', 'two updaters compose, one render');
  assert.deepEqual(await takeLog(), ['memo 2', 'cleanup a=0', 'effect a=2 dom=2/x/4/2', 'every render 2']);

  await call('same');
  await settle();
  assert.equal(await text('n'), '2/x/4/2', 'the same value renders nothing');
  assert.deepEqual(await takeLog(), []);

  await call('other');
  await settle();
  assert.equal(await text('n'), '2/y/4/3');
  assert.deepEqual(await takeLog(), ['every render 3'], 'an effect whose dependencies did not change does not run again');

  // A render before the last one's effects have run (they wait for a task): they run first, then the new ones.
  await page.evaluate(() => {
    const t = (window as unknown as { t: Record<string, () => void> }).t;
    t.incTwice!();
    return Promise.resolve().then(() => Promise.resolve()).then(() => t.incTwice!());
  });
  await settle();
  assert.equal(await text('n'), '6/y/12/5');
  assert.deepEqual(await takeLog(), ['memo 4', 'cleanup a=2', 'effect a=4 dom=4/y/8/4', 'every render 4', 'memo 6', 'cleanup a=4', 'effect a=6 dom=6/y/12/5', 'every render 5']);

  await call('ctx', 'two');
  await settle();
  assert.equal(await text('ctx'), 'two 0', 'a new value reaches the components below the provider');
  await call('bump');
  await settle();
  assert.equal(await text('ctx'), 'two 1', 'a consumer rendering by itself reads the current value');
  await takeLog();

  await call('unmount');
  await settle();
  assert.deepEqual(await takeLog(), ['cleanup a=6'], 'unmounting runs the cleanups');
});
