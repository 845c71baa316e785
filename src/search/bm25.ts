/**
 * BM25 over identifier-aware words (lexical-tokens.ts): an inverted index of term -> (document, term
 * frequency) postings, document lengths, and Okapi BM25 scoring (k1 1.2, b 0.75; idf = ln(1 + (N - n +
 * 0.5) / (n + 0.5)), never negative) of a query's words (queryWords). Only documents sharing a term with
 * the query are scored. Beside the scores, how much of the query a document covers: the share of the
 * query's idf its words hold, which tells the hybrid fusion how far to trust the lexical side (fusion.ts).
 */
import { lexicalTokens, queryWords } from './lexical-tokens';
import type { TermCount } from './query-completion';
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

/** u32 values appended one at a time into a doubling buffer: 4 bytes a value, where a JS array of numbers holds 8 and more. */
class U32List {
  values = new Uint32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Uint32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}

/** Sorts run [from, to) of `docs` by document, carrying `freqs` along (a run already in order is left as it is). */
function sortRun(docs: Uint32Array, freqs: Uint32Array, from: number, to: number): void {
  let ordered = true;
  for (let p = from + 1; p < to && ordered; p++) ordered = docs[p - 1] < docs[p];
  if (ordered) return;
  const order = Array.from({ length: to - from }, (_, i) => from + i).sort((a, b) => docs[a] - docs[b]);
  const [d, f] = [order.map((p) => docs[p]), order.map((p) => freqs[p])];
  docs.set(d, from);
  freqs.set(f, from);
}

/**
 * The flat postings (terms sorted, each term's documents increasing) of postings given in any order:
 * `visit` calls `add(term, doc, freq)` once for each term a document holds. They are collected as three
 * u32 lists (12 bytes a posting) and placed by a counting sort on the term, never held as a list per
 * term, so that building or merging an index of a large monorepo stays within the JavaScript heap.
 */
export function collectPostings(visit: (add: (term: string, doc: number, freq: number) => void) => void): Omit<FlatPostings, 'chunkLengths'> {
  const ids = new Map<string, number>();
  const [termIds, docs, freqs] = [new U32List(), new U32List(), new U32List()];
  visit((term, doc, freq) => {
    let id = ids.get(term);
    if (id === undefined) ids.set(term, (id = ids.size));
    termIds.push(id);
    docs.push(doc);
    freqs.push(freq);
  });
  const terms = [...ids.keys()].sort();
  const rankOf = new Uint32Array(terms.length);
  terms.forEach((term, rank) => (rankOf[ids.get(term)!] = rank));
  const postingStarts = new Uint32Array(terms.length + 1);
  for (let i = 0; i < termIds.length; i++) postingStarts[rankOf[termIds.values[i]] + 1]++;
  for (let rank = 0; rank < terms.length; rank++) postingStarts[rank + 1] += postingStarts[rank];
  const next = postingStarts.slice(0, terms.length);
  const postingDocs = new Uint32Array(termIds.length);
  const postingFreqs = new Uint32Array(termIds.length);
  for (let i = 0; i < termIds.length; i++) {
    const at = next[rankOf[termIds.values[i]]]++;
    postingDocs[at] = docs.values[i];
    postingFreqs[at] = freqs.values[i];
  }
  for (let rank = 0; rank < terms.length; rank++) sortRun(postingDocs, postingFreqs, postingStarts[rank], postingStarts[rank + 1]);
  return { terms, postingStarts, postingDocs, postingFreqs };
}

/** BM25's postings of `documents` (document ids in their order): each document's words (lexicalTokens) counted. */
export function bm25Postings(documents: Iterable<string>): FlatPostings {
  const lengths: number[] = [];
  const postings = collectPostings((add) => {
    for (const text of documents) {
      const doc = lengths.length;
      const words = lexicalTokens(text);
      lengths.push(words.length);
      const counts = new Map<string, number>();
      for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
      for (const [w, n] of counts) add(w, doc, n);
    }
  });
  return { ...postings, chunkLengths: Uint32Array.from(lengths) };
}

export class Bm25Index {
  private readonly avgLength: number;
  /** Each term's place in the flat arrays (its postings are those of postingStarts[t] .. postingStarts[t + 1]). */
  private readonly termIndex: ReadonlyMap<string, number>;

  private constructor(private readonly flat: FlatPostings) {
    this.termIndex = new Map(flat.terms.map((term, t) => [term, t]));
    const lengths = flat.chunkLengths;
    this.avgLength = lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.length) || 1;
  }

  static build(documents: Iterable<string>): Bm25Index {
    return new Bm25Index(bm25Postings(documents));
  }

  static fromFlat(flat: FlatPostings): Bm25Index {
    return new Bm25Index(flat);
  }

  toFlat(): FlatPostings {
    return this.flat;
  }

  get size(): number {
    return this.flat.chunkLengths.length;
  }

  private postingsOf(word: string): Postings | undefined {
    const t = this.termIndex.get(word);
    if (t === undefined) return undefined;
    const [from, to] = [this.flat.postingStarts[t], this.flat.postingStarts[t + 1]];
    return { docs: this.flat.postingDocs.subarray(from, to), freqs: this.flat.postingFreqs.subarray(from, to) };
  }

  /** How many chunks hold `term` (0: it is no word of the index). */
  chunksHolding(term: string): number {
    const t = this.termIndex.get(term);
    return t === undefined ? 0 : this.flat.postingStarts[t + 1] - this.flat.postingStarts[t];
  }

  /** The vocabulary's terms in order from the first at or after `term`, each with the number of chunks holding it. */
  *termsFrom(term: string): Iterable<TermCount> {
    const terms = this.flat.terms;
    let [low, high] = [0, terms.length];
    while (low < high) {
      const mid = (low + high) >> 1;
      if (terms[mid] < term) low = mid + 1;
      else high = mid;
    }
    for (let t = low; t < terms.length; t++) yield [terms[t], this.flat.postingStarts[t + 1] - this.flat.postingStarts[t]];
  }

  /** `query`'s lexical side over this index. */
  match(query: string): LexicalScores {
    const lengths = this.flat.chunkLengths;
    const n = lengths.length;
    const scores = new Float32Array(n);
    const words = queryWords(query).map((word) => {
      const list = this.postingsOf(word);
      return { list, idf: idfOf(n, list?.docs.length ?? 0) };
    });
    for (const { list, idf } of words) {
      if (!list) continue;
      for (let i = 0; i < list.docs.length; i++) {
        const doc = list.docs[i];
        const tf = list.freqs[i];
        const norm = BM25_K1 * (1 - BM25_B + (BM25_B * lengths[doc]) / this.avgLength);
        scores[doc] += (idf * (tf * (BM25_K1 + 1))) / (tf + norm);
      }
    }
    return { scores, coverage: coverageOf(words) };
  }

  search(query: string, k: number): Scored[] {
    return topOfScores(this.match(query).scores, k, matched);
  }
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
