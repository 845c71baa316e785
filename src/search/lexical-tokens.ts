/**
 * Identifier-aware words for lexical search: text is split on anything that is not a letter or digit,
 * each identifier is also split at camelCase and snake_case boundaries (`parseHTTPHeader` gives
 * `parsehttpheader`, `parse`, `http`, `header`), everything is lowercased, and a plural or third-person
 * `s` is dropped so that "returns" meets `return`. A path is words too (`src/search/bm25.ts` gives
 * `src`, `search`, `bm25`, `ts`). A query is matched by its distinct words less English function words
 * and the frame of a request (queryWords).
 */
import { withoutRequestFrame } from '../text/query-form';

/** A word as a text holds it: letters, digits and underscores (an identifier, or a word of prose). */
export const IDENTIFIER = /[\p{L}\p{N}_]+/gu;
const CAMEL_PARTS = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+/gu;
/** Longer runs of letters and digits are no words (data, hashes): left out. */
export const MAX_WORD_CHARS = 64;

function stem(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

export function lexicalTokens(text: string): string[] {
  const out: string[] = [];
  for (const [identifier] of text.matchAll(IDENTIFIER)) {
    if (identifier.length > MAX_WORD_CHARS) continue;
    const parts = identifier.split('_').flatMap((piece) => piece.match(CAMEL_PARTS) ?? []);
    const whole = identifier.replace(/_/g, '').toLowerCase();
    if (parts.length !== 1 && whole.length > 0) out.push(stem(whole));
    for (const part of parts) out.push(stem(part.toLowerCase()));
  }
  return out;
}

/**
 * English function words, left out of a query's words: Lucene's English stop set (EnglishAnalyzer). In
 * code without comments "the" and "of" are rare, so BM25 weighs them highly and ranks a string literal
 * holding "the" above the code a query describes. Chosen on validation data in users' words over the
 * docstring validation split (eval/data/natural-language-validation.jsonl; BM25 MRR@10 0.315 → 0.363);
 * on the code-search validation set it changes little (docs/design.md).
 */
const STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(' ').map(stem),
);

/**
 * The distinct words a query is matched by: the lexical tokens of what it describes (less the frame of a
 * request, query-form.ts) less STOP_WORDS, or all of them where nothing else is left ("is it").
 */
export function queryWords(query: string): string[] {
  const words = [...new Set(lexicalTokens(withoutRequestFrame(query)))];
  const content = words.filter((w) => !STOP_WORDS.has(w));
  return content.length > 0 ? content : words;
}
