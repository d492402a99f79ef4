// Writes a synthetic Disqus export of the requested size, streamed to disk so that the generator itself stays small
// whatever the size. Deterministic (seeded), so two runs of the benchmark import the same file.
//   node --import tsx bench/import/generate-disqus.ts --comments 100000 --out /tmp/disqus-100k.xml
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
// The same seeded generator as training uses: the same file on every run.
import { rng } from '../../src/server/moderation/classifiers/linear.js';


const WORDS = 'the council budget vote street market school river city mayor plan people year week said would could report new old local police road park housing price water energy train station bridge'.split(' ');

/** Writes `comments` posts over `threads` threads to `out`; returns once the file is flushed. */
export async function generateDisqus(opts: { comments: number; threads?: number; out: string; seed?: number }): Promise<void> {
  const random = rng(opts.seed ?? 42);
  const threads = opts.threads ?? Math.max(1, Math.round(opts.comments / 50));
  const file = createWriteStream(opts.out);
  const write = async (s: string) => {
    if (!file.write(s)) await once(file, 'drain');
  };
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)] as T;
  const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  await write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n');
  for (let t = 0; t < threads; t++) {
    // One in ten articles also appears under http:// with tracking parameters, as in real archives.
    const scheme = t % 10 === 0 ? 'http' : 'https';
    const query = t % 10 === 0 ? '?utm_source=newsletter' : '';
    await write(
      `<thread dsq:id="${1000 + t}"><id>story-${t}</id><forum>bench</forum><link>${scheme}://news.example.com/${2015 + (t % 10)}/story-${t}${query}</link><title>${sentence(6)}</title><createdAt>2019-01-01T00:00:00Z</createdAt><isClosed>${t % 25 === 0}</isClosed><isDeleted>false</isDeleted></thread>\n`,
    );
  }
  const base = Date.parse('2019-01-01T00:00:00Z');
  const perThread = new Map<number, number[]>();
  for (let i = 0; i < opts.comments; i++) {
    const thread = Math.floor(random() * threads);
    const earlier = perThread.get(thread) ?? [];
    // 40% replies; most to a recent comment of the thread, which makes deep chains as real threads do.
    const parent = earlier.length && random() < 0.4 ? earlier[Math.max(0, earlier.length - 1 - Math.floor(random() * 5))] : undefined;
    earlier.push(i);
    perThread.set(thread, earlier.slice(-20));
    const user = Math.floor(random() * 5000);
    const anonymous = user % 7 === 0;
    const author = anonymous
      ? `<author><email>guest${user}@example.org</email><name>Guest ${user}</name><isAnonymous>true</isAnonymous></author>`
      : `<author><email>u${user}@example.com</email><name>Reader ${user}</name><isAnonymous>false</isAnonymous><username>reader${user}</username></author>`;
    const message = `<p>${sentence(8 + Math.floor(random() * 30))} <b>${pick(WORDS)}</b>.</p>${random() < 0.3 ? `<p>${sentence(12)} <a href="https://example.org/${i}">${pick(WORDS)}</a></p>` : ''}${random() < 0.1 ? `<blockquote>${sentence(10)}</blockquote>` : ''}`;
    const date = new Date(base + i * 60_000).toISOString();
    await write(
      `<post dsq:id="${500000 + i}"><id/><message><![CDATA[${message}]]></message><createdAt>${date}</createdAt><isDeleted>${random() < 0.02}</isDeleted><isSpam>${random() < 0.01}</isSpam>${author}<ipAddress>192.0.2.1</ipAddress><thread dsq:id="${1000 + thread}"/>${parent !== undefined ? `<parent dsq:id="${500000 + parent}"/>` : ''}</post>\n`,
    );
  }
  await write('</disqus>\n');
  file.end();
  await once(file, 'finish');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { comments: { type: 'string', default: '100000' }, threads: { type: 'string' }, out: { type: 'string', default: 'disqus-bench.xml' } } });
  await generateDisqus({ comments: Number(values.comments), threads: values.threads ? Number(values.threads) : undefined, out: values.out as string });
  console.log(`wrote ${values.out}`);
}
