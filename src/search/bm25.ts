/**
 * BM25 over identifier-aware words (lexical-tokens.ts): an inverted index of term -> (document, term
 * frequency) postings, document lengths, and Okapi BM25 scoring (k1 1.2, b 0.75; idf = ln(1 + (N - n +
 * 0.5) / (n + 0.5)), never negative). Only documents sharing a term with the query are scored.
 */
import { lexicalTokens } from './lexical-tokens';
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

  /** The BM25 score of every document (0 where it shares no word with the query), by document id. */
  scores(query: string): Float32Array {
    const n = this.lengths.length;
    const scores = new Float32Array(n);
    for (const word of new Set(lexicalTokens(query))) {
      const list = this.postings.get(word);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.docs.length + 0.5) / (list.docs.length + 0.5));
      for (let i = 0; i < list.docs.length; i++) {
        const doc = list.docs[i];
        const tf = list.freqs[i];
        const norm = BM25_K1 * (1 - BM25_B + (BM25_B * this.lengths[doc]) / this.avgLength);
        scores[doc] += (idf * (tf * (BM25_K1 + 1))) / (tf + norm);
      }
    }
    return scores;
  }

  search(query: string, k: number): Scored[] {
    return topOfScores(this.scores(query), k, matched);
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

/** A BM25 score above 0: the document shares a word with the query. */
export const matched = (score: number): boolean => score > 0;
