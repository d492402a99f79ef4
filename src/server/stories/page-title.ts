import MarkdownIt from 'markdown-it';

/** Longest story title kept, in characters (the column and every place a title is shown assume a line, not a page). */
export const MAX_TITLE_LENGTH = 300;

// markdown-it's decoder knows every HTML5 named entity; one instance, used only for that.
const { unescapeAll } = new MarkdownIt().utils;

/**
 * Text with its HTML character references decoded (`&eacute;`, `&#233;`, `&#xE9;`). Backslashes are protected first:
 * the decoder also undoes Markdown's backslash escapes, which mean nothing in HTML.
 */
export function decodeEntities(text: string): string {
  return unescapeAll(text.replace(/\\/g, '&#92;'));
}

// Controls (C0, DEL, C1), bidirectional overrides and isolates, zero-width characters and the BOM: invisible in a
// title but able to reorder or hide the text around it in feeds, emails and the console.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** A title as stored: invisible characters dropped, white space collapsed, length capped. Plain text in, plain text out. */
export function cleanTitle(raw: string): string {
  const text = raw.replace(/\s/g, ' ').replace(INVISIBLE, '').replace(/ +/g, ' ').trim();
  // Cut by code points so a capped title never ends in half a surrogate pair.
  const chars = Array.from(text);
  return chars.length > MAX_TITLE_LENGTH ? chars.slice(0, MAX_TITLE_LENGTH).join('').trimEnd() : text;
}

/** ASCII-only lower case: same length as the input, so indexes found in it are indexes in the original. */
const asciiLower = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** Index just past the `>` that ends the tag opened at `from`, skipping `>` inside quoted attribute values. */
function tagEnd(html: string, from: number): number {
  let quote = '';
  for (let i = from; i < html.length; i++) {
    const c = html[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i + 1;
  }
  return html.length;
}

const ATTR = /([^\s"'=<>`/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/** A tag's attributes, names in lower case; the first of a repeated name wins, as in browsers. */
function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  const body = tag.replace(/^<[^\s/>]+/, '').replace(/\/?>$/, '');
  for (const m of body.matchAll(ATTR)) {
    const name = asciiLower(m[1] ?? '');
    if (!out.has(name)) out.set(name, m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

// Elements whose content is not markup: a <title> or <meta> inside them is text, not the page's.
const RAW_TEXT = new Set(['script', 'style', 'template', 'noscript', 'textarea', 'xmp', 'iframe', 'noembed', 'noframes']);

/**
 * The page's title from the start of its HTML: `og:title` (what the newsroom chose for sharing), else `<title>`;
 * null when neither has visible text. A single forward scan with indexOf (no backtracking regular expression over
 * the page), stopping at `</head>` or `<body>`, so a hostile page costs time linear in the bytes we read.
 */
export function pageTitle(html: string): string | null {
  const lower = asciiLower(html);
  let title: string | null = null;
  let i = 0;
  while (i < html.length) {
    const lt = lower.indexOf('<', i);
    if (lt < 0) break;
    if (lower.startsWith('<!--', lt)) {
      const end = lower.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    const name = /^<(\/?[a-z][a-z0-9-]*)/.exec(lower.slice(lt, lt + 40))?.[1];
    if (!name) {
      i = lt + 1;
      continue;
    }
    const end = tagEnd(html, lt);
    if (name === '/head' || name === 'body') break;
    if (name === 'meta') {
      const a = attributes(html.slice(lt, end));
      const key = asciiLower(a.get('property') ?? a.get('name') ?? '');
      if (key === 'og:title') {
        const og = cleanTitle(decodeEntities(a.get('content') ?? ''));
        if (og) return og;
      }
    } else if (name === 'title') {
      const close = lower.indexOf('</title', end);
      const text = cleanTitle(decodeEntities(html.slice(end, close < 0 ? html.length : close)));
      // The first <title> counts; og:title may still come after it, so keep scanning.
      if (title === null && text) title = text;
      i = close < 0 ? html.length : close;
      continue;
    } else if (RAW_TEXT.has(name)) {
      const close = lower.indexOf(`</${name}`, end);
      i = close < 0 ? html.length : close;
      continue;
    }
    i = end;
  }
  return title;
}

/** The charset a page declares in its first bytes (`<meta charset>` or the http-equiv form), if any. */
function declaredCharset(head: Buffer): string | null {
  const text = asciiLower(head.subarray(0, 1024).toString('latin1'));
  return /<meta[^>]*charset\s*=\s*["']?\s*([a-z0-9_.:-]+)/.exec(text)?.[1] ?? null;
}

/** The page's bytes as text, in the charset of its Content-Type, else of its `<meta>`, else UTF-8. */
export function decodePage(bytes: Buffer, contentType: string | undefined): string {
  const label = /charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType ?? '')?.[1] ?? declaredCharset(bytes) ?? 'utf-8';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
