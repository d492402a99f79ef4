import type { WidgetStrings, Lang } from '../../i18n/discussion.js';

declare global {
  interface Window {
    /** Catalogs loaded by embed-<lang>.js, shared by every widget on the page. */
    AgoraStrings?: Partial<Record<Lang, WidgetStrings>>;
  }
}

const loading: Partial<Record<Lang, Promise<WidgetStrings>>> = {};

/**
 * The reader-facing strings of one language. embed.js carries no catalog: each page loads only its own language
 * (embed-fr.js or embed-en.js, ~1 KB gzip), which keeps what the embed loads within its 15 KB budget.
 */
export function loadStrings(api: string, lang: Lang): Promise<WidgetStrings> {
  const have = window.AgoraStrings?.[lang];
  if (have) return Promise.resolve(have);
  return (loading[lang] ??= new Promise((resolve, reject) => {
    const el = document.createElement('script');
    el.src = `${api}/embed-${lang}.js`;
    el.onload = () => {
      const got = window.AgoraStrings?.[lang];
      if (got) resolve(got);
      else reject(new Error('strings'));
    };
    el.onerror = () => {
      delete loading[lang];
      reject(new Error('strings'));
    };
    document.head.append(el);
  }));
}
