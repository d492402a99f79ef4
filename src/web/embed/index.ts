/**
 * embed.js, the script publishers put on their pages (`<script async src=".../embed.js">`): a classic script, so it
 * works wherever a script tag does, that imports the widget's ES modules from its own origin (docs/adr/0020).
 * It fetches the reading path and the page's strings at once, in parallel, then starts the reading module.
 * Interaction chunks (composer, sign-in, report…) are imported later by the reading module itself.
 */

/** Set by the build: the reading path's files (the first exports `boot`, under that name) and each language's strings. */
declare const __AGORA_EMBED__: { read: string[]; boot: string; en: string[]; fr: string[] };

// currentScript is only set while this file is first evaluated, so it is read now; the fallback covers
// loaders that inject the code some other way. Spread, not Array.from: old libraries replace it.
const script = (document.currentScript ?? [...document.querySelectorAll('script[src*="embed.js"]')].pop()) as HTMLScriptElement | null;
// The modules sit next to embed.js, on Agora's origin: a page whose CSP allows embed.js allows them too.
const get = (f: string) => import(new URL(`embed/${f}`, script?.src || location.href).href) as Promise<Record<string, (s: typeof script) => void>>;
const { read, boot, ...strings } = __AGORA_EMBED__;
// A guess, only to fetch the strings early: the widget decides the language itself (it may be another element's).
[...read.slice(1), ...strings[/^fr/i.test(script?.dataset.lang || document.documentElement.lang) ? 'fr' : 'en']].map((f) => get(f).catch(() => 0));
get(read[0]!).then((m) => m[boot]!(script), console.error);
