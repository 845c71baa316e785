/**
 * Misspelt query words (src/search/query-correction.ts): a word of five lowercase letters or more that is
 * no word of the index, one edit from words of the index that begin with its letter, is corrected to the
 * commonest; words of the index, their inflections, languages' names, short words, capitalised words and
 * identifiers stay.
 */
import { describe, expect, test } from 'vitest';
import { checkedWords, correctionOf, correctWords, isCorrectionTarget, knownForms, oneEditAway } from '../src/search/query-correction';

/** A vocabulary: each word and the chunks that hold it. */
const CHUNKS = new Map([['version', 12], ['versions', 1], ['verify', 4], ['reverse', 9], ['reserve', 9], ['list', 5], ['listen', 30], ['apply', 3], ['applied', 7], ['cache', 2], ['catch', 8], ['parser', 6], ['kernel', 1]]);
const isWord = (term: string) => CHUNKS.has(term);
const targetChunks = (term: string) => (isCorrectionTarget(term, CHUNKS.get(term) ?? 0) ? CHUNKS.get(term)! : 0);
/** The model knows "whole" as a word (one token), as C2LLM-nano's tokenizer does. */
const lexicon = { isWord, targetChunks, oneToken: (word: string) => word === 'whole' };

describe('misspelt words', () => {
  test('one edit away: a letter swapped with the next, left out, added or changed, never the first', () => {
    const near = oneEditAway('verison');
    for (const word of ['version', 'veison', 'verisson', 'verisor', 'verisonx']) expect(near.has(word)).toBe(true);
    for (const word of ['verison', 'eversion', 'berison', 'erison', 'evrison']) expect(near.has(word)).toBe(false);
  });

  test('a word the model reads as one token is no typo, though the index lacks it and a word one edit away is a target', () => {
    expect(correctionOf('whole', { ...lexicon, targetChunks: (term) => (term === 'while' ? 9 : 0) })).toBeUndefined();
    expect(correctionOf('whole', { ...lexicon, targetChunks: (term) => (term === 'while' ? 9 : 0), oneToken: () => false })).toBe('while');
  });

  test('an inflection of a word the model knows is no typo, where the stem has five letters or more', () => {
    // "causes" is two tokens to nano and one edit from "cases" (the target `case`); its stem "cause" is one token.
    const knows = { isWord: () => false, targetChunks: (term: string) => (['case', 'unit'].includes(term) ? 9 : 0), oneToken: (word: string) => ['cause', 'uint'].includes(word) };
    expect(correctionOf('causes', knows)).toBeUndefined();
    expect(correctionOf('causes', { ...knows, oneToken: () => false })).toBe('cases');
    // A shorter stem is as often a code word: "uints" is a typo of "units", not a plural of `uint`.
    expect(correctionOf('uints', knows)).toBe('units');
  });

  test("a language's name is no typo: a query may name one (language-query.ts) that the index's words lack", () => {
    const near = { ...lexicon, targetChunks: (term: string) => (['scalar', 'shift', 'node'].includes(term) ? 9 : 0) };
    expect(['scala', 'swift', 'nodejs'].map((w) => correctionOf(w, near))).toEqual([undefined, undefined, undefined]);
    expect(correctionOf('scalr', near)).toBe('scalar');
  });

  test('a word of the index as written, as BM25 reads it, or without an English ending is no typo', () => {
    expect(knownForms('listed')).toContain('list');
    expect(knownForms('applies')).toContain('apply');
    expect(knownForms('versions')).toContain('version');
    expect(['listed', 'applies', 'versions', 'reverse'].map((w) => correctionOf(w, lexicon))).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('corrected to the commonest target one edit away (the first in order of a tie), or not at all', () => {
    expect(correctionOf('verison', lexicon)).toBe('version');
    expect(correctionOf('reverse', lexicon)).toBeUndefined();
    expect(correctionOf('reserse', lexicon)).toBe('reserve');
    expect(correctionOf('parsre', lexicon)).toBe('parser');
    // A word one edit away counts as BM25 reads it: `versions` is the target `version`.
    expect(correctionOf('versionsx', lexicon)).toBe('versions');
    expect(correctionOf('socres', { isWord: (term) => term === 'score', targetChunks: (term) => (term === 'score' ? 3 : 0), oneToken: () => false })).toBe('scores');
    // A target holds lowercase letters and is in 2 chunks or more: `kernel` (1 chunk) corrects nothing.
    expect(correctionOf('kernell', lexicon)).toBeUndefined();
    expect(correctionOf('bersion', lexicon)).toBeUndefined();
  });

  test('only words of five lowercase letters or more are checked; the rest of the query is kept as typed', () => {
    expect(checkedWords('Verison of the cahce, verison_2 and parsre.py verison')).toEqual(['cahce', 'parsre', 'verison']);
    expect(correctWords('Verison of the cahce, verison_2 and parsre.py verison', lexicon)).toBe('Verison of the cache, verison_2 and parser.py version');
    expect(correctWords('catch the version', lexicon)).toBe('catch the version');
    // A quotation mark or backtick asks for the words as typed: nothing is corrected.
    for (const quoted of ['the "cahce" verison', 'the `cahce` verison', 'the \u201Ccahce\u201D verison']) {
      expect(checkedWords(quoted)).toEqual([]);
      expect(correctWords(quoted, lexicon)).toBe(quoted);
    }
  });
});
