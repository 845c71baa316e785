/**
 * Search as you type: a search box ranks what is typed at each pause, so the query's last word is often
 * cut short ("retry a request with exponential back"). A fragment matches no word in BM25 and reads as
 * noise to the model. Completed to the index's commonest word that begins with it ("… exponential
 * backoff"), as an autocompletion would, it lets both sides rank what the user is about to ask.
 * Measured on the code-search validation set in users' words with each query's last word cut short
 * (`npm run eval`, docs/design.md): hybrid file MRR@10 at 3 characters 0.754 as typed, 0.785 completed
 * (0.794 with the word whole); at 2 characters completing gains nothing (0.749 either way), so a
 * fragment needs COMPLETION_MIN_CHARS.
 */
import { lexicalTokens, MAX_WORD_CHARS } from './lexical-tokens';

/** The fewest characters a last word needs before it is completed: two letters begin too many words to guess well. */
export const COMPLETION_MIN_CHARS = 3;

/** A vocabulary word and how many chunks hold it (its document frequency). */
export type TermCount = readonly [term: string, chunks: number];

/** The word being typed at the end of a query: the vocabulary term it is if whole, and the prefix of the terms it may become. */
export interface WordBeingTyped {
  /** The term the word is when it is whole (lexical-tokens.ts's form: lowercased, underscores out, a plural `s` off). */
  readonly term: string;
  /** The word lowercased without underscores: what the terms it may become begin with. */
  readonly prefix: string;
}

const LAST_WORD = /[\p{L}\p{N}_]+$/u;

/** The query's last word while it may still be typed: none where the query ends in a space or a sign, or the word is short. */
export function wordBeingTyped(query: string): WordBeingTyped | undefined {
  // Only the query's end is read (a longer run is no word: lexicalTokens drops it): the regex, tried
  // from every place of a long query, would take quadratic time.
  const word = LAST_WORD.exec(query.slice(-(MAX_WORD_CHARS + 1)))?.[0];
  const prefix = word?.replaceAll('_', '').toLowerCase();
  const term = word && lexicalTokens(word)[0];
  return prefix && term && prefix.length >= COMPLETION_MIN_CHARS ? { term, prefix } : undefined;
}

/**
 * The query with its last word completed from `terms`: the vocabulary's terms in order (code units, as
 * the index sorts them), from the first at or after the word's term. Unchanged where the word is itself a
 * term ("ver" is one in a codebase with a `ver` variable), or no term begins with its prefix; else
 * completed by the commonest term that does (the first of a tie), its rest appended to the word as
 * typed (`parse_dur` becomes `parse_duration`).
 */
export function completeWith(query: string, typed: WordBeingTyped, terms: Iterable<TermCount>): string {
  let best: TermCount | undefined;
  for (const entry of terms) {
    const [term, chunks] = entry;
    if (term === typed.term) return query;
    if (term.startsWith(typed.prefix)) {
      if (!best || chunks > best[1]) best = entry;
    } else if (term > typed.prefix) break;
  }
  return best ? query + best[0].slice(typed.prefix.length) : query;
}
