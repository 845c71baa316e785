/**
 * BM25 over identifier-aware words (lexical-tokens.ts): an inverted index of term -> (document, term
 * frequency) postings, document lengths, and Okapi BM25 scoring (k1 1.2, b 0.75; idf = ln(1 + (N - n +
 * 0.5) / (n + 0.5)), never negative) of a query's words (queryWords). Only documents sharing a term with
 * the query are scored. Beside the scores, how much of the query a document covers: the share of the
 * query's idf its words hold, which tells the hybrid fusion how far to trust the lexical side (fusion.ts).
 */
import { lexicalTokens, queryWords } from './lexical-tokens';
import { topOfScores, type Scored } from './top-k';

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

export interface Postings {
  readonly docs: Uint32Array;
  readonly freqs: Uint32Array;
}

/** The index as flat arrays, as the index file stores it (index-file.ts): terms sorted, postings by term. */
export interface FlatPostings {
  readonly terms: readonly string[];
  readonly postingStarts: Uint32Array;
  readonly postingDocs: Uint32Array;
  readonly postingFreqs: Uint32Array;
  readonly chunkLengths: Uint32Array;
}

/** BM25's idf of a word that `df` of `n` documents hold (a word no document holds weighs the most). */
export function idfOf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** A query's lexical side: every document's BM25 score, and how much of the query each document covers. */
export interface LexicalScores {
  /** The BM25 score of every document (0 where it shares no word with the query), by document id. */
  readonly scores: Float32Array;
  /** The share (0..1) of the query's words, each weighed by its idf, that document `doc` holds. */
  coverage(doc: number): number;
}

/** Whether `sorted` (increasing) holds `value`. */
function holds(sorted: Uint32Array, value: number): boolean {
  let [low, high] = [0, sorted.length - 1];
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] === value) return true;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

export class Bm25Index {
  private readonly avgLength: number;

  private constructor(
    private readonly postings: ReadonlyMap<string, Postings>,
    private readonly lengths: Uint32Array,
  ) {
    this.avgLength = lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length) || 1;
  }

  static build(documents: readonly string[]): Bm25Index {
    const lists = new Map<string, { docs: number[]; freqs: number[] }>();
    const lengths = new Uint32Array(documents.length);
    documents.forEach((text, doc) => {
      const counts = new Map<string, number>();
      const words = lexicalTokens(text);
      lengths[doc] = words.length;
      for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
      for (const [w, n] of counts) {
        let list = lists.get(w);
        if (!list) lists.set(w, (list = { docs: [], freqs: [] }));
        list.docs.push(doc);
        list.freqs.push(n);
      }
    });
    const postings = new Map<string, Postings>();
    for (const [w, { docs, freqs }] of lists) postings.set(w, { docs: Uint32Array.from(docs), freqs: Uint32Array.from(freqs) });
    return new Bm25Index(postings, lengths);
  }

  static fromFlat(flat: FlatPostings): Bm25Index {
    const postings = new Map<string, Postings>();
    flat.terms.forEach((term, t) => {
      const [from, to] = [flat.postingStarts[t], flat.postingStarts[t + 1]];
      postings.set(term, { docs: flat.postingDocs.subarray(from, to), freqs: flat.postingFreqs.subarray(from, to) });
    });
    return new Bm25Index(postings, flat.chunkLengths);
  }

  toFlat(): FlatPostings {
    return { ...flatPostings(this.postings), chunkLengths: this.lengths };
  }

  get size(): number {
    return this.lengths.length;
  }

  /** `query`'s lexical side over this index. */
  match(query: string): LexicalScores {
    const n = this.lengths.length;
    const scores = new Float32Array(n);
    const words = queryWords(query).map((word) => {
      const list = this.postings.get(word);
      return { list, idf: idfOf(n, list?.docs.length ?? 0) };
    });
    for (const { list, idf } of words) {
      if (!list) continue;
      for (let i = 0; i < list.docs.length; i++) {
        const doc = list.docs[i];
        const tf = list.freqs[i];
        const norm = BM25_K1 * (1 - BM25_B + (BM25_B * this.lengths[doc]) / this.avgLength);
        scores[doc] += (idf * (tf * (BM25_K1 + 1))) / (tf + norm);
      }
    }
    return { scores, coverage: coverageOf(words) };
  }

  search(query: string, k: number): Scored[] {
    return topOfScores(this.match(query).scores, k, matched);
  }
}

/** Postings by term as the index file's flat arrays: terms sorted, each term's documents in increasing order. */
export function flatPostings(postings: ReadonlyMap<string, Postings>): Omit<FlatPostings, 'chunkLengths'> {
  const terms = [...postings.keys()].sort();
  const postingStarts = new Uint32Array(terms.length + 1);
  terms.forEach((t, i) => (postingStarts[i + 1] = postingStarts[i] + postings.get(t)!.docs.length));
  const postingDocs = new Uint32Array(postingStarts[terms.length]);
  const postingFreqs = new Uint32Array(postingStarts[terms.length]);
  terms.forEach((t, i) => {
    const { docs, freqs } = postings.get(t)!;
    postingDocs.set(docs, postingStarts[i]);
    postingFreqs.set(freqs, postingStarts[i]);
  });
  return { terms, postingStarts, postingDocs, postingFreqs };
}

/**
 * A document's coverage of a query whose words are `words`: each word's postings (documents increasing;
 * absent where no document holds it) and its idf.
 */
export function coverageOf(words: readonly { list?: { readonly docs: Uint32Array }; idf: number }[]): (doc: number) => number {
  const total = words.reduce((sum, w) => sum + w.idf, 0);
  return (doc) => (total > 0 ? words.reduce((sum, w) => sum + (w.list && holds(w.list.docs, doc) ? w.idf : 0), 0) / total : 0);
}

/** A BM25 score above 0: the document shares a word with the query. */
export const matched = (score: number): boolean => score > 0;
