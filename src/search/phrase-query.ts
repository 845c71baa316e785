/**
 * Queries that are a passage of the code itself, word for word, as when a message a program printed is
 * pasted ("Could not write to socket", "chi: routing pattern must begin with '/' in 'users'"): people
 * paste an error to find where it is raised. BM25 finds the chunk holding those words, but the dense
 * side, which reads the query as a description, pulls chunks that talk about the same thing ahead of it.
 * A chunk among BM25's first PHRASE_CANDIDATES whose code (its comments left out) holds most of the
 * query's consecutive word pairs (PHRASE_MATCH_SHARE: a filled-in placeholder breaks a pair or two) is
 * the passage's own, and hybrid lists it first (fusion.ts's PHRASE_MATCH_PROMOTION).
 */

import { matched, type LexicalScores } from './bm25';
import { codeOf } from './chunk-kind';
import { topOfScores } from './top-k';

/** A query of fewer words is not taken as a passage: two or three words together are common anywhere. */
export const PHRASE_MIN_WORDS = 4;
/**
 * The share of a query's consecutive word pairs a chunk must hold, each in order and together, to be the
 * passage's. Chosen on the validation messages (eval/data/message-validation.jsonl; hybrid file / chunk
 * MRR@10 with PHRASE_MATCH_PROMOTION 5: 0.967 / 0.950 at 0.5, 0.971 / 0.953 at 0.6, 0.964 / 0.955 at
 * 0.75) with the validation queries in users' words beside them (9 of the 185 quote an error message),
 * whose file MRR@10 stays 0.806 from 0.6 up and falls to 0.803 at 0.5.
 */
export const PHRASE_MATCH_SHARE = 0.6;
/**
 * How many of BM25's first chunks for a query are read for the passage (it shares every word with it);
 * a split index fetches their records. Of those, only the chunks that hold PHRASE_MATCH_SHARE of the
 * query's words (by idf, bm25.ts's coverage) are read, as a chunk holding fewer rarely holds that share of
 * its pairs. Chosen on the validation messages as first written (173, some from comments; hybrid chunk
 * MRR@10: 0.948 at 5, 0.958 at 10, 0.955 at 20 and 50; reading only those with that coverage, 0.961),
 * and so that the split layout fetches 8.6 record files for a query in users' words instead of 11.6
 * when all ten are read (7.9 without phrases; googletest's and docutils' 45 validation queries).
 */
const PHRASE_CANDIDATES = 10;

const WORD = /[\p{L}\p{N}]+/gu;
const wordsOf = (text: string): string[] => text.toLowerCase().match(WORD) ?? [];
const pairsOf = (words: readonly string[]): string[] => words.slice(1).map((word, i) => `${words[i]} ${word}`);

/**
 * For a query of PHRASE_MIN_WORDS words or more, its word pairs and the chunks to read for them: those of
 * BM25's first PHRASE_CANDIDATES that hold PHRASE_MATCH_SHARE of its words.
 */
export function phraseCandidates(query: string, lexical: LexicalScores): { readonly pairs: readonly string[]; readonly ids: readonly number[] } | undefined {
  const words = wordsOf(query);
  if (words.length < PHRASE_MIN_WORDS) return undefined;
  const ids = topOfScores(lexical.scores, PHRASE_CANDIDATES, matched).map(({ id }) => id);
  return { pairs: pairsOf(words), ids: ids.filter((id) => lexical.coverage(id) >= PHRASE_MATCH_SHARE) };
}

/**
 * Which of `chunks` (an id, its file's language, and the text when the index keeps texts) hold at least
 * PHRASE_MATCH_SHARE of `pairs` in their code: a comment that restates a query is prose about code, which
 * hybrid lists after the code that does the work (chunk-kind.ts), not a passage of it.
 */
export function phraseChunks(pairs: readonly string[], chunks: readonly { readonly id: number; readonly language: string; readonly text?: string }[]): Set<number> {
  const needed = Math.ceil(PHRASE_MATCH_SHARE * pairs.length);
  return new Set(
    chunks
      .filter(({ text, language }) => {
        if (text === undefined) return false;
        const held = new Set(pairsOf(wordsOf(codeOf(text, language))));
        return pairs.filter((pair) => held.has(pair)).length >= needed;
      })
      .map(({ id }) => id),
  );
}

/**
 * For a query of PHRASE_MIN_WORDS words or more, the index of the first of `lines` that holds the most of
 * its consecutive word pairs, at least two (three of its words in its order); -1 when none does.
 */
export function passageLine(query: string, lines: readonly string[]): number {
  const words = wordsOf(query);
  if (words.length < PHRASE_MIN_WORDS) return -1;
  const pairs = new Set(pairsOf(words));
  let [best, most] = [-1, 1];
  lines.forEach((line, i) => {
    const held = new Set(pairsOf(wordsOf(line)).filter((pair) => pairs.has(pair))).size;
    if (held > most) [best, most] = [i, held];
  });
  return best;
}
