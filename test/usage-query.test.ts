/**
 * Queries that ask where a symbol is used or tested (src/search/usage-query.ts): the forms read and the
 * name they ask for; queries of words or a bare name left alone; the chunks that use a name (a line of code that is
 * neither its definition nor a comment); and hybrid search over one index file and its split folder
 * listing the callers first, while the bare name still lists its definition first.
 */
import { describe, expect, test } from 'vitest';
import { CodeIndex } from '../src/search/code-index';
import { buildIndexData, type EmbeddedFile } from '../src/search/index-build';
import type { IndexHeader } from '../src/search/index-file';
import { SplitCodeIndex } from '../src/search/split-code-index';
import { encodeManifest, MANIFEST_NAME, splitIndex } from '../src/search/split-index';
import { symbolOfQuery } from '../src/search/symbol-query';
import { usageOfQuery, useLine, usingChunks } from '../src/search/usage-query';
import { excerpt } from '../src/search-box/excerpt';
import { random, randomUnit } from './helpers/random';

describe('where a symbol is used', () => {
  test.each([
    ['where is parseDate used', 'parseDate'],
    ['Where is `parseDate` called?', 'parseDate'],
    ['where do we call time.parse_date', 'parse_date'],
    ['where does the cli use Router', 'Router'],
    ['callers of Router.ServeHTTP', 'ServeHTTP'],
    ['find all references to CodeGen', 'CodeGen'],
    ['usages of Vec::with_capacity()', 'with_capacity'],
    ['who calls urlsplit', 'urlsplit'],
    ['which functions call parseDate', 'parseDate'],
    ['which function calls parseDate', 'parseDate'],
    ['parseDate usages', 'parseDate'],
  ])('%j asks for the uses of %s', (query, name) => {
    expect(usageOfQuery(query)).toEqual({ name, inTests: false });
  });

  test.each([
    ['tests for parseDate', 'parseDate'],
    ['the unit tests of Router.ServeHTTP', 'ServeHTTP'],
    ['test cases for urlsplit', 'urlsplit'],
    ['where is `CodeGen` tested?', 'CodeGen'],
    ['parse_date tests', 'parse_date'],
  ])('%j asks for the tests that use %s', (query, name) => {
    expect(usageOfQuery(query)).toEqual({ name, inTests: true });
  });

  test('a bare name, a description, or several words in the name\'s place ask for no uses', () => {
    for (const query of ['parseDate', 'where is the cache used', 'callers of the date parser', 'parse a date and call the callback', 'where is it used in the parser', 'tests for the parser', 'run the tests']) expect(usageOfQuery(query)).toBeUndefined();
  });

  test('long hostile queries are read in time', () => {
    const started = performance.now();
    for (const query of [`where is ${'a'.repeat(200_000)}! used`, `${'a.'.repeat(100_000)} usages`, `tests for ${'a::'.repeat(60_000)}`, `where do ${'we '.repeat(60_000)}call x`, `callers of \x60${'a'.repeat(200_000)}`]) {
      usageOfQuery(query);
      symbolOfQuery(query);
    }
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test('the chunks that use a name: a line of code that holds it as a word, not its definition, an import nor a comment of its language', () => {
    const chunks = [
      { id: 0, language: 'javascript', text: 'function parseDate(text) {\n  return new Date(text);\n}' },
      { id: 1, language: 'javascript', text: 'const when = parseDate(input);' },
      { id: 2, language: 'javascript', text: '// parseDate is slow\nconst x = 1;' },
      { id: 3, language: 'javascript', text: 'const y = parseDates(input);' },
      { id: 4, language: 'python', text: 'def parse_date(s):\n    return parse_date(s[1:])' },
      { id: 5, language: 'javascript' },
      { id: 6, language: 'javascript', text: 'import { parseDate } from "./date";\nconst { parseDate: p } = require("./date");' },
      { id: 7, language: 'python', text: 'from date import parse_date\ndef days(xs):\n    """Calls parse_date on each,\n    parse_date(x) for x in xs.\n    """\n    return 1' },
      { id: 8, language: 'sql', text: '-- parse_date(text) turns text into a date\nselect 1;' },
    ];
    expect([...usingChunks('parseDate', chunks)]).toEqual([1]);
    expect([...usingChunks('parse_date', chunks)]).toEqual([4]);
    expect(useLine('parse_date', chunks[4].text!.split('\n'), 'python')).toBe(1);
    expect(useLine('parseDate', chunks[2].text!.split('\n'), 'javascript')).toBe(-1);
    // In a language without comment rules here every line is code: `#` is Python's comment, not Go's.
    expect(useLine('parse_date', ['# parse_date(x)'], 'python')).toBe(-1);
    expect(useLine('parse_date', ['# parse_date(x)'], 'go')).toBe(0);
  });

  test('the search box shows a result from the line that uses the name', () => {
    const text = ['import { parseDate } from "./date";', '// parseDate is slow', 'export function start(env) {', '  return parseDate(env.START);', '}'].join('\n');
    expect(excerpt(text, 'where is parseDate used', { path: 'src/start.ts', language: 'typescript', startLine: 1 }).pieces.map((p) => p.text).join('').split('\n')[0]).toBe('  return parseDate(env.START);');
  });

  test('a Python chunk that begins inside a docstring is shown from its use in code, not from the docstring that names it', () => {
    const dim = 8;
    const header: IndexHeader = { model: { id: 'test-model', fingerprint: 'sha256:abc' }, dim, chunker: { version: 1, maxLines: 60, mergeLines: 20, overlapLines: 10 } };
    const texts = ['def days(xs):\n    """Counts the days.', '    Each is read by parse_date(x).\n    """\n    return [parse_date(x) for x in xs]'];
    const vectors = new Float32Array(texts.length * dim);
    texts.forEach((_, i) => vectors.set(randomUnit(random(i), dim), i * dim));
    const files: EmbeddedFile[] = [{ path: 'days.py', language: 'python', hash: 'a'.repeat(64), chunks: [{ startLine: 1, endLine: 2, text: texts[0] }, { startLine: 3, endLine: 5, text: texts[1] }], vectors }];
    const query = 'where is parse_date used';
    const [result] = new CodeIndex(buildIndexData(header, files, true)).search({ vector: randomUnit(random(5), dim), text: query }, 1, 'hybrid');
    expect(result).toMatchObject({ startLine: 3, openComment: '"""' });
    expect(excerpt(result.text!, query, result).pieces.map((p) => p.text).join('').split('\n')[0]).toBe('    return [parse_date(x) for x in xs]');
    expect(excerpt(result.text!, query, { ...result, openComment: undefined }).pieces.map((p) => p.text).join('').split('\n')[0]).toBe('    Each is read by parse_date(x).');
  });

  test('hybrid lists the callers first (the tests, asked for tests), in the split folder as in the one file; the bare name its definition', async () => {
    const dim = 16;
    const rand = random(3);
    const header: IndexHeader = { model: { id: 'test-model', fingerprint: 'sha256:abc' }, dim, chunker: { version: 1, maxLines: 60, mergeLines: 20, overlapLines: 10 } };
    const file = (path: string, texts: string[]): EmbeddedFile => {
      const vectors = new Float32Array(texts.length * dim);
      texts.forEach((_, i) => vectors.set(randomUnit(rand, dim), i * dim));
      return { path, language: 'typescript', hash: path.padStart(64, 'a'), chunks: texts.map((text, i) => ({ startLine: i * 10 + 1, endLine: i * 10 + 5, text })), vectors };
    };
    const files = [
      file('src/date.ts', ['/** Parses a date: parseDate used everywhere. */\nexport function parseDate(text: string): Date {\n  return new Date(text);\n}', 'export function formatDate(d: Date) { return d.toISOString(); }']),
      file('src/server.ts', ['const started = parseDate(process.env.START);', 'export function serve() { listen(8080); }']),
      file('src/cli.ts', ['const until = parseDate(args.until);', 'console.log("where is it used");']),
      file('test/date.test.ts', ['expect(parseDate("2020-01-02").getDate()).toBe(2);']),
      ...Array.from({ length: 12 }, (_, i) => file(`src/other${i}.ts`, [`export const value${i} = ${i}; // used where date is parsed`])),
    ];
    const data = buildIndexData(header, files, true);
    const cut = splitIndex(data);
    const split = await SplitCodeIndex.open('x', async (name) => new Map([...cut.files, [MANIFEST_NAME, encodeManifest(cut.manifest)]]).get(name)!);
    const probes = cut.manifest.partitions.starts.length - 1;
    for (const index of [new CodeIndex(data), split]) {
      const search = async (text: string) => {
        const query = { vector: randomUnit(random(9), dim), text };
        const results = index instanceof CodeIndex ? index.search(query, 10, 'hybrid') : await index.search(query, 10, 'hybrid', { probes });
        return results.map((r) => `${r.path}:${r.startLine}`);
      };
      expect(new Set((await search('where is parseDate used')).slice(0, 3))).toEqual(new Set(['src/server.ts:1', 'src/cli.ts:1', 'test/date.test.ts:1']));
      expect((await search('tests for parseDate'))[0]).toBe('test/date.test.ts:1');
      expect((await search('where is parseDate tested'))[0]).toBe('test/date.test.ts:1');
      expect((await search('parseDate'))[0]).toBe('src/date.ts:1');
    }
  });
});
