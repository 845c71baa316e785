/**
 * Misspelt words: a word typed with two letters swapped, one dropped, doubled or hit on the next key
 * ("retry with exponential backfof") matches nothing in BM25 and reads to the model as another word.
 * A query word that is not a word of the index, nor a word the model knows (one token of its tokenizer:
 * an index of code may well lack "words" or "whole"), but is one edit (a letter swapped with the next,
 * left out, added or changed) from words of the index that begin with its first letter, is corrected to
 * the commonest of them. Measured on the code-search validation set in users' words with one such typo in
 * each query, three draws a query (`npm run eval`, eval/typing.ts; docs/design.md): hybrid file MRR@10
 * 0.771 with the typos, 0.799 corrected, 0.806 without them; the queries as written are unchanged.
 */
import { lexicalTokens } from './lexical-tokens';
import { isLanguageName } from './language-query';
import { quotesItsWords } from '../text/query-form';

/** The fewest letters a word needs to be corrected: shorter words are one edit from too many others. */
export const CORRECTION_MIN_LETTERS = 5;

/** Lexicon.oneToken from a model's tokenizer (`tokenize`: a text's token ids, no special tokens added): ` word` is one token. */
export const oneTokenOf =
  (tokenize: (text: string) => ArrayLike<number>): Lexicon['oneToken'] =>
  (word) =>
    tokenize(` ${word}`).length === 1;

/** The fewest chunks a word of the index is in to correct a query word: a word of one chunk is as likely a typo itself. */
export const CORRECTION_MIN_CHUNKS = 2;

/** Whether a word of the index, in `chunks` chunks, may correct a query word: lowercase letters (4 to 32: one edit from a checked word), in CORRECTION_MIN_CHUNKS or more. */
export const isCorrectionTarget = (term: string, chunks: number): boolean => /^[a-z]{4,32}$/.test(term) && chunks >= CORRECTION_MIN_CHUNKS;

/** A word of lowercase letters long enough to be corrected: the form people type words of prose in. */
const CHECKED_WORD = new RegExp(`\\b[a-z]{${CORRECTION_MIN_LETTERS},32}\\b`, 'g');

/**
 * `word` without an English ending (`listed` is `list`, `applies` is `apply`, `causes` is `cause`): an
 * inflection of a known word is that word, not a typo of another (`listed` for `listen`).
 */
export function stems(word: string): string[] {
  const stripped = [/ed$/, /d$/, /es$/, /ing$/, /s$/].map((ending) => word.replace(ending, '')).filter((form) => form !== word);
  return [...stripped, ...(word.endsWith('ies') ? [`${word.slice(0, -3)}y`] : [])];
}

/** The forms of `word` that make it a word of the index, any one of them: as BM25 reads it, as written, and its stems. */
export function knownForms(word: string): string[] {
  return [lexicalTokens(word)[0], word, ...stems(word)];
}

/**
 * Whether the model knows `word` as an English word: it reads it, or one of its stems of
 * CORRECTION_MIN_LETTERS or more (`causes` as `cause`), as one token. Shorter stems are as often code
 * words (`uint` in `uints`, `inst` in `insted`, `st` in `sting`), which would keep typos uncorrected.
 */
export function modelKnows(word: string, oneToken: Lexicon['oneToken']): boolean {
  return [word, ...stems(word).filter((stem) => stem.length >= CORRECTION_MIN_LETTERS)].some(oneToken);
}

/** The query's words that are checked for misspelling (lowercase letters, CORRECTION_MIN_LETTERS or more), each once; none where it quotes its words (a quotation mark or backtick). */
export function checkedWords(query: string): string[] {
  return quotesItsWords(query) ? [] : [...new Set(query.match(CHECKED_WORD) ?? [])];
}

/** Every word one edit from `word` (a letter swapped with the next, left out, added or changed) that keeps its first letter. */
export function oneEditAway(word: string): Set<string> {
  const out = new Set<string>();
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 1; i <= word.length; i++) {
    const [head, tail] = [word.slice(0, i), word.slice(i)];
    if (tail) out.add(head + tail.slice(1));
    if (tail.length > 1) out.add(head + tail[1] + tail[0] + tail.slice(2));
    for (const letter of letters) {
      out.add(head + letter + tail);
      if (tail) out.add(head + letter + tail.slice(1));
    }
  }
  out.delete(word);
  return out;
}

/** What tells a typo from a word: the index's words, and the words the model knows. */
export interface Lexicon {
  /** Whether `term` is a word of the index. */
  isWord(term: string): boolean;
  /** How many chunks hold `term` where it isCorrectionTarget; 0 for any other. */
  targetChunks(term: string): number;
  /**
   * Whether the model's tokenizer reads ` word` as one token: an English word it knows ("words",
   * "whole", "longer"), which an index of code may well lack, never a typo.
   */
  oneToken(word: string): boolean;
}

/**
 * The correction of `word` (a checked word): undefined where the model knows it (modelKnows), it names a
 * language (language-query.ts: "scala" is no typo of `scalar`), any of its
 * knownForms is a word of the index, or no word one edit away is a target as BM25 reads it (`socres` is
 * one edit from `scores`, which BM25 reads as the target `score`); else the word one edit away of the
 * commonest target (the first in order of a tie).
 */
export function correctionOf(word: string, { isWord, targetChunks, oneToken }: Lexicon): string | undefined {
  if (modelKnows(word, oneToken) || isLanguageName(word) || knownForms(word).some(isWord)) return undefined;
  let best: { near: string; chunks: number } | undefined;
  for (const near of [...oneEditAway(word)].sort()) {
    const chunks = targetChunks(lexicalTokens(near)[0]);
    if (chunks > (best?.chunks ?? 0)) best = { near, chunks };
  }
  return best?.near;
}

/** The query with each checked word (checkedWords) that has a correction (correctionOf) corrected. */
export function correctWords(query: string, lexicon: Lexicon): string {
  const corrections = new Map(checkedWords(query).map((word) => [word, correctionOf(word, lexicon)]));
  return query.replace(CHECKED_WORD, (word) => corrections.get(word) ?? word);
}
