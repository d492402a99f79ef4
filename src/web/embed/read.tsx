/**
 * The reading module, started by embed.js: mounts the Discussion next to (or into the container named by) the
 * script tag, and exposes `window.Agora.render` for pages that mount it themselves.
 */
import { resolveConfig, type EmbedOptions } from './config.js';
import { mount } from './mount.js';

/** Options of `Agora.render`: the script tag's options, plus the element to take over. */
export interface RenderOptions extends EmbedOptions {
  target?: Element | null;
}

declare global {
  interface Window {
    Agora?: { render(opts: RenderOptions): () => void };
  }
}

/** The element to take over: the named container, else a new div right after the script. Null: wait for the DOM. */
function hostFor(s: HTMLScriptElement): Element | null {
  const id = s.dataset.container;
  if (id) {
    const el = document.getElementById(id);
    if (el) return el;
    if (document.readyState === 'loading') return null;
  }
  const div = document.createElement('div');
  div.className = 'agora-embed';
  const parent = s.parentElement;
  // A script in <head> cannot have a visible sibling: fall back to the end of <body>.
  if (parent && parent !== document.head) s.after(div);
  else if (document.body) document.body.append(div);
  else return null;
  return div;
}

/** Starts the widget for the script tag that loaded embed.js (null when it cannot be found). */
export function boot(script: HTMLScriptElement | null): void {
  const scriptSrc = script?.src;
  window.Agora = {
    render(opts) {
      const target = opts.target ?? (opts.container ? document.getElementById(opts.container) : null);
      if (!target) throw new Error('Agora.render: no target element');
      return mount(target, resolveConfig(opts, scriptSrc, target));
    },
  };

  function autoMount(s: HTMLScriptElement) {
    const host = hostFor(s);
    // data-story-id, data-story-url, data-lang, data-api, data-container map 1:1 onto EmbedOptions.
    if (host) mount(host, resolveConfig(s.dataset, scriptSrc, host));
    else document.addEventListener('DOMContentLoaded', () => autoMount(s), { once: true });
  }

  // `data-manual` leaves mounting to Agora.render (e.g. single-page apps that mount on navigation).
  if (script && script.dataset.manual === undefined) autoMount(script);
}
