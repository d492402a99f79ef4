import type { VNode } from 'preact';

// One constructed sheet per stylesheet text, shared by every widget on the page.
const made: Record<string, CSSStyleSheet> = {};

/**
 * Applies the stylesheet `text` to the widget's shadow root. A constructed stylesheet (`adoptedStyleSheets`) is not
 * an inline style, so a page's `style-src 'self'` without `'unsafe-inline'` cannot block it (docs/adr/0023). Browsers
 * without them (Firefox < 101, Safari < 16.4) get the `<style>` element returned here instead, carrying the page's
 * nonce when it gave one; null when the sheet is adopted.
 */
export function sheet(root: ShadowRoot, text: string, nonce?: string): VNode | null {
  const adopted = root.adoptedStyleSheets;
  if (!adopted) return <style nonce={nonce}>{text}</style>;
  let s = made[text];
  if (!s) (made[text] = s = new CSSStyleSheet()).replaceSync(text);
  if (!adopted.includes(s)) root.adoptedStyleSheets = [...adopted, s];
  return null;
}
