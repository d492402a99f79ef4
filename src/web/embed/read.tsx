/**
 * The reading module, started by embed.js: exposes the embed API (`window.Agora`, a command queue that works
 * whether the page's commands come before or after embed.js) and mounts the Discussion next to (or into the
 * container named by) the script tag, unless the page renders it itself.
 */
import { resolveConfig, type EmbedOptions } from './config.js';
import { handleOf, mount, type Handle } from './mount.js';

/** Options of `Agora.render`: the script tag's options and the hooks, plus the element to take over. */
export interface RenderOptions extends EmbedOptions {
  target?: Element | null;
}

/** A queued command: `['render', options]`, `['unmount', element]`, or a function called with the API once it is there. */
type Command = ['render', RenderOptions] | ['unmount', Element] | ((agora: AgoraApi) => void);

/** `window.Agora` once embed.js has run (README, "The embed API"). */
export interface AgoraApi {
  render(opts: RenderOptions): Handle;
  /** Removes the Discussion in `target`, if any (the script tag's too): as its handle's destroy(). */
  unmount(target: Element): void;
  /** The handle of the Discussion in `target`, whoever rendered it (the script tag or render). */
  get(target: Element): Handle | undefined;
  push(...commands: Command[]): void;
}

declare global {
  interface Window {
    /** Before embed.js has run, the page's queue of commands; then the API, whose `push` runs them at once. */
    Agora?: Command[] | AgoraApi;
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
  // The Discussion the script tag mounted by itself: a page that also calls render gets one Discussion, not two.
  let auto: Handle | undefined;
  let rendered = false;
  const agora: AgoraApi = {
    render(opts) {
      const target = opts.target ?? (opts.container ? document.getElementById(opts.container) : null);
      if (!target) throw new Error('Agora.render: no target element');
      rendered = true;
      auto?.destroy();
      return mount(target, resolveConfig(opts, scriptSrc, target));
    },
    unmount: (target) => handleOf(target)?.destroy(),
    get: handleOf,
    push: (...commands) => commands.forEach((c) => (typeof c == 'function' ? c(agora) : (agora[c[0]] as (a: unknown) => void)(c[1]))),
  };
  const queued = window.Agora;
  window.Agora = agora;
  if (Array.isArray(queued)) agora.push(...queued);

  function autoMount(s: HTMLScriptElement) {
    if (rendered) return;
    const host = hostFor(s);
    // data-story-id, data-story-url, data-lang, data-api, data-container map 1:1 onto EmbedOptions.
    if (host) auto = mount(host, resolveConfig({ nonce: s.nonce, ...s.dataset }, scriptSrc, host));
    else document.addEventListener('DOMContentLoaded', () => autoMount(s), { once: true });
  }

  // `data-manual` leaves mounting to Agora.render (e.g. single-page apps that mount on navigation).
  if (script && script.dataset.manual === undefined) autoMount(script);
}
