/**
 * Queries that name a file or a place in one (src/search/path-query.ts): one token with a '.' or '/',
 * matched without regard to case against the end of each path on whole folder names, or a path pasted
 * from above the indexed folder; a query of words, or an end that cuts a folder's name, names no file. A
 * place as compilers, linters and stack traces print it names its path and line, a trace its innermost
 * frame first.
 */
import { describe, expect, test } from 'vitest';
import { chunksAtLine, filesNamed, placesOfQuery } from '../src/search/path-query';

const PATHS = ['src/mux.go', 'src/tree.go', 'middleware/logger.go', 'Logger.php', 'lib/Handler/Logger.php', 'languages/__init__.py', '__init__.py', 'xmux.go'];
const named = (query: string) => {
  const [place] = placesOfQuery(query);
  return place === undefined ? [] : [...filesNamed(place.path, PATHS, place.rooted)].map((i) => PATHS[i]);
};

describe('file-name queries', () => {
  test('a name or a path\'s end, in any case, with a leading ./ or / or Windows separators', () => {
    expect(named('mux.go')).toEqual(['src/mux.go']);
    expect(named('  ./src/tree.go ')).toEqual(['src/tree.go']);
    expect(named('middleware\\logger.go')).toEqual(['middleware/logger.go']);
    expect(named('logger.php')).toEqual(['Logger.php', 'lib/Handler/Logger.php']);
    expect(named('handler/LOGGER.PHP')).toEqual(['lib/Handler/Logger.php']);
    expect(named('__init__.py')).toEqual(['languages/__init__.py', '__init__.py']);
  });

  test('words, a cut folder name, a folder, or a qualified name that is no file name none', () => {
    for (const query of ['tree go', 'ux.go', 'andler/Logger.php', 'src/', 'os.path.join', 'mux', '']) expect(named(query)).toEqual([]);
    expect(placesOfQuery('how does mux.go route')).toEqual([]);
    // A line number beside words, not a file: no place.
    for (const query of ['line 3 of the parser', 'parser line 3', 'the router, line 12', 'read line 4 in order']) expect(placesOfQuery(query)).toEqual([]);
  });

  test('a path from the root, above the indexed folder, names the file whose path it ends with, the longest only', () => {
    expect(named('/home/me/project/src/mux.go')).toEqual(['src/mux.go']);
    expect(named('~/project/src/mux.go')).toEqual(['src/mux.go']);
    expect(named('project/src/mux.go')).toEqual([]);
    expect(named('C:\\work\\app\\lib\\handler\\logger.php')).toEqual(['lib/Handler/Logger.php']);
    expect(named('/home/me/project/languages/__init__.py')).toEqual(['languages/__init__.py']);
    expect(named('/home/me/project/other.go')).toEqual([]);
  });

  test.each([
    ['src/mux.go:120', 'src/mux.go', 120],
    ['src/mux.go:120:5: undefined: Route', 'src/mux.go', 120],
    ['--> src/main.rs:10:5', 'src/main.rs', 10],
    ['/srv/app/main.go:123 +0x1d', 'srv/app/main.go', 123],
    ["app/models/user.rb:42:in 'save'", 'app/models/user.rb', 42],
    ["src/tree.ts(12,5): error TS2322: Type 'string' is not assignable", 'src/tree.ts', 12],
    ['File "/home/me/app/Config.py", line 42, in load', 'home/me/app/config.py', 42],
    ['    at parse (/srv/app/src/date.js:42:13)', 'srv/app/src/date.js', 42],
    ['at com.example.Router.route(Router.java:88)', 'router.java', 88],
    ['at file:///srv/app/src/date.js:42:13', 'srv/app/src/date.js', 42],
    ['C:\\work\\app\\src\\tree.ts:12:5', 'work/app/src/tree.ts', 12],
    ['src/mux.go#L120', 'src/mux.go', 120],
    ['src/mux.go#L120-L130', 'src/mux.go', 120],
    ['mux.go line 120', 'mux.go', 120],
    ['src/Mux.go, Line 120', 'src/mux.go', 120],
    ['line 120 of mux.go', 'mux.go', 120],
    ['line 7 in src/tree.ts', 'src/tree.ts', 7],
  ])('%j names %s, line %d', (query, path, line) => {
    expect(placesOfQuery(query)).toEqual([{ path, line, rooted: true }]);
  });

  test('a place, or a path with a folder typed whole (as git prints it), names the file whose path is all of it, where one is; the chunks at its line, else the nearest', () => {
    const paths = ['languages/it.py', 'parsers/rst/languages/it.py'];
    const [place] = placesOfQuery('languages/it.py:36');
    expect([...filesNamed(place.path, paths, place.rooted)]).toEqual([0]);
    expect([...filesNamed('languages/it.py', paths)]).toEqual([0]);
    expect([...filesNamed('rst/languages/it.py', paths)]).toEqual([1]);
    expect([...filesNamed('it.py', paths)]).toEqual([0, 1]);
    const chunks = [{ startLine: 1, endLine: 15 }, { startLine: 10, endLine: 30 }, { startLine: 40, endLine: 60 }];
    expect(chunksAtLine(chunks, 12)).toEqual(chunks.slice(0, 2));
    expect(chunksAtLine(chunks, 34)).toEqual([chunks[1]]);
    expect(chunksAtLine(chunks, 36)).toEqual([chunks[2]]);
    expect(chunksAtLine(chunks, 35)).toEqual(chunks.slice(1));
    expect(chunksAtLine(chunks, 900)).toEqual([chunks[2]]);
  });

  test('a link to a file in a repository\'s web view names its path from the root and its first line', () => {
    expect(placesOfQuery('https://github.com/gorilla/mux/blob/main/mux.go#L120-L130')).toEqual([{ path: 'mux.go', line: 120, rooted: true }]);
    expect(placesOfQuery('https://gitlab.com/group/sub/project/-/blob/v1.2/src/My%20Tree.ts#L7')).toEqual([{ path: 'src/my tree.ts', line: 7, rooted: true }]);
    expect(placesOfQuery(' https://github.com/o/r/blob/4f2a9c1/lib/Handler/Logger.php ')).toEqual([{ path: 'lib/handler/logger.php', rooted: true }]);
    expect(named('https://github.com/o/r/blob/main/lib/Handler/Logger.php')).toEqual(['lib/Handler/Logger.php']);
    for (const query of ['https://github.com/o/r', 'https://example.com/docs/mux.go', 'https://github.com/o/r/blob/main/%E0%A4%A.go']) expect(placesOfQuery(query).filter((p) => p.line !== undefined)).toEqual([]);
  });

  test('a trace names its frames innermost first: a Python traceback its last, a JavaScript stack its first; lines of words name none', () => {
    const python = ['Traceback (most recent call last):', '  File "app/main.py", line 9, in <module>', '  File "app/config.py", line 42, in load', 'ValueError: bad'].join('\n');
    expect(placesOfQuery(python)).toEqual([{ path: 'app/config.py', line: 42, rooted: true }, { path: 'app/main.py', line: 9, rooted: true }]);
    const node = ['TypeError: x is undefined', '    at parse (src/date.js:42:13)', '    at main (src/index.js:7:3)'].join('\n');
    expect(placesOfQuery(node)).toEqual([{ path: 'src/date.js', line: 42, rooted: true }, { path: 'src/index.js', line: 7, rooted: true }]);
    for (const query of ['retry at most 3 times', 'the server listens on :8080', 'ratio 16:9 of the frame', 'line 42 of the config']) expect(placesOfQuery(query)).toEqual([]);
  });

  test('long hostile queries are read in time', () => {
    const started = performance.now();
    const hostile = [`https://h/${'blob/x/'.repeat(30_000)}#x`, `https://h/${'blob/x/'.repeat(580)}#x`, 'a'.repeat(200_000), `at ${'('.repeat(100_000)}`, `at ${'(a'.repeat(50_000)}`, `${'x/'.repeat(100_000)}:`, 'File "a.py", line 1\n'.repeat(20_000), `${'a:1'.repeat(60_000)}`, `${'a.'.repeat(50_000)} line`, `line 1 of ${'a.'.repeat(50_000)} x`, `${'a.'.repeat(50_000)}#L`];
    for (const query of hostile) placesOfQuery(query);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
