/**
 * count.js: fills every element with `data-agora-count-url` with that page's comment count ("12 commentaires"),
 * in one cacheable request for the whole page. Budget: 1 KB gzip (test/unit/count-size.test.ts), so no framework.
 */
const script = document.currentScript as HTMLScriptElement | null;

function run() {
  const els = document.querySelectorAll<HTMLElement>('[data-agora-count-url]');
  if (!els.length) return;
  const abs = (e: HTMLElement) => new URL(e.dataset.agoraCountUrl as string, location.href).href;
  const api = script?.dataset.api || new URL(script?.src || location.href).origin;
  const q = new URLSearchParams({ lang: script?.dataset.lang || document.documentElement.lang || 'en' });
  // Sorted and deduplicated, so every page listing the same articles makes the same, cacheable request.
  for (const u of [...new Set(Array.from(els, abs))].sort()) q.append('url', u);
  fetch(`${api}/api/v1/counts?${q}`, { credentials: 'omit' })
    .then((r) => r.json())
    .then((d: { counts: Record<string, { text: string }> }) => {
      for (const e of els) {
        const c = d.counts[abs(e)];
        if (c) e.textContent = c.text;
      }
    })
    .catch(() => {
      // The page's own placeholder text stays: counts are decoration, never an error to show.
    });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
else run();
