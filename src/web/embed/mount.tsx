import { render } from 'preact';
import { DiscussionView } from './components/DiscussionView.js';
import type { Config } from './config.js';
import { loadStrings } from './strings.js';
import { sheet } from './sheet.js';
import { css } from './styles.js';

/** What `Agora.render` returns. */
export interface Handle {
  /** Removes the Discussion: its live stream closes and nothing of it keeps running. */
  destroy(): void;
}

// One Discussion per element: mounting again where one is replaces it rather than adding a second.
const mounted = new WeakMap<Element, Handle>();

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
      live = false;
      render(null, root);
    },
  };
  mounted.set(host, handle);
  return handle;
}
