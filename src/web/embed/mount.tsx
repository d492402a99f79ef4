import { render } from 'preact';
import { DiscussionView } from './components/DiscussionView.js';
import type { Config } from './config.js';
import { loadStrings } from './strings.js';
import { css } from './styles.js';

/**
 * Renders a Discussion into an open shadow root on `host`. Light-DOM children (the server-rendered
 * discussion for no-JS readers and crawlers) stay in place but are not slotted, so they are not shown.
 * Returns a function that unmounts it.
 */
export function mount(host: Element, cfg: Config): () => void {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  let live = true;
  loadStrings(cfg.lang).then(
    (s) =>
      live &&
      render(
        <>
          <style>{css}</style>
          <DiscussionView cfg={{ ...cfg, s }} />
        </>,
        root,
      ),
    // Without strings nothing readable can be shown: the server-rendered discussion, if any, is put back.
    () => host.shadowRoot === root && (root.innerHTML = '<slot></slot>'),
  );
  return () => {
    live = false;
    render(null, root);
  };
}
