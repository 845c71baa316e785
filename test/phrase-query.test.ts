/**
 * Queries that quote the code (src/search/phrase-query.ts): a pasted message, its placeholders filled,
 * is held by the chunk that prints it; a description that shares its words but not their order is not;
 * a query of fewer than PHRASE_MIN_WORDS words is never taken as a passage.
 */
import { describe, expect, test } from 'vitest';
import { PHRASE_MIN_WORDS, phraseCandidates, phraseChunks } from '../src/search/phrase-query';
import { focusLine } from '../src/search/query-matches';

const lexical = (scores: number[], coverage: (id: number) => number = () => 1) => ({ scores: Float32Array.from(scores), coverage });
const pairsOf = (query: string) => phraseCandidates(query, lexical([1, 0, 2]))!.pairs;
const held = (query: string, text: string | undefined, language = 'python') => phraseChunks(pairsOf(query), [{ id: 0, language, text }]).has(0);

describe('phrase queries', () => {
  test(`a query of ${PHRASE_MIN_WORDS} words or more: its word pairs, and BM25's first chunks that hold most of its words, best first`, () => {
    expect(phraseCandidates('could not write', lexical([1]))).toBeUndefined();
    expect(phraseCandidates('Could not write to socket', lexical([1, 0, 2]))).toEqual({ pairs: ['could not', 'not write', 'write to', 'to socket'], ids: [2, 0] });
    expect(phraseCandidates('Could not write to socket', lexical([1, 0, 2, 3], (id) => [0.9, 0, 0.5, 0.6][id]))!.ids).toEqual([3, 0]);
  });

  test.each([
    ['Could not write to socket', 'throw new \\UnexpectedValueException(\'Could not write to socket\');'],
    ["chi: routing pattern must begin with '/' in 'users'", "panic(fmt.Sprintf(\"chi: routing pattern must begin with '/' in '%s'\", pattern))"],
    ['Argument example cannot conflict with itself', 'assert!(!arg.blacklist.contains(&arg.id), "Argument \'{}\' cannot conflict with itself", arg.get_id());'],
    ['multipart boundary not found within limit', 'raise BoundaryTooLongError, "multipart boundary not found within limit"'],
  ])('a message as printed is held by the code that prints it: %s', (query, code) => {
    expect(held(query, `def f():\n    ${code}\n`)).toBe(true);
  });

  test.each([
    ['write the log records to a socket', "throw new \\UnexpectedValueException('Could not write to socket');"],
    ['socket to write could not', "throw new \\UnexpectedValueException('Could not write to socket');"],
    ['the pattern of a route must begin with a slash', "panic(\"chi: routing pattern must begin with '/' in '\" + pattern + \"'\")"],
  ])('a description with the words in another order is not a passage: %s', (query, code) => {
    expect(held(query, code)).toBe(false);
  });

  test('a comment that restates the query is prose, not a passage of the code; the same words in a string are', () => {
    const query = 'read the value from an environment variable';
    expect(held(query, '/// Read the value from an environment variable\npub fn env(self) -> Self {', 'rust')).toBe(false);
    expect(held(query, '# Read the value from an environment variable\ndef env(self):', 'python')).toBe(false);
    expect(held(query, 'def env(self):\n    """Read the value from an environment variable."""', 'python')).toBe(false);
    expect(held(query, 'panic!("read the value from an environment variable");', 'rust')).toBe(true);
  });

  test('the line shown for a quoted passage is the one that holds most of it, not the first that holds a word of it', () => {
    const lines = ['def write(self, record):', '    # the socket may be closed', '    if not self.socket.send(record):', "        raise IOError('Could not write to socket')"];
    expect(focusLine(lines, 'Could not write to socket')).toBe(3);
    expect(focusLine(lines, 'write a record to the socket')).toBe(0);
  });

  test('a chunk without its text (an index written with --no-texts) holds nothing', () => {
    expect(held('Could not write to socket', undefined)).toBe(false);
  });
});
