/**
 * The search box's excerpt (src/search-box/excerpt.ts): it starts at the definition holding the most of the
 * query's words, else the line holding the most (the definition, for a query that is a name; the line, for a place in the chunk's file), marks the query's words as lexical search matches them, and leaves function words unmarked.
 */
import { describe, expect, test } from 'vitest';
import { EXCERPT_LINES, excerpt as excerptOf } from '../src/search-box/excerpt';

/** The excerpt's pieces. */
const excerpt = (...args: Parameters<typeof excerptOf>) => excerptOf(...args).pieces;

const marked = (pieces: ReturnType<typeof excerpt>) => pieces.filter((p) => p.marked).map((p) => p.text);

describe('search box excerpt', () => {
  const code = ['// the helpers of the module', 'import { x } from "y";', 'export function parseHeader(line: string) {', '  return line.split(":");', '}'].join('\n');

  test('starts at the first line with a word of the query, marking identifiers by their parts', () => {
    const pieces = excerpt(code, 'parse the headers');
    expect(pieces.map((p) => p.text).join('')).toBe(code.split('\n').slice(2).join('\n'));
    expect(marked(pieces)).toEqual(['parseHeader']);
  });

  test('for a query that names a place in the chunk\'s file, starts at its line; elsewhere, or in another file, as before', () => {
    const at = (query: string, path = 'src/header.ts') => excerpt(code, query, { path, language: 'typescript', startLine: 10 }).map((p) => p.text).join('').split('\n')[0];
    expect(at('src/header.ts:13')).toBe('  return line.split(":");');
    expect(at('    at parse (/srv/app/src/header.ts:11:3)')).toBe('import { x } from "y";');
    // Its words then, as for any query: "header" is in parseHeader.
    expect(at('src/header.ts:40')).toBe('export function parseHeader(line: string) {');
    expect(at('src/header.ts:13', 'src/other.ts')).toBe('export function parseHeader(line: string) {');
  });

  test("a query's function words are not marked, unless they are all it has", () => {
    expect(marked(excerpt(code, 'split the line'))).toEqual(['line', 'line', 'split']);
    expect(marked(excerpt('if the value is set', 'is the'))).toEqual(['the', 'is']);
  });

  test('for a query that is a name, starts at the line that defines it, past a doc comment that names it first', () => {
    const go = ['// Reverse returns s with its runes in reverse order.', '// Reverse("abc") is "cba".', 'func Reverse(s string) string {', '\tr := []rune(s)', '}'].join('\n');
    expect(excerpt(go, 'Reverse')[0].text).toBe('func ');
    expect(excerpt(go, 'strings.Reverse()').map((p) => p.text).join('')).toBe(go.split('\n').slice(2).join('\n'));
    expect(excerpt(go, 'reverse a string')[0]).toEqual({ text: 'func ', marked: false }); // words, not a name: the definition that holds them
  });

  test('for a description, starts at the definition that holds most of its words, past comments and calls that hold them too', () => {
    const python = [
      '# retry with a growing delay between attempts',
      'def get_retry_after(self, response):',
      '    return response.headers.get("Retry-After")',
      '',
      'def get_backoff_time(self):',
      '    """How long to sleep before the next retry, growing with each attempt."""',
      '    backoff_value = self.backoff_factor * (2 ** (self.retries - 1))',
    ].join('\n');
    const first = (query: string) => excerpt(python, query).map((p) => p.text).join('').split('\n')[0];
    expect(first('backoff time of a retry')).toBe('def get_backoff_time(self):');
    expect(first('retry after the response header')).toBe('def get_retry_after(self, response):');
    // No definition holds a word of the query: the line that holds the most, the first of equals.
    expect(first('sleep until the next attempt')).toBe('    """How long to sleep before the next retry, growing with each attempt."""');
    expect(first('growing delay')).toBe('# retry with a growing delay between attempts');
    // Words are found in any case, through underscores and camelCase, a plural's s dropped.
    const constants = ['x = 1', 'MAX_BACKOFF_TIMES = 3', 'maxBackoffTimes = 3'].join('\n');
    expect(excerpt(constants, 'backoff times').map((p) => p.text).join('').split('\n')[0]).toBe('MAX_BACKOFF_TIMES = 3');
    expect(marked(excerpt(constants, 'backoff times'))).toEqual(['MAX_BACKOFF_TIMES', 'maxBackoffTimes']);
    expect(excerpt(constants, 'maxbackofftime').map((p) => p.text).join('').split('\n')[0]).toBe('MAX_BACKOFF_TIMES = 3');
  });

  test("where the excerpt starts, for the result's link ({line})", () => {
    expect(excerptOf(code, 'parse the headers').first).toBe(2);
    expect(excerptOf(code, 'nothing here').first).toBe(0);
  });

  test(`at most ${EXCERPT_LINES} lines, from the top when no word matches`, () => {
    const long = Array.from({ length: 20 }, (_, i) => `line${i}`).join('\n');
    expect(excerpt(long, 'nothing here').map((p) => p.text).join('').split('\n')).toHaveLength(EXCERPT_LINES);
  });
});
