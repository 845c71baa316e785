/**
 * Hybrid ranking: the dense (embedding) and lexical (BM25) candidate lists fused by a z-score blend.
 * The union of both lists' candidates is scored on both sides (a document absent from the lexical
 * postings scores 0), each side is standardised over that union, and the fused score is
 * z(dense) + weight * z(lexical). DEFAULT_LEXICAL_WEIGHT was chosen on the validation split, never
 * on the test split (`npm run eval` prints the sweep).
 */
import { matched } from './bm25';
import { TopK, topOfScores, type Scored } from './top-k';

export type SearchMode = 'hybrid' | 'dense' | 'lexical';
export const SEARCH_MODES: readonly SearchMode[] = ['hybrid', 'dense', 'lexical'];

/** How many candidates each side contributes to the fusion. */
export const FUSION_CANDIDATES = 100;
export const DEFAULT_LEXICAL_WEIGHT = 0.5;

function standardised(values: readonly number[]): number[] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  return values.map((v) => (sd > 0 ? (v - mean) / sd : 0));
}

/** The dense side of a search: its best documents, and any document's score (a dot product with the query). */
export interface DenseScores {
  /** The `count` best documents, best first. */
  top(count: number): Scored[];
  /** The scores of documents `ids`, in that order. */
  of(ids: readonly number[]): ArrayLike<number>;
}

/** Dense scores of every document, already computed (id = index). */
export function everyScore(scores: Float32Array): DenseScores {
  return { top: (count) => topOfScores(scores, count), of: (ids) => ids.map((id) => scores[id]) };
}

export interface FusionInput {
  readonly dense: readonly Scored[];
  readonly lexical: readonly Scored[];
  /** The dense scores of any documents. */
  denseScores(ids: readonly number[]): ArrayLike<number>;
  /** The lexical score of any document, 0 when it shares no word with the query. */
  lexicalScore(id: number): number;
}

export function fuse(input: FusionInput, k: number, weight = DEFAULT_LEXICAL_WEIGHT): Scored[] {
  const ids = [...new Set([...input.dense.map((s) => s.id), ...input.lexical.map((s) => s.id)])];
  if (ids.length === 0) return [];
  const dense = standardised(Array.from(input.denseScores(ids)));
  const lexical = standardised(ids.map((id) => input.lexicalScore(id)));
  const top = new TopK(k);
  ids.forEach((id, i) => top.push(id, dense[i] + weight * lexical[i]));
  return top.sorted();
}

/**
 * The k best documents by `mode`, from the dense side (needed by dense and hybrid) and every document's
 * lexical score (BM25, 0 where no word is shared; lexical and hybrid).
 */
export function rankScores(mode: SearchMode, scores: { dense?: DenseScores; lexical?: Float32Array }, k: number, weight = DEFAULT_LEXICAL_WEIGHT): Scored[] {
  const { dense, lexical } = scores;
  const need = <T>(what: 'dense' | 'lexical', values: T | undefined): T => {
    if (!values) throw new Error(`${mode} ranking needs the ${what} scores`);
    return values;
  };
  if (mode === 'dense') return need('dense', dense).top(k);
  if (mode === 'lexical') return topOfScores(need('lexical', lexical), k, matched);
  const [d, l] = [need('dense', dense), need('lexical', lexical)];
  const count = Math.max(k, FUSION_CANDIDATES);
  return fuse({ dense: d.top(count), lexical: topOfScores(l, count, matched), denseScores: (ids) => d.of(ids), lexicalScore: (id) => l[id] }, k, weight);
}
