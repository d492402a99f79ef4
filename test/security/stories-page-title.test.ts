/**
 * Issue 11, finding 4: a new story's title comes from its page. The extraction on its own: what counts as the page's
 * title, and that hostile heads cost time linear in their size (the reader caps them at 512 kB).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_MAX_BYTES } from '../../src/server/stories/page-check.js';
import { cleanTitle, decodePage, pageTitle } from '../../src/server/stories/page-title.js';

describe('pageTitle', () => {
  const cases: [string, string, string | null][] = [
    ['og:title wins, wherever it is in the head', '<title>Tab</title><meta content="Shared title" property="og:title">', 'Shared title'],
    ['og:title given as name=, unquoted, in capitals', '<META NAME=og:title CONTENT=Unquoted><TITLE>Tab</TITLE>', 'Unquoted'],
    ['a > inside a quoted attribute does not end the tag', '<meta property="og:title" content="a > b">', 'a > b'],
    ['an empty og:title falls back to <title>', '<meta property="og:title" content="  "><title>Fallback</title>', 'Fallback'],
    ['the first <title> counts', '<title>First</title><title>Second</title>', 'First'],
    ['nothing after </head> or in <body> counts', '<head></head><body><title>In body</title><meta property="og:title" content="In body"></body>', null],
    ['markup inside <title> is text', '<title>Less &lt;b&gt; is <b>more</b></title>', 'Less <b> is <b>more</b>'],
    ['<title> inside a comment, a script, a style or a template is not the page’s', '<!-- <title>c</title> --><script><title>s</title></script><style><title>t</title></style><template><title>u</title></template><title>Real</title>', 'Real'],
    ['an unclosed title runs to the end of what was read', '<title>Cut off by the cap', 'Cut off by the cap'],
    ['no title at all', '<meta charset="utf-8"><link rel="stylesheet" href="a.css">', null],
    ['numeric, named and unknown entities', '<title>&#233;t&#xE9; &eacute;t&Eacute; &bogus; \\n</title>', 'été étÉ &bogus; \\n'],
  ];
  for (const [name, head, expected] of cases) test(name, () => assert.equal(pageTitle(`<!doctype html><html><head>${head}`), expected));

  test('hostile heads are read in time linear in their size', () => {
    for (const filler of ['<', '<a "', '<title>', '<!--', '<script>', '<meta content="', '&#', '<meta property=og:title content=']) {
      const html = `<head>${filler.repeat(Math.ceil(PAGE_MAX_BYTES / filler.length))}`;
      const t0 = performance.now();
      pageTitle(html);
      const ms = performance.now() - t0;
      assert.ok(ms < 1000, `${JSON.stringify(filler)}: ${Math.round(ms)} ms`);
    }
  });
});

describe('cleanTitle and decodePage', () => {
  test('white space collapsed, invisible and bidirectional controls dropped, capped at 300 characters by code point', () => {
    assert.equal(cleanTitle('  a\n\tb\u00a0 c  '), 'a b c');
    assert.equal(cleanTitle('x\u202ey\u2066z\u200b\u0000\u009f!'), 'xyz!');
    const emoji = cleanTitle('😀'.repeat(400));
    assert.equal(Array.from(emoji).length, 300);
    assert.ok(!/[\ud800-\udbff]$/.test(emoji), 'no half surrogate pair at the end');
  });

  test('the charset comes from Content-Type, else <meta charset>, else UTF-8; an unknown one falls back to UTF-8', () => {
    const latin1 = Buffer.from('<title>Été</title>', 'latin1');
    assert.equal(decodePage(latin1, 'text/html; charset=ISO-8859-1'), '<title>Été</title>');
    assert.equal(decodePage(Buffer.concat([Buffer.from('<meta charset="windows-1252">'), latin1]), 'text/html'), '<meta charset="windows-1252"><title>Été</title>');
    assert.equal(decodePage(Buffer.from('<title>Été</title>'), undefined), '<title>Été</title>');
    assert.equal(decodePage(Buffer.from('<title>Été</title>'), 'text/html; charset=no-such-charset'), '<title>Été</title>');
  });
});
