// Imported comments arrive as HTML (Disqus) or as text with a few tags (WordPress). They are turned into our Markdown
// subset and then rendered by our own renderer like any new comment, so nothing of the source's HTML reaches a page:
// safety comes from the renderer (raw HTML escaped, only http(s)/mailto links); this file only keeps the meaning.

type Node = { tag: string; attrs: string; children: Node[] } | string;

const VOID = new Set(['br', 'img', 'hr', 'wbr', 'input', 'meta', 'link', 'source', 'area', 'col', 'embed', 'param', 'track']);
const BLOCK = new Set(['p', 'div', 'blockquote', 'pre', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'tr', 'section', 'article', 'figure', 'hr', 'dl', 'dt', 'dd']);
// Content of these is never text a reader wrote.
const DROP = new Set(['script', 'style', 'iframe', 'object', 'noscript', 'template', 'svg', 'math', 'head', 'title']);

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’',
  ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', eacute: 'é', egrave: 'è', ecirc: 'ê', agrave: 'à', acirc: 'â', ccedil: 'ç',
  ocirc: 'ô', icirc: 'î', ucirc: 'û', ugrave: 'ù', euml: 'ë', iuml: 'ï', uuml: 'ü', ouml: 'ö', auml: 'ä', szlig: 'ß', oelig: 'œ',
  Eacute: 'É', Egrave: 'È', Agrave: 'À', Ccedil: 'Ç', copy: '©', reg: '®', trade: '™', euro: '€', pound: '£', deg: '°', middot: '·',
  bull: '•', times: '×', shy: '',
};

/** Decodes HTML character references; an unknown one stays as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});/gi, (m, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      // Control characters and surrogates are not text: dropped rather than smuggled through.
      if (!Number.isFinite(code) || code <= 0x08 || (code >= 0x0e && code < 0x20) || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return '';
      return String.fromCodePoint(code);
    }
    return NAMED[ref] ?? m;
  });
}

function parse(htmlText: string): Node[] {
  const root: { tag: string; attrs: string; children: Node[] } = { tag: '#root', attrs: '', children: [] };
  const stack = [root];
  const re = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|([^<]+)|(<)/g;
  let dropDepth = 0;
  for (let m = re.exec(htmlText); m; m = re.exec(htmlText)) {
    const top = stack[stack.length - 1] ?? root;
    if (m[4] !== undefined || m[5] !== undefined) {
      if (dropDepth === 0) top.children.push(m[4] ?? '<');
      continue;
    }
    if (m[2] === undefined) continue; // a comment
    const tag = m[2].toLowerCase();
    if (DROP.has(tag)) {
      dropDepth += m[1] ? (dropDepth > 0 ? -1 : 0) : m[3]?.trim().endsWith('/') ? 0 : 1;
      continue;
    }
    if (dropDepth > 0) continue;
    if (m[1]) {
      // Close the nearest open element of that name; a stray closing tag is ignored.
      const at = stack.map((n) => n.tag).lastIndexOf(tag);
      if (at > 0) stack.length = at;
    } else {
      const node = { tag, attrs: m[3] ?? '', children: [] as Node[] };
      // A new paragraph or list item closes an open one, as browsers do.
      if ((tag === 'p' || tag === 'li') && top.tag === tag) stack.pop();
      (stack[stack.length - 1] ?? root).children.push(node);
      if (!VOID.has(tag) && !(m[3] ?? '').trim().endsWith('/')) stack.push(node);
    }
  }
  return root.children;
}

function attrValue(attrs: string, name: string): string {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(attrs);
  return decodeEntities(m?.[1] ?? m?.[2] ?? m?.[3] ?? '').trim();
}

/** Escapes what our Markdown subset would otherwise interpret, so text stays text. */
function escapeText(s: string): string {
  return s.replace(/[\\`*_[\]&~]/g, (c) => `\\${c}`);
}

function safeHref(href: string): string | null {
  if (!/^(https?:\/\/|mailto:)/i.test(href)) return null;
  // Parentheses and spaces would end the Markdown link early; percent-encoding keeps the same address.
  return href.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Wraps inline text in a marker, keeping surrounding spaces outside it (`** x**` would not be emphasis). */
function wrap(inner: string, marker: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner);
  if (!m || !m[2]) return inner;
  return `${m[1]}${marker}${m[2]}${marker}${m[3]}`;
}

// Marks the '>' of quotes we emit, so that the escaping of readers' own line-leading '>' leaves them alone.
const QUOTE = '\u0001';

interface Ctx {
  keepNewlines: boolean;
}

function inline(nodes: Node[], ctx: Ctx): string {
  let out = '';
  for (const n of nodes) out += render(n, ctx);
  return out;
}

function render(n: Node, ctx: Ctx): string {
  if (typeof n === 'string') {
    let text = decodeEntities(n);
    text = ctx.keepNewlines ? text.replace(/\r\n?/g, '\n').replace(/[ \t\f\v]+/g, ' ') : text.replace(/\s+/g, ' ');
    return escapeText(text);
  }
  const body = () => inline(n.children, ctx);
  switch (n.tag) {
    case 'br':
      return '\n';
    case 'hr':
      return '\n\n';
    case 'b':
    case 'strong':
      return wrap(body(), '**');
    case 'i':
    case 'em':
    case 'cite':
      return wrap(body(), '*');
    case 'code':
    case 'tt':
    case 'kbd': {
      const text = decodeEntities(textOf(n)).replace(/\s+/g, ' ');
      if (!text.trim()) return '';
      const ticks = text.includes('`') ? '``' : '`';
      return `${ticks}${ticks === '``' ? ' ' : ''}${text}${ticks === '``' ? ' ' : ''}${ticks}`;
    }
    case 'a': {
      const text = body();
      const href = safeHref(attrValue(n.attrs, 'href'));
      if (!href) return text;
      const label = text.trim() || escapeText(href);
      return `[${label}](${href})`;
    }
    case 'img': {
      const src = safeHref(attrValue(n.attrs, 'src'));
      const alt = escapeText(attrValue(n.attrs, 'alt') || 'image');
      return src ? `[${alt}](${src})` : '';
    }
    case 'pre': {
      const code = decodeEntities(textOf(n)).replace(/\r\n?/g, '\n').replace(/^\n+|\n+$/g, '');
      if (!code.trim()) return '';
      const fence = code.includes('```') ? '~~~~' : '```';
      return `\n\n${fence}\n${code}\n${fence}\n\n`;
    }
    case 'blockquote': {
      const inner = blocks(n.children, ctx);
      if (!inner) return '';
      return `\n\n${inner
        .split('\n')
        .map((l) => (l ? `${QUOTE}> ${l}` : `${QUOTE}>`))
        .join('\n')}\n\n`;
    }
    case 'li':
      return `\n- ${body().trim()}\n`;
    default:
      return BLOCK.has(n.tag) ? `\n\n${body()}\n\n` : body();
  }
}

function textOf(n: Node): string {
  if (typeof n === 'string') return n;
  if (n.tag === 'br') return '\n';
  return n.children.map(textOf).join('');
}

/** Renders nodes and tidies the blank lines between blocks. */
function blocks(nodes: Node[], ctx: Ctx): string {
  const text = inline(nodes, ctx);
  // Lines are trimmed (leading spaces would make indented code), except inside fenced code.
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const marker = /^(```|~~~~)/.exec(line)?.[1];
    if (fence) {
      lines.push(line);
      if (marker === fence) fence = null;
      continue;
    }
    if (marker) fence = marker;
    // A reader's own '>' at the start of a line is text; our quote markers carry the sentinel.
    lines.push(line.replace(/^[ \t\u00a0]+|[ \t]+$/g, '').replace(/^>/, '\\>'));
  }
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * True when a message has no visible text: a cheap test for the first pass of an import, which only needs to know
 * whether the comment will be skipped, not its converted body. Agrees with htmlToMarkdown(...) === ''.
 */
export function isBlankHtml(source: string): boolean {
  if (!/<(img|pre|code)\b/i.test(source) && !/<(script|style|iframe|object|noscript|template|svg|math|head|title)\b/i.test(source)) {
    return decodeEntities(source.replace(/<!--[\s\S]*?(?:-->|$)|<\/?[a-zA-Z][^>]*>/g, '')).trim() === '';
  }
  return htmlToMarkdown(source) === '';
}

/** Longest body kept from an import; longer text is cut (the source's own limit is far below it). */
export const MAX_IMPORTED_BODY = 100_000;

/**
 * Converts a comment's HTML to our Markdown subset. `keepNewlines` is for sources whose line breaks are meaningful
 * outside tags (WordPress stores plain text and adds paragraphs when displaying); Disqus messages are real HTML.
 */
export function htmlToMarkdown(source: string, opts: { keepNewlines?: boolean } = {}): string {
  const md = blocks(parse(source.replaceAll(QUOTE, '')), { keepNewlines: opts.keepNewlines ?? false }).replaceAll(QUOTE, '');
  return md.length > MAX_IMPORTED_BODY ? md.slice(0, MAX_IMPORTED_BODY) : md;
}
