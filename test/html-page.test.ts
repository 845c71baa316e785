/**
 * `c2llm index --html`'s reading of a built site's page (src/search/html-page.ts): the text a reader sees,
 * cut at headings with each chunk's nearest heading anchor; and the search box's link template filling
 * that anchor in (src/search-box/result-link.ts).
 */
import { describe, expect, test } from 'vitest';
import { searchedText } from '../src/search/chunker';
import { chunkPage, pageLines } from '../src/search/html-page';
import { resultLink } from '../src/search-box/result-link';

const PAGE = `<!doctype html><html><head><title>Site</title><style>h2 { color: red }</style></head><body>
<nav><a href="/">Home</a> <a href="/docs">Docs</a></nav>
<main><h1 id="guide">Guide &amp; tips</h1><p>How to <b>start</b>
quickly.</p>
<h2><a id="install" href="#install">Install</a></h2><p>Run:</p><pre><code># not a heading
npm i x
</code></pre>
<h3>Without an id</h3><p>Still under Install.</p><script>document.write("<h2 id=x>no</h2>")</script>
<h2 name="ignored" id="use">Use</h2><ul><li>one</li><li>two &lt;3</li></ul></main><footer>© someone</footer></body></html>`;

describe('an HTML page as its reader sees it', () => {
  test('visible text, one line per block, headings as Markdown headings, <pre> fenced; head, nav, footer, script and style left out', () => {
    const { lines, anchors } = pageLines(PAGE);
    expect(lines).toEqual(['# Guide & tips', 'How to start quickly.', '## Install', 'Run:', '```', '# not a heading', 'npm i x', '```', '### Without an id', 'Still under Install.', '## Use', 'one', 'two <3']);
    expect(anchors).toEqual(['guide', undefined, 'install', undefined, undefined, undefined, undefined, undefined, undefined, undefined, 'use', undefined, undefined]);
  });

  test('chunks cut at headings carry their heading path and the nearest heading anchor at or above them', () => {
    const chunks = chunkPage(PAGE, { mergeLines: 1 });
    expect(chunks.map((c) => [c.startLine, c.endLine, c.context, c.anchor])).toEqual([
      [1, 2, undefined, 'guide'],
      [3, 8, 'Guide & tips', 'install'],
      [9, 10, 'Guide & tips > Install', 'install'],
      [11, 13, 'Guide & tips', 'use'],
    ]);
    expect(searchedText(chunks[2])).toBe('Guide & tips > Install\n### Without an id\nStill under Install.');
  });

  test('text before any heading has no anchor; a page without headings is one chunk without one', () => {
    expect(chunkPage('<p>Preface.</p><h2 id="a">A</h2><p>Body.</p>', { mergeLines: 1 }).map((c) => c.anchor)).toEqual([undefined, 'a']);
    expect(chunkPage('<div>Just <i>text</i>.</div>')).toEqual([{ startLine: 1, endLine: 1, text: 'Just text.' }]);
    expect(chunkPage('<script>x()</script>')).toEqual([]);
    expect(chunkPage('<h2 id="a">A</h2><p># of items</p><p>```</p><p>Body.</p>', { mergeLines: 1 }).map((c) => [c.text, c.anchor])).toEqual([['## A\n\\# of items\n\\```\nBody.', 'a']]);
  });
});

describe("the search box's link template", () => {
  const result = { path: 'docs/a b/guide.html', startLine: 3, endLine: 8 };
  test('{path} encoded part by part, {start}, {end}, {line} (the excerpt\'s first, else {start}), and {anchor} encoded (empty when the result has none)', () => {
    expect(resultLink('https://x.dev/{path}#L{start}-L{end}', result)).toBe('https://x.dev/docs/a%20b/guide.html#L3-L8');
    expect(resultLink('/{path}#{anchor}', { ...result, anchor: 'install "x"' })).toBe('/docs/a%20b/guide.html#install%20%22x%22');
    expect(resultLink('/{path}#{anchor}', result)).toBe('/docs/a%20b/guide.html#');
    expect(resultLink('https://x.dev/{path}#L{line}', result, 6)).toBe('https://x.dev/docs/a%20b/guide.html#L6');
    expect(resultLink('https://x.dev/{path}#L{line}', result)).toBe('https://x.dev/docs/a%20b/guide.html#L3');
  });
});
