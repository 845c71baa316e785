/**
 * One retrieval evaluation: a set of (query, code) pairs whose codes are the candidates, ranked for each
 * query by dense search (the embedder's vectors), lexical search (BM25) or the hybrid fusion, with the
 * metrics overall and per language. The embedder sees what the product gives it: queries with the
 * code-search instruction, documents with the "Retrieved Answer:" prefix.
 */
import { readFileSync } from 'node:fs';
import { Bm25Index } from '../src/search/bm25';
import { quantizeVector } from '../src/search/index-build';
import { rankScores, type SearchMode } from '../src/search/ranking';
import { everyScore } from '../src/search/dense-ranking';
import type { Scored } from '../src/search/top-k';
import type { PromptOptions } from '../src/text/prompts';
import { retrievalMetrics, type Metrics } from './metrics';

export interface EvalPair {
  readonly lang: string;
  readonly package: string;
  readonly path: string;
  readonly name: string;
  readonly query: string;
  readonly code: string;
}

/** A query written in a user's words, pointing at one pair's code by path and name. */
export interface NaturalQuery {
  readonly query: string;
  readonly path: string;
  readonly name: string;
}

export interface TextEmbedder {
  embed(texts: readonly string[], prompt: PromptOptions): Promise<Float32Array[]>;
}

export function readPairs(file: string): EvalPair[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as EvalPair);
}

export function readNaturalQueries(file: string, pairs: readonly EvalPair[]): { queries: string[]; gold: number[]; langs: string[] } {
  const entries = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as NaturalQuery);
  const gold = entries.map((e) => {
    const i = pairs.findIndex((p) => p.path === e.path && p.name === e.name);
    if (i < 0) throw new Error(`${file}: no pair for ${e.path} ${e.name}`);
    return i;
  });
  return { queries: entries.map((e) => e.query), gold, langs: gold.map((i) => pairs[i].lang) };
}

/** The candidates of one evaluation, embedded once, with their lexical index. */
export class Candidates {
  private constructor(
    readonly pairs: readonly EvalPair[],
    readonly vectors: readonly Float32Array[],
    readonly lexical: Bm25Index,
  ) {}

  static async embed(pairs: readonly EvalPair[], embedder: TextEmbedder): Promise<Candidates> {
    const vectors = await embedder.embed(pairs.map((p) => p.code), { kind: 'document' });
    return new Candidates(pairs, vectors, Bm25Index.build(pairs.map((p) => p.code)));
  }

  /** Ranked ids (top `k`) for every query in every mode; `weights` are hybrid's lexical weights to try. */
  async rank(queries: readonly string[], embedder: TextEmbedder, k: number, weights: readonly number[]): Promise<Rankings> {
    const queryVectors = await embedder.embed(queries, { kind: 'query' });
    const dense: number[][] = [];
    const lexical: number[][] = [];
    const hybrid = weights.map(() => [] as number[][]);
    const ids = (ranked: Scored[]) => ranked.map((s) => s.id);
    queries.forEach((query, q) => {
      const scores = { dense: everyScore(Float32Array.from(this.vectors, (v) => dot(v, queryVectors[q]))), lexical: this.lexical.match(query) };
      dense.push(ids(rankScores('dense', scores, k)));
      lexical.push(ids(rankScores('lexical', scores, k)));
      weights.forEach((w, i) => hybrid[i].push(ids(rankScores('hybrid', scores, k, w))));
    });
    return { dense, lexical, hybrid, queryVectors };
  }

  /**
   * Recall@k of dense search over these documents quantized as an index file holds them (int8 with a
   * scale per vector, index-build.ts's quantizeVector), against exact f32 search, for `queryVectors`.
   */
  quantizedRecall(queryVectors: readonly Float32Array[], k = 10): number {
    const quantized = this.vectors.map((v) => {
      const q = new Int8Array(v.length);
      const scale = quantizeVector(v, q);
      return Float32Array.from(q, (x) => x * scale);
    });
    let found = 0;
    for (const query of queryVectors) {
      const top = (vectors: readonly Float32Array[]) => new Set(rankScores('dense', { dense: everyScore(Float32Array.from(vectors, (v) => dot(v, query))) }, k).map((s) => s.id));
      const exact = top(this.vectors);
      for (const id of top(quantized)) if (exact.has(id)) found++;
    }
    return found / (k * queryVectors.length);
  }
}

export interface Rankings {
  readonly dense: number[][];
  readonly lexical: number[][];
  /** One ranking per hybrid weight tried. */
  readonly hybrid: number[][][];
  readonly queryVectors: readonly Float32Array[];
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Metrics overall ('all') and per language. */
export function metricsByLanguage(rankings: readonly number[][], gold: readonly number[], langs: readonly string[]): Record<string, Metrics> {
  const out: Record<string, Metrics> = { all: retrievalMetrics(rankings, gold) };
  for (const lang of [...new Set(langs)].sort()) {
    const idx = langs.map((l, i) => (l === lang ? i : -1)).filter((i) => i >= 0);
    out[lang] = retrievalMetrics(idx.map((i) => rankings[i]), idx.map((i) => gold[i]));
  }
  return out;
}

export type ModeMetrics = Record<SearchMode, Record<string, Metrics>>;
