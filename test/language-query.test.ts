/**
 * Queries that name their code's language (src/search/language-query.ts): the forms read as a filter and
 * what is left of the query; the words left as words (a language the index lacks, one named mid-sentence
 * before words that do not describe the code, or as one letter, or with a version, a verb "go", "in sql" where SQL's files are not named, quoted words); an explicit filter before the query's; a
 * search of an index of two languages returning what the filtered search of the rest returns; and long
 * hostile queries read in time.
 */
import { describe, expect, test } from 'vitest';
import { CodeIndex } from '../src/search/code-index';
import { CODE_LANGUAGES } from '../src/search/corpus';
import { buildIndexData, type EmbeddedFile } from '../src/search/index-build';
import type { IndexHeader } from '../src/search/index-file';
import { languageCalled, NAMEABLE_LANGUAGES, namedLanguage, searchedAs } from '../src/search/language-query';
import { random, randomUnit } from './helpers/random';

const HELD = ['c', 'cpp', 'csharp', 'go', 'hcl', 'javascript', 'markdown', 'perl', 'protobuf', 'python', 'rust', 'shell', 'sql', 'typescript'];

describe('a language named in a query', () => {
  test('every language a query may name is one the corpus reads files as', () => {
    expect(NAMEABLE_LANGUAGES.filter((language) => !CODE_LANGUAGES.has(language))).toEqual([]);
  });

  test('a language as people call it is the language an index lists; any other name stays itself, lowercased', () => {
    expect(['golang', 'C++', 'Terraform', 'nodejs', 'objc', 'python', 'Rust', 'wgsl'].map(languageCalled)).toEqual(['go', 'cpp', 'hcl', 'javascript', 'objective-c', 'python', 'rust', 'wgsl']);
  });

  test.each([
    ['parse a date in rust', 'rust', 'parse a date'],
    ['Parse a date in Rust?', 'rust', 'Parse a date'],
    ['how do I parse dates in go', 'go', 'how do I parse dates'],
    ['parse dates, in golang code.', 'go', 'parse dates'],
    ['retry with backoff written in python', 'python', 'retry with backoff'],
    ['retry with backoff (python)', 'python', 'retry with backoff'],
    ['in rust, parse a date', 'rust', 'parse a date'],
    ['rust: parse a date', 'rust', 'parse a date'],
    ['the rust code that parses a date', 'rust', 'code that parses a date'],
    ['show me the rust function that parses a date', 'rust', 'function that parses a date'],
    ['find python files that read the config', 'python', 'find files that read the config'],
    ['match a pattern in c++', 'cpp', 'match a pattern'],
    ['match a pattern in C', 'c', 'match a pattern'],
    ['walk the tree in c#', 'csharp', 'walk the tree'],
    ['walk the tree in node.js', 'javascript', 'walk the tree'],
    ['walk the tree in TS files', 'typescript', 'walk the tree'],
    ['the bash script that runs the training', 'shell', 'runs the training'],
    ['find sql files for the schema', 'sql', 'find the schema'],
    ['markdown files about installing', 'markdown', 'about installing'],
    ['the terraform code that creates the log bucket', 'hcl', 'code that creates the log bucket'],
    ['proto files for the user service', 'protobuf', 'the user service'],
    ['rotate the logs in perl', 'perl', 'rotate the logs'],
    ['rust: parse a date\nwith a time zone', 'rust', 'parse a date\nwith a time zone'],
    ['parse a date\nwith a time zone in rust', 'rust', 'parse a date\nwith a time zone'],
    ['parse a date in rust without allocating', 'rust', 'parse a date without allocating'],
    ['read a file in Go, a line at a time', 'go', 'read a file, a line at a time'],
    ['how do I retry in python code when the server times out', 'python', 'how do I retry when the server times out'],
    ['sort the rows in javascript by their date', 'javascript', 'sort the rows by their date'],
  ])('%j names %s; %j is searched', (query, language, rest) => {
    expect(namedLanguage(query, HELD)).toEqual({ language, query: rest });
  });

  test.each([
    ['a language the index lacks', 'parse dates in java'],
    ['a name alone, or with nothing else', 'rust'],
    ['"in" and a name, nothing to search', 'in rust'],
    ['the verb "go"', 'go to the next page'],
    ['the verb "go", last', 'let it go'],
    ['a language code works on more than it is written in', 'escape a value for use in sql'],
    ['one such, before a noun other than its files\'', 'the sql code that builds a query'],
    ['mid-sentence, before words that do not go on describing the code', "a keyword which doesn't exist in C though"],
    ['one letter mid-sentence (a variable as often)', 'store the sum in c for the next pass'],
    ['"ts" mid-sentence', 'keep the offset in ts for later'],
    ['with a version', 'change unicode output into bytestrings in Python 2'],
    ['part of a longer word', 'write it in pythonic style'],
    ['in quotes', 'parse "in rust"'],
    ['in a backtick', 'parse `in rust`'],
  ])('not read as a language: %s (%j)', (_, query) => {
    expect(namedLanguage(query, HELD)).toBeUndefined();
  });

  test('a filter naming a language is kept and the query searched as typed; a folder filter gains the language; an index that cannot filter searches the words', () => {
    const index = { languages: HELD, filterable: true };
    expect(searchedAs('parse a date in rust', { language: 'python' }, index)).toEqual({ query: 'parse a date in rust', filter: { language: 'python' } });
    expect(searchedAs('parse a date in rust', { language: '', folder: 'src/' }, index)).toEqual({ query: 'parse a date', filter: { language: 'rust', folder: 'src/' }, named: 'rust' });
    expect(searchedAs('parse a date in rust', undefined, index)).toEqual({ query: 'parse a date', filter: { language: 'rust' }, named: 'rust' });
    expect(searchedAs('parse a date in rust', undefined, { ...index, filterable: false })).toEqual({ query: 'parse a date in rust', filter: undefined });
  });

  test('in an index of two languages, the query naming one returns what the filtered search of the rest returns, only that language', () => {
    const dim = 16;
    const rand = random(7);
    const header: IndexHeader = { model: { id: 'test-model', fingerprint: 'sha256:abc' }, dim, chunker: { version: 1, maxLines: 60, mergeLines: 20, overlapLines: 10 } };
    const file = (path: string, language: string, text: string): EmbeddedFile => ({ path, language, hash: path.padStart(64, 'a'), chunks: [{ startLine: 1, endLine: 5, text }], vectors: randomUnit(rand, dim) });
    const index = new CodeIndex(
      buildIndexData(
        header,
        [file('date.py', 'python', 'def parse_date(text): parse a date'), file('date.rs', 'rust', 'fn parse_date(text: &str) parse a date'), file('rust.py', 'python', 'rust in rust rust'), file('lib.rs', 'rust', 'fn other() {}')],
        true,
      ),
    );
    const searched = searchedAs('parse a date in rust', undefined, index);
    expect(searched).toEqual({ query: 'parse a date', filter: { language: 'rust' }, named: 'rust' });
    const vector = randomUnit(rand, dim);
    for (const mode of ['dense', 'lexical', 'hybrid'] as const) {
      const got = index.search({ vector, text: searched.query, filter: searched.filter }, 10, mode);
      expect(got.map((r) => r.path)).toEqual(index.search({ vector, text: 'parse a date', filter: { language: 'rust' } }, 10, mode).map((r) => r.path));
      expect(got.every((r) => r.language === 'rust')).toBe(true);
    }
    expect(index.search({ vector, text: searched.query, filter: searched.filter }, 10, 'lexical')[0].path).toBe('date.rs');
  });

  test('long hostile queries are read in time', () => {
    const started = performance.now();
    for (const query of ['a in '.repeat(40_000), `${'x'.repeat(100_000)}${' '.repeat(100_000)}in rust`, `in rust ${' ,'.repeat(100_000)}`, `rust ${'code '.repeat(40_000)}`, '('.repeat(200_000), 'x in go '.repeat(30_000), `x${' in rust'.repeat(30_000)} with`]) namedLanguage(query, HELD);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
