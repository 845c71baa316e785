/**
 * A query as each side of search reads it (src/text/query-form.ts): the words that make a code search a
 * request are left out of what both sides search, the model's query prompt (prompts.ts) and BM25's query
 * words (lexical-tokens.ts), while what the query describes, its question words and its verbs stay; the
 * model is given it without the question mark or full stop that ends it, and Title Case lowered.
 */
import { describe, expect, test } from 'vitest';
import { queryWords } from '../src/search/lexical-tokens';
import { applyPrompt, TASK_INSTRUCTIONS } from '../src/text/prompts';
import { asDescription, withoutRequestFrame } from '../src/text/query-form';

describe('a query as the model reads it', () => {
  test('a question mark or full stop at the end, the spaces around and runs of spaces go, Title Case is lowered; a capital first letter, identifiers and capitals stay', () => {
    const forms: [string, string][] = [
      ['parse a date?', 'parse a date'],
      ['Retry failed requests with backoff.', 'Retry failed requests with backoff'],
      ['Retry With Exponential Backoff', 'retry with exponential backoff'],
      ['JSON Schema Validation Errors?', 'JSON schema validation errors'],
      ['How do I parse HTTP headers?', 'parse HTTP headers'],
      ['retry  with\tbackoff \n', 'retry with\tbackoff'],
    ];
    for (const [query, described] of forms) expect(asDescription(query), query).toBe(described);
    for (const query of ['Parse a date', 'Router matches ServeHTTP requests', 'match test names against a pattern with * and ?', 'Param = Name Type', 'HTTP header parsing', 'where help shows [default: ...] and [possible values: ...]', 'Marshal', 'decode a Uvarint from bytes', 'is 1.0.0-alpha lower than 1.0.0', 'a pasted snippet\n  kept\n    as it is']) {
      expect(asDescription(query), query).toBe(query);
    }
  });
});

describe('the frame of a request', () => {
  test('requests lose their frame, however it is worded', () => {
    const framed: [string, string][] = [
      ['how do I register my own custom keyword', 'register my own custom keyword'],
      ['how to split a value on commas', 'split a value on commas'],
      ['where do we retry failed requests', 'retry failed requests'],
      ['Show me the code that parses dates', 'parses dates'],
      ['please show me how we escape html', 'escape html'],
      ['find the function that turns a hex colour into ANSI', 'turns a hex colour into ANSI'],
      ["I'm looking for the function that reads config files", 'reads config files'],
      ['I need to copy a directory tree', 'copy a directory tree'],
      ['is there a way to cache results of a function', 'cache results of a function'],
      ['is there a function to cache results', 'cache results'],
      ['can you find where we close idle connections', 'close idle connections'],
      ['which function compares two versions', 'compares two versions'],
      ['code for parsing command line flags', 'parsing command line flags'],
    ];
    for (const [query, described] of framed) expect(withoutRequestFrame(query), query).toBe(described);
  });

  test('a query that is no request, a question that says what is asked, and a verb of what the code does stay as written', () => {
    for (const query of [
      'why are newlines in my log message flattened to spaces',
      'where is the parsed range cache size limited',
      'how does a tilde range get converted to upper and lower versions',
      'find the longest common prefix',
      'find where an executable lives on the PATH',
      'search for a key in a sorted array',
      'locate the config file in parent directories',
      'show help when no arguments are given',
      'files in a directory walked recursively',
      'function_that_parses',
      '  retry with backoff ',
    ]) {
      expect(withoutRequestFrame(query), query).toBe(query);
    }
  });

  test('a long hostile query is read in time linear in its length', () => {
    // Within the test's time limit, whatever the regexes' engine: a frame repeated, stops and spaces by the thousand.
    expect(withoutRequestFrame(`${'please '.repeat(30_000)}parse`)).toBe('parse');
    expect(asDescription(`${'?'.repeat(200_000)}x`)).toBe(`${'?'.repeat(200_000)}x`);
    expect(asDescription(`a${'?'.repeat(200_000)}`)).toBe('a');
    expect(asDescription(`a${' '.repeat(200_000)}b`)).toBe('a b');
    expect(queryWords(`${'the code that '.repeat(15_000)}retries`)).toEqual(['retrie']);
  });

  test('a query that is nothing but a frame stays whole', () => {
    expect(withoutRequestFrame('show me')).toBe('show me');
    expect(withoutRequestFrame('how do I')).toBe('how do I');
  });

  test("both sides search what the request describes: BM25's words and the model's code-search prompt", () => {
    expect(queryWords('show me the function that parses dates')).toEqual(queryWords('parses dates'));
    expect(applyPrompt('How do I parse dates?', { kind: 'query' })).toBe(`${TASK_INSTRUCTIONS['code-search']}parse dates`);
    // Another task's query, a custom instruction and a document are given as written.
    expect(applyPrompt('how do I parse dates', { kind: 'query', task: 'stackoverflow-qa' })).toBe(`${TASK_INSTRUCTIONS['stackoverflow-qa']}how do I parse dates`);
    expect(applyPrompt('how do I parse dates', { kind: 'query', instruction: 'Q: ' })).toBe('Q: how do I parse dates');
    expect(applyPrompt('how do I parse dates', { kind: 'document' })).toContain('how do I parse dates');
  });
});
