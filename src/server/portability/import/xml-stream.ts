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
}

/** Says which elements are records, from their namespace, local name and depth (the root element is depth 1). */
export type RecordMatcher = (uri: string, local: string, depth: number, insideRecord: boolean) => boolean;

/** A file that cannot be read as the expected XML: the message names the place, for the operator. */
export class ImportFileError extends Error {}

// A single record larger than this is refused rather than held: a hostile or corrupt file must not exhaust memory.
const MAX_RECORD_TEXT = 8 * 1024 * 1024;

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
  // Open elements of the records being built; a nested record (a comment in an item) starts its own stack.
  const open: { stack: XmlNode[]; seq: number; containerSeq: number | null; size: number }[] = [];
  let pending: XmlRecord[] = [];
  let seq = 0;
  let failure: Error | undefined;

  parser.on('error', (err) => {
    failure ??= new ImportFileError(`not well-formed XML (line ${parser.line}, column ${parser.column + 1}): ${err.message.replace(/^.*?:\d+:\d+: /, '')}`);
  });
  parser.on('opentag', (tag) => {
    depth++;
    const attrs = Object.values(tag.attributes).map((a) => ({ uri: a.uri, local: a.local, value: a.value }));
    if (!seenRoot) {
      seenRoot = true;
      opts.onRoot({ uri: tag.uri, local: tag.local, attrs });
    }
    const node: XmlNode = { uri: tag.uri, local: tag.local, attrs, text: '', children: [] };
    const current = open[open.length - 1];
    if (opts.isRecord(tag.uri, tag.local, depth, current !== undefined)) {
      open.push({ stack: [node], seq: seq++, containerSeq: current?.seq ?? null, size: 0 });
    } else if (current) {
      current.stack[current.stack.length - 1]?.children.push(node);
      current.stack.push(node);
    }
  });
  const onText = (text: string) => {
    const current = open[open.length - 1];
    const top = current?.stack[current.stack.length - 1];
    if (!current || !top) return;
    current.size += text.length;
    if (current.size > MAX_RECORD_TEXT) {
      failure ??= new ImportFileError(`a record near line ${parser.line} is larger than ${MAX_RECORD_TEXT / 1024 / 1024} MiB`);
      return;
    }
    top.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    depth--;
    const current = open[open.length - 1];
    if (!current) return;
    const node = current.stack.pop();
    if (current.stack.length === 0 && node) {
      open.pop();
      pending.push({ node, seq: current.seq, containerSeq: current.containerSeq });
    }
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
