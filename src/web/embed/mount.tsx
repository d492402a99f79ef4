import { options, render } from 'preact';
import { DiscussionView } from './components/DiscussionView.js';
import type { Config } from './config.js';
import { loadStrings } from './strings.js';
import { sheet } from './sheet.js';
import { css } from './styles.js';

/** What `Agora.render` returns, and `Agora.get` gives for any Discussion (the script tag's too). */
export interface Handle {
  /** Removes the Discussion: its live stream closes and nothing of it keeps running. */
  destroy(): void;
}

// Preact schedules re-renders through the page's `Promise`, as found when this module loads: under a slow Promise
// polyfill (old libraries install some) every update would wait for it. The browser's own microtask queue cannot
// be replaced by a page's script.
options.debounceRendering = queueMicrotask;

// One Discussion per element: mounting again where one is replaces it rather than adding a second.
const mounted = new Map<Element, Handle>();
// Hosts seen in the document: one rendered before being inserted is not taken for one that left.
const seen = new WeakSet<Element>();
let watcher: MutationObserver | undefined;

/**
 * Destroys the Discussions whose host has left the document (a single-page app replaced the view without telling
 * us), so no live stream, listener or timer outlives its widget. One observer for the page, only while a widget is
 * mounted; it reads `isConnected` of the few hosts per batch of changes, whatever the page changed.
 */
const sweep = () => mounted.forEach((h, el) => (el.isConnected ? seen.add(el) : seen.has(el) && h.destroy()));

/**
 * Renders a Discussion into an open shadow root on `host`. Light-DOM children (the server-rendered
 * discussion for no-JS readers and crawlers) stay in place but are not slotted, so they are not shown.
 */
export function mount(host: Element, cfg: Config): Handle {
  mounted.get(host)?.destroy();
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  let live = true;
  loadStrings(cfg.lang).then(
    (s) =>
      live &&
      render(
        <>
          {sheet(root, css, cfg.nonce)}
          <DiscussionView cfg={{ ...cfg, s, root }} />
        </>,
        root,
      ),
    // Without strings nothing readable can be shown: the server-rendered discussion, if any, is put back.
    () => host.shadowRoot === root && (root.innerHTML = '<slot></slot>'),
  );
  const handle = {
    destroy() {
      if (!live) return;
      live = false;
      mounted.delete(host);
      // Unmounting runs every component's cleanup: the EventSource closes, listeners go.
      render(null, root);
      if (!mounted.size) watcher = void watcher?.disconnect();
    },
  };
  mounted.set(host, handle);
  if (host.isConnected) seen.add(host);
  watcher ??= new MutationObserver(sweep);
  // The host's own root too: inside another component's shadow root, the document's observer sees no removal.
  for (const n of [document, host.getRootNode()]) watcher.observe(n, { childList: true, subtree: true });
  return handle;
}

/** The handle of the Discussion in `host`, if one is there. */
export const handleOf = (host: Element) => mounted.get(host);
