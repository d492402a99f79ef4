import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { SaxesParser } from 'saxes';

/** One element of a record, kept only while its record is being mapped. */
export interface XmlNode {
  uri: string;
  local: string;
  attrs: { uri: string; local: string; value: string }[];
  text: string;
  children: XmlNode[];
}

/** A record element (a Disqus post, a WordPress comment…) with its subtree, and the record that encloses it. */
export interface XmlRecord {
  node: XmlNode;
  /** Position among records of the file, from 0; stable between two reads of the same file. */
  seq: number;
  /** seq of the enclosing record (the WordPress item of a comment), or null. */
  containerSeq: number | null;
  /** Line of the file where the record starts, to name it to the operator (set by streamXmlRecords). */
  line?: number;
  /**
   * Set when the record broke a per-record bound (RECORD_BOUNDS): the sentence says which. `node` then holds only
   * what was read before the bound was reached; the record must be counted, never imported.
   */
  rejected?: string;
}

/** Says which elements are records, from their namespace, local name and depth (the root element is depth 1). */
export type RecordMatcher = (uri: string, local: string, depth: number, insideRecord: boolean) => boolean;

/** A file that cannot be read as the expected XML: the message names the place, for the operator. */
export class ImportFileError extends Error {}

/**
 * What one record may hold. A record (a post, a comment, an article) is kept whole in memory while it is mapped, so
 * each dimension of it is bounded, not only its text: a 50 MB file made of millions of empty elements in one post
 * once took 2.9 GB. A record beyond a bound is rejected (counted and named in the summary) and the rest of the file
 * imports. Real records are far below: a Disqus post has about 20 elements, 4 levels deep; a WordPress article with
 * all its metadata a few hundred.
 */
export const RECORD_BOUNDS = {
  /** Characters of text and CDATA in one record. */
  text: 8 * 1024 * 1024,
  /** Elements plus attributes in one record. */
  items: 10_000,
  /** Levels of elements inside one record (the record's own element is level 1). */
  depth: 32,
} as const;

/**
 * What the parser itself holds and cannot drop, so the whole file is refused beyond it (no record boundary can be
 * found again safely): the stack of open elements, the attributes of one tag, and one token (a text, comment, CDATA
 * section or tag) read without any event.
 */
export const FILE_BOUNDS = {
  depth: 10_000,
  attributesPerElement: 1_000,
  tokenChars: 16 * 1024 * 1024,
} as const;

const MIB = 1024 * 1024;

/** True when the file starts with the gzip magic bytes (so `.xml.gz`, or a gzip file under any name). */
async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Child elements of a node with this local name (namespace-insensitive: elements are matched by name, ids by URI). */
export function children(node: XmlNode, local: string): XmlNode[] {
  return node.children.filter((c) => c.local === local);
}

/** Text of the first child with this local name, trimmed; '' when absent. */
export function childText(node: XmlNode, local: string, uri?: string): string {
  const c = node.children.find((x) => x.local === local && (uri === undefined || x.uri === uri));
  return c ? c.text.trim() : '';
}

/** Value of the attribute with this namespace URI and local name (never matched by prefix), trimmed. */
export function attr(node: XmlNode | undefined, uri: string, local: string): string {
  return node?.attrs.find((a) => a.uri === uri && a.local === local)?.value.trim() ?? '';
}

/**
 * Streams an XML file (plain or gzip) and hands its records to `onRecords` a chunk at a time. The parser is
 * fed 64 KiB at a time and waits for `onRecords` before reading on, so memory holds one chunk's records, never the
 * file: that is what lets a 1 GB export import on a small machine. `onRoot` sees the root element and may throw
 * to refuse a file of the wrong kind.
 */
export async function streamXmlRecords(opts: {
  path: string;
  isRecord: RecordMatcher;
  onRoot: (node: { uri: string; local: string; attrs: XmlNode['attrs'] }) => void;
  onRecords: (records: XmlRecord[]) => Promise<void> | void;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}): Promise<void> {
  const totalBytes = (await stat(opts.path)).size;
  const gzip = await isGzip(opts.path);
  const file = createReadStream(opts.path, { highWaterMark: 64 * 1024 });
  let bytesRead = 0;
  file.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  const input = gzip ? file.pipe(createGunzip()) : file;
  input.setEncoding('utf8');

  const parser = new SaxesParser({ xmlns: true, position: true });
  let depth = 0;
  let seenRoot = false;
  // Open records; a nested record (a comment in an item) starts its own. `depth` counts the record's open elements,
  // `stack` holds those kept as nodes: once a record is rejected its later elements are only counted, never kept.
  const open: { node: XmlNode; stack: XmlNode[]; depth: number; seq: number; containerSeq: number | null; line: number; size: number; items: number; rejected?: string }[] = [];
  let pending: XmlRecord[] = [];
  let seq = 0;
  let failure: Error | undefined;
  // Characters fed to the parser since its last event: what it is holding as one token. Comments, processing
  // instructions and the doctype have no handler: they count with what follows them, a stricter bound, never looser.
  let sinceEvent = 0;
  let attributes = 0;
  const event = () => {
    sinceEvent = 0;
  };
  const fail = (message: string) => {
    failure ??= new ImportFileError(message);
  };
  const reject = (current: (typeof open)[number], why: string) => {
    current.rejected ??= why;
  };

  parser.on('error', (err) => {
    fail(`not well-formed XML (line ${parser.line}, column ${parser.column + 1}): ${err.message.replace(/^.*?:\d+:\d+: /, '')}`);
  });
  // As few handlers as possible: each one is a property saxes adds to its parser, and past a handful V8 makes every
  // property access of the parser's hot loop slower (measured: twice the parse time with five more handlers).
  parser.on('attribute', () => {
    event();
    if (++attributes > FILE_BOUNDS.attributesPerElement) fail(`an element near line ${parser.line} has more than ${FILE_BOUNDS.attributesPerElement} attributes: not an export this importer can read safely`);
  });
  parser.on('opentag', (tag) => {
    event();
    attributes = 0;
    depth++;
    if (depth > FILE_BOUNDS.depth) fail(`elements are nested more than ${FILE_BOUNDS.depth} deep near line ${parser.line}: not an export this importer can read safely`);
    const current = open[open.length - 1];
    if (!seenRoot || opts.isRecord(tag.uri, tag.local, depth, current !== undefined)) {
      const attrs = Object.values(tag.attributes).map((a) => ({ uri: a.uri, local: a.local, value: a.value }));
      if (!seenRoot) {
        seenRoot = true;
        opts.onRoot({ uri: tag.uri, local: tag.local, attrs });
        if (!opts.isRecord(tag.uri, tag.local, depth, false)) return;
      }
      const node: XmlNode = { uri: tag.uri, local: tag.local, attrs, text: '', children: [] };
      open.push({ node, stack: [node], depth: 1, seq: seq++, containerSeq: current?.seq ?? null, line: parser.line, size: 0, items: 1 + attrs.length });
      return;
    }
    if (!current) return;
    current.depth++;
    current.items += 1 + Object.keys(tag.attributes).length;
    if (current.items > RECORD_BOUNDS.items) reject(current, `more than ${RECORD_BOUNDS.items} elements and attributes`);
    if (current.depth > RECORD_BOUNDS.depth) reject(current, `elements nested more than ${RECORD_BOUNDS.depth} deep`);
    if (current.rejected) return;
    const node: XmlNode = { uri: tag.uri, local: tag.local, attrs: Object.values(tag.attributes).map((a) => ({ uri: a.uri, local: a.local, value: a.value })), text: '', children: [] };
    current.stack[current.stack.length - 1]?.children.push(node);
    current.stack.push(node);
  });
  const onText = (text: string) => {
    event();
    const current = open[open.length - 1];
    if (!current || current.rejected) return;
    // Only the innermost kept element takes text; text of elements past a bound is not kept.
    const top = current.stack.length === current.depth ? current.stack[current.stack.length - 1] : undefined;
    if (!top) return;
    current.size += text.length;
    if (current.size > RECORD_BOUNDS.text) {
      reject(current, `more than ${RECORD_BOUNDS.text / MIB} MiB of text`);
      return;
    }
    top.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    event();
    depth--;
    const current = open[open.length - 1];
    if (!current) return;
    if (current.stack.length === current.depth) current.stack.pop();
    current.depth--;
    if (current.depth > 0) return;
    open.pop();
    const node = current.node;
    if (current.rejected) {
      // What was read before the bound stays only to name the record in the summary: its element, its attributes and
      // its first children (a WordPress comment's id is one), cut short.
      node.text = '';
      node.children = node.children.slice(0, 20);
      for (const c of node.children) {
        c.children = [];
        c.text = c.text.slice(0, 200);
      }
    }
    pending.push({ node, seq: current.seq, containerSeq: current.containerSeq, line: current.line, ...(current.rejected ? { rejected: current.rejected } : {}) });
  });

  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await opts.onRecords(batch);
  };

  try {
    for await (const chunk of input as AsyncIterable<string>) {
      parser.write(chunk);
      sinceEvent += chunk.length;
      if (sinceEvent > FILE_BOUNDS.tokenChars) fail(`one text, comment or tag near line ${parser.line} is larger than ${FILE_BOUNDS.tokenChars / MIB} MiB: not an export this importer can read safely`);
      if (failure) throw failure;
      await flush();
      opts.onProgress?.(bytesRead, totalBytes);
    }
    parser.close();
  } catch (err) {
    file.destroy();
    if (err instanceof ImportFileError) throw err;
    if (failure) throw failure;
    if (err instanceof Error && /incorrect header check|unexpected end of file|invalid/.test(err.message) && gzip) throw new ImportFileError(`the gzip file is damaged: ${err.message}`);
    throw err;
  }
  if (failure) throw failure;
  if (!seenRoot) throw new ImportFileError('the file contains no XML element');
  await flush();
  opts.onProgress?.(totalBytes, totalBytes);
}
