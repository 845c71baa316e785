/**
 * The demo's highlighter (demo/highlight.ts) on hostile snippets: linear time on text full of unclosed
 * comments and quotes (a 450 KB chunk once froze the page for 12-16 s), and the text kept whole.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { highlight, HIGHLIGHTED_CHARS } from '../src/demo/highlight';
import { queryMatcher } from '../src/search/query-matches';

/** Just enough of the DOM for highlight(): nodes that keep their text and class. */
beforeAll(() => {
  const node = (className = '') => ({ className, textContent: '' });
  Object.assign(globalThis, {
    document: {
      createDocumentFragment: () => ({ parts: [] as { className: string; textContent: string }[], append(...n: { className: string; textContent: string }[]) { this.parts.push(...n); } }),
      createTextNode: (text: string) => ({ ...node(), textContent: text }),
      createElement: (tag: string) => (tag === 'mark' ? { ...node(), tag } : node()),
    },
  });
});

const textOf = (fragment: unknown) => (fragment as { parts: { textContent: string }[] }).parts.map((p) => p.textContent).join('');

describe('highlight', () => {
  test.each([
    ['unclosed block comments', '/* x '.repeat(90_000)],
    ['unclosed template strings', '` a '.repeat(110_000)],
    ['unclosed quotes on one long line', '" a \''.repeat(90_000)],
    ['unclosed docstrings', '""" a\n'.repeat(90_000)],
  ])('%s (450 KB): linear, under a second, the text kept whole', (_, code) => {
    const started = performance.now();
    const fragment = highlight(code);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(textOf(fragment)).toBe(code);
  });

  test('a Python docstring is one string across its lines, not code', () => {
    const parts = (highlight('def f():\n    """Return the\n    answer."""\n    return 42') as unknown as { parts: { className: string; textContent: string }[] }).parts;
    expect(parts.find((p) => p.className === 'tok-string')?.textContent).toBe('"""Return the\n    answer."""');
    expect(parts.filter((p) => p.className === 'tok-keyword').map((p) => p.textContent)).toEqual(['def', 'return']);
  });

  test("a snippet that begins inside a comment is that comment up to its end, then code; a docstring's rest a string", () => {
    const partsOf = (code: string, open?: string) => (highlight(code, open) as unknown as { parts: { className: string; textContent: string }[] }).parts;
    const go = 'if the route matches, the handler\nfor it is called.\n*/\npackage mux';
    expect(partsOf(go, '*/').filter((p) => p.className).map((p) => [p.className, p.textContent])).toEqual([
      ['tok-comment', 'if the route matches, the handler\nfor it is called.\n*/'], ['tok-keyword', 'package'],
    ]);
    expect(partsOf(go).filter((p) => p.className === 'tok-keyword').map((p) => p.textContent)).toEqual(['if', 'for', 'is', 'package']);
    expect(partsOf('    forms of it.\n    """\n    return 1', '"""')[0]).toEqual({ className: 'tok-string', textContent: '    forms of it.\n    """' });
    expect(partsOf('never closed\nhere', '*/').map((p) => [p.className, p.textContent])).toEqual([['tok-comment', 'never closed\nhere']]);
    expect(textOf(highlight(go, '*/'))).toBe(go);
  });

  test("the query's words are marked in code, comments and strings, keeping each piece's class; the text whole", () => {
    const code = '# parse the header\ndef parseHeader(line):\n    return "header: " + line';
    const fragment = highlight(code, undefined, queryMatcher('parse headers'));
    const parts = (fragment as unknown as { parts: { className: string; textContent: string; tag?: string }[] }).parts;
    expect(parts.filter((p) => p.tag === 'mark').map((p) => [p.className, p.textContent])).toEqual([
      ['tok-comment', 'parse'], ['tok-comment', 'header'], ['', 'parseHeader'], ['tok-string', 'header'],
    ]);
    expect(textOf(fragment)).toBe(code);
    const long = 'parse '.repeat(HIGHLIGHTED_CHARS / 5);
    const started = performance.now();
    const marked = (highlight(long, undefined, queryMatcher('parse')) as unknown as { parts: { tag?: string }[] }).parts.filter((p) => p.tag === 'mark');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(marked).toHaveLength(Math.floor(HIGHLIGHTED_CHARS / 6)); // within HIGHLIGHTED_CHARS only
  });

  test('comments, strings, numbers and keywords are still told apart', () => {
    const parts = (highlight('const s = "a"; // done\nreturn 42') as unknown as { parts: { className: string; textContent: string }[] }).parts;
    expect(parts.filter((p) => p.className).map((p) => [p.className, p.textContent])).toEqual([
      ['tok-keyword', 'const'], ['tok-string', '"a"'], ['tok-comment', '// done'], ['tok-keyword', 'return'], ['tok-number', '42'],
    ]);
  });
});
