import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderCommentBody } from '../../src/server/comments/markdown.js';

/** Every tag name the renderer emitted, lower-cased (opening and closing). */
function tagNames(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => (m[1] ?? '').toLowerCase());
}

/** Opening tags with their attributes, parsed as a browser would (double-quoted values may hold spaces and `=`). */
function openingTags(html: string): { name: string; attrs: { name: string; value: string }[] }[] {
  const tags = [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:="[^"]*")?)*)\s*\/?>/g)];
  return tags.map((m) => ({
    name: (m[1] ?? '').toLowerCase(),
    attrs: [...(m[2] ?? '').matchAll(/\s+([^\s"'>/=]+)(?:="([^"]*)")?/g)].map((a) => ({ name: (a[1] ?? '').toLowerCase(), value: a[2] ?? '' })),
  }));
}

function hrefs(html: string): string[] {
  return openingTags(html).flatMap((t) => t.attrs.filter((a) => a.name === 'href').map((a) => a.value));
}

function attributeNames(html: string): string[] {
  return openingTags(html).flatMap((t) => t.attrs.map((a) => a.name));
}

describe('comment Markdown: the formatting readers are told about', () => {
  test('**bold** becomes <strong>', () => {
    assert.equal(renderCommentBody('**bold**'), '<p><strong>bold</strong></p>');
  });

  test('*italic* and _italic_ become <em>', () => {
    assert.equal(renderCommentBody('*one* and _two_'), '<p><em>one</em> and <em>two</em></p>');
  });

  test('a web link is an <a> that passes no ranking and no window handle', () => {
    assert.equal(
      renderCommentBody('[the report](https://example.com/a?b=1&c=2)'),
      '<p><a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc noopener">the report</a></p>',
    );
  });

  test('> starts a quote', () => {
    const out = renderCommentBody('> they said\n\nI disagree');
    assert.match(out, /^<blockquote>\s*<p>they said<\/p>\s*<\/blockquote>/);
    assert.match(out, /<p>I disagree<\/p>$/);
  });

  test('inline `code` keeps its text, escaped', () => {
    assert.equal(renderCommentBody('use `x < y` here'), '<p>use <code>x &lt; y</code> here</p>');
  });

  test('a fenced block is a <pre><code> block whose content is escaped', () => {
    assert.equal(renderCommentBody('```\n<b>code</b>\n```'), '<pre><code>&lt;b&gt;code&lt;/b&gt;\n</code></pre>');
  });

  test('a single line break is kept as <br>', () => {
    assert.equal(renderCommentBody('first\nsecond'), '<p>first<br>\nsecond</p>');
  });
});

describe('comment Markdown: raw HTML is shown as text, never interpreted', () => {
  test('an <img onerror> payload is escaped', () => {
    const out = renderCommentBody('<img src=x onerror=alert(1)>');
    assert.equal(out, '<p>&lt;img src=x onerror=alert(1)&gt;</p>');
    assert.doesNotMatch(out, /<img/i);
  });

  test('a <script> element is escaped', () => {
    const out = renderCommentBody('<script>alert(1)</script>');
    assert.equal(out, '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  test('an HTML block between paragraphs is escaped too', () => {
    const out = renderCommentBody('hello\n\n<div onclick="steal()">click</div>\n\nbye');
    assert.doesNotMatch(out, /<div/i);
    assert.match(out, /&lt;div onclick=&quot;steal\(\)&quot;&gt;click&lt;\/div&gt;/);
  });

  test('a link title cannot break out of its attribute', () => {
    const out = renderCommentBody('[x](http://a.example "t\\" onmouseover=\\"x")');
    assert.deepEqual(attributeNames(out), ['href', 'title', 'rel']);
    assert.match(out, /title="t&quot; onmouseover=&quot;x"/);
  });
});

describe('comment Markdown: only web and mail links are linked', () => {
  const notLinked: [string, string][] = [
    ['javascript:', '[x](javascript:alert(1))'],
    ['JAVASCRIPT: in capitals', '[x](JAVASCRIPT:alert(1))'],
    ['javascript: hidden behind an entity', '[x](&#x6A;avascript:alert(1))'],
    ['javascript: in angle brackets', '[x](<javascript:alert(1)>)'],
    ['data:', '[x](data:text/html,<script>alert(1)</script>)'],
    ['vbscript:', '[x](vbscript:msgbox(1))'],
    ['a relative path', '[x](/relative/page)'],
    ['a protocol-relative URL', '[x](//evil.example/)'],
    ['a bare word', '[x](evil)'],
  ];
  for (const [name, input] of notLinked) {
    test(`${name} stays plain text`, () => {
      const out = renderCommentBody(input);
      assert.doesNotMatch(out, /<a[\s>]/i, out);
      assert.doesNotMatch(out, /href=/i, out);
      assert.match(out, /\[x\]/, 'the reader still sees what was written');
    });
  }

  test('mailto: is linked', () => {
    assert.equal(renderCommentBody('[write to me](mailto:a@example.com)'), '<p><a href="mailto:a@example.com" rel="nofollow ugc noopener">write to me</a></p>');
  });

  test('http:// (not only https) is linked', () => {
    assert.deepEqual(hrefs(renderCommentBody('[old site](http://example.org/)')), ['http://example.org/']);
  });
});

describe('comment Markdown: block features comments do not offer are left as text', () => {
  test('# is not a heading', () => {
    const out = renderCommentBody('# Shouting');
    assert.equal(out, '<p># Shouting</p>');
  });

  test('- and 1. are not lists', () => {
    const out = renderCommentBody('- one\n- two\n\n1. first');
    assert.doesNotMatch(out, /<(ul|ol|li)[\s>]/i);
    assert.match(out, /- one/);
    assert.match(out, /1\. first/);
  });

  test('![image](…) embeds no image (at most a link to it)', () => {
    const out = renderCommentBody('![tracking pixel](https://example.com/a.png)');
    assert.doesNotMatch(out, /<img/i);
  });

  test('<https://…> autolinks and bare URLs are not turned into links', () => {
    assert.doesNotMatch(renderCommentBody('<https://example.com>'), /<a[\s>]/);
    assert.doesNotMatch(renderCommentBody('see https://example.com'), /<a[\s>]/);
  });
});

describe('comment Markdown: properties over arbitrary input', () => {
  const ALLOWED_TAGS = new Set(['p', 'br', 'strong', 'em', 'a', 'blockquote', 'code', 'pre']);

  // Random strings rarely form markup, so half the inputs are stitched from the pieces attacks are made of.
  const fragment = fc.constantFrom(
    '<',
    '>',
    '</',
    'script',
    'SCRIPT',
    'img',
    ' src=x',
    ' onerror=',
    ' onload=',
    'alert(1)',
    '"',
    "'",
    '`',
    '```',
    '*',
    '**',
    '_',
    '>',
    '#',
    '- ',
    '!',
    '[',
    ']',
    '(',
    ')',
    'x',
    ' ',
    '\n',
    '\n\n',
    '\t',
    '&#',
    '&#x6A;',
    '&lt;',
    ';',
    ':',
    'javascript:',
    'JaVaScRiPt:',
    'data:text/html,',
    'vbscript:',
    'http://',
    'https://example.com',
    'mailto:',
    '//',
    '\\',
    '\u0000',
    '\u00a0',
  );
  const markdownish = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.array(fragment, { maxLength: 60 }).map((parts) => parts.join('')));

  test('the output never contains a script, an image, an event handler or an unsafe href', () => {
    fc.assert(
      fc.property(markdownish, (input) => {
        const out = renderCommentBody(input);
        assert.doesNotMatch(out, /<script/i);
        assert.doesNotMatch(out, /<img/i);
        // Every tag parses cleanly (nothing half-open a browser could read differently), and none has a handler.
        assert.equal(openingTags(out).length, (out.match(/<[a-zA-Z]/g) ?? []).length, `malformed tag for input ${JSON.stringify(input)}`);
        for (const name of attributeNames(out)) assert.doesNotMatch(name, /^on/i, `event handler ${name} for input ${JSON.stringify(input)}`);
        for (const href of hrefs(out)) assert.match(href, /^(https?:\/\/|mailto:)/i, `unsafe href ${href} for input ${JSON.stringify(input)}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('only the tags of the supported formatting ever appear', () => {
    fc.assert(
      fc.property(markdownish, (input) => {
        for (const tag of tagNames(renderCommentBody(input))) assert.ok(ALLOWED_TAGS.has(tag), `unexpected <${tag}> for input ${JSON.stringify(input)}`);
      }),
      { numRuns: 2000 },
    );
  });
});
