import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import type { Deps } from '../../src/server/deps.js';
import { disqusFormat } from '../../src/server/portability/import/disqus.js';
import { importFile } from '../../src/server/portability/import/importer.js';
import { wordpressFormat } from '../../src/server/portability/import/wordpress.js';
import { FILE_BOUNDS, ImportFileError, RECORD_BOUNDS } from '../../src/server/portability/import/xml-stream.js';
import { buildTestApp } from '../fixtures/server.js';

// Issue 11, finding 7: a 50 MB Disqus file with millions of empty elements in one post took 2.9 GB. Every record is
// bounded in elements, depth and text; a record past a bound is rejected and named, and the rest of the file imports.
// What the parser itself must hold (nesting, one tag's attributes, one token) is bounded for the whole file.
// The hostile files are generated here, never committed.

let deps: Deps;
let close: () => Promise<void>;
let tmp: string;

before(async () => {
  ({ deps, close } = await buildTestApp());
  await deps.sites.createIfAbsent({ id: 'news', name: 'News', origins: ['https://news.example.com'], lang: 'en' });
  tmp = mkdtempSync(join(tmpdir(), 'agora-import-bounds-'));
});
after(async () => {
  await close();
  rmSync(tmp, { recursive: true, force: true });
});

const HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n';
const thread = '<thread dsq:id="1"><link>https://news.example.com/attack</link><title>Attack</title><createdAt>2020-01-01T00:00:00Z</createdAt></thread>\n';
const post = (id: string, inner: string, minute: number) =>
  `<post dsq:id="${id}"><message><![CDATA[<p>post ${id}</p>]]></message>${inner}<createdAt>2020-01-01T00:${String(minute).padStart(2, '0')}:00Z</createdAt><author><name>Reader ${id}</name><isAnonymous>true</isAnonymous></author><thread dsq:id="1"/></post>\n`;

/** Writes a file piece by piece, so that the test itself never holds the hostile part as one string. */
async function writeFile(path: string, parts: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  for (const p of parts) if (!out.write(p)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

function* repeat(s: string, times: number, per = 10_000): Generator<string> {
  const block = s.repeat(per);
  for (let done = 0; done < times; done += per) yield times - done >= per ? block : s.repeat(times - done);
}

describe('import bounds: hostile structure fails its record, never the machine', () => {
  test('a post with two million empty elements, one nested 100 deep and one with 9 MiB of text are rejected by name; the others import; memory stays bounded', async () => {
    const file = join(tmp, 'hostile.xml');
    await writeFile(file, [
      HEAD,
      thread,
      post('1', '', 1),
      '<post dsq:id="2"><message>wide</message>',
      ...repeat('<x/>', 2_000_000),
      '<createdAt>2020-01-01T00:02:00Z</createdAt><thread dsq:id="1"/></post>\n',
      post('3', '', 3),
      `<post dsq:id="4">${'<d>'.repeat(100)}${'</d>'.repeat(100)}<message>deep</message><createdAt>2020-01-01T00:04:00Z</createdAt><thread dsq:id="1"/></post>\n`,
      '<post dsq:id="5"><message><![CDATA[',
      ...repeat('a', 9 * 1024 * 1024, 1024 * 1024),
      ']]></message><createdAt>2020-01-01T00:05:00Z</createdAt><thread dsq:id="1"/></post>\n',
      post('6', '', 6),
      '</disqus>\n',
    ]);
    global.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const summary = await importFile({ db: deps.db, siteId: 'news', path: file, format: disqusFormat }).finally(() => clearInterval(sampler));
    peak = Math.max(peak, process.memoryUsage().heapUsed);

    assert.equal(summary.rejected.count, 3);
    assert.deepEqual(
      summary.rejected.records.map((r) => `${r.record.replace(/ at line \d+/, '')}: ${r.reason}`),
      [
        `post dsq:id 2: more than ${RECORD_BOUNDS.items} elements and attributes`,
        `post dsq:id 4: elements nested more than ${RECORD_BOUNDS.depth} deep`,
        `post dsq:id 5: more than ${RECORD_BOUNDS.text / 1024 / 1024} MiB of text`,
      ],
    );
    assert.match(summary.rejected.records[0]?.record ?? '', /at line 5$/, 'named with the line where it starts');
    assert.equal(summary.comments.imported, 3, 'posts 1, 3 and 6 are imported');
    const bodies = await deps.db.selectFrom('comments').select('body').where('site_id', '=', 'news').orderBy('created_at').execute();
    assert.deepEqual(
      bodies.map((b) => b.body),
      ['post 1', 'post 3', 'post 6'],
    );
    // Before the bound, the wide post alone held millions of nodes (gigabytes); now a record holds at most 10,000.
    const grown = (peak - base) / 1024 / 1024;
    assert.ok(grown < 200, `heap grew by ${grown.toFixed(0)} MiB`);
  });

  test('a WordPress comment past a bound is rejected by name while its post and the other comments import', async () => {
    await deps.sites.createIfAbsent({ id: 'blog', name: 'Blog', origins: ['https://blog.example.org'], lang: 'en' });
    const comment = (id: number, extra = '') =>
      `<wp:comment><wp:comment_id>${id}</wp:comment_id><wp:comment_author>R${id}</wp:comment_author><wp:comment_date_gmt>2020-01-01 00:0${id}:00</wp:comment_date_gmt><wp:comment_content>comment ${id}</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>${extra}</wp:comment>`;
    const file = join(tmp, 'hostile-wxr.xml');
    writeFileSync(
      file,
      `<?xml version="1.0"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>T</title><link>https://blog.example.org/t/</link><wp:post_id>1</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>${comment(1)}${comment(2, '<wp:commentmeta/>'.repeat(RECORD_BOUNDS.items + 1))}${comment(3)}</item></channel></rss>`,
    );
    const s = await importFile({ db: deps.db, siteId: 'blog', path: file, format: wordpressFormat });
    assert.deepEqual(s.rejected.records.map((r) => r.record), ['comment 2 at line 1']);
    assert.equal(s.comments.imported, 2);
  });

  test('what the parser itself would hold refuses the file with a clear message: nesting, attributes, one huge token (even gzipped)', async () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ['deep.xml', `${HEAD}${'<a>'.repeat(FILE_BOUNDS.depth + 1)}${'</a>'.repeat(FILE_BOUNDS.depth + 1)}</disqus>`, /nested more than 10000 deep near line \d+/],
      ['attrs.xml', `${HEAD}<post ${Array.from({ length: FILE_BOUNDS.attributesPerElement + 1 }, (_, i) => `a${i}=""`).join(' ')}/></disqus>`, /more than 1000 attributes/],
      ['token.xml.gz', gzipSync(`${HEAD}<!--${'a'.repeat(FILE_BOUNDS.tokenChars + 1024 * 1024)}--></disqus>`), /one text, comment or tag near line \d+ is larger than 16 MiB/],
    ];
    for (const [name, content, message] of cases) {
      const file = join(tmp, name);
      writeFileSync(file, content);
      await assert.rejects(importFile({ db: deps.db, siteId: 'news', path: file, format: disqusFormat }), (e: Error) => e instanceof ImportFileError && message.test(e.message), name);
    }
  });
});
