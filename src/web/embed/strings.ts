import type { Lang, MoreStrings, ReadStrings, WidgetStrings } from '../../i18n/discussion.js';

/** The file name of each strings module (strings/<lang>.ts and <lang>-more.ts, built apart), set by the build. */
declare const __AGORA_STRINGS__: Record<Lang | `${Lang}-more`, string>;

const load = <T>(name: keyof typeof __AGORA_STRINGS__) =>
  (import(new URL(__AGORA_STRINGS__[name], import.meta.url).href) as Promise<{ default: T }>).then((m) => m.default);

/**
 * The reading path's strings in one language. The reading module carries no catalog: each page loads only its own
 * language's module (embed.js has already started fetching it), which sits next to this module on Agora's origin;
 * the browser's module map keeps it for every widget on the page.
 */
export const loadStrings = (lang: Lang): Promise<ReadStrings> => load(`${lang}`);

const whole: Partial<Record<Lang, WidgetStrings>> = {};

/** Every string of the widget in one language: the reading path's and the interaction chunks' (fetched once). */
export async function loadAllStrings(lang: Lang): Promise<WidgetStrings> {
  return (whole[lang] ??= { ...(await loadStrings(lang)), ...(await load<MoreStrings>(`${lang}-more`)) });
}

/** The whole catalog of `lang`, once loadAllStrings has resolved (the chunks' components only render after it). */
export const allStrings = (lang: Lang): WidgetStrings => whole[lang]!;
