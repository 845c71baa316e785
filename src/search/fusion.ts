/**
 * Hybrid fusion: the dense (embedding) and lexical (BM25) candidate lists fused by a z-score blend.
 * The union of both lists' first FUSION_CANDIDATES is scored on both sides (a document absent from the
 * lexical postings scores 0), each side is standardised over that union, and the fused score is
 * z(dense) + weight * z(lexical). The union and its statistics do not depend on how many results are
 * asked for, so the first results are the same for any k; past the union (k > FUSION_CANDIDATES),
 * further candidates follow, scored with the same statistics. DEFAULT_LEXICAL_WEIGHT was chosen on the
 * code-search validation set in users' words (../shared/eval/nl-validation), among the weights where
 * hybrid does not fall below dense or BM25 on the docstring validation split; never on a test set
 * (`npm run eval` prints both sweeps). Documents the caller marks `demoted` (file-kind.ts: tests,
 * examples, documentation, headers of a source file, when the query does not ask for them) lose
 * SUPPORTING_FILE_DEMOTION standard deviations, so they follow the code they describe unless they stand
 * out by that much.
 */
import { TopK, type Scored } from './top-k';

/** How many candidates each side contributes to the fusion. */
export const FUSION_CANDIDATES = 100;
export const DEFAULT_LEXICAL_WEIGHT = 0.75;
/**
 * What a demoted document's fused score loses, in standard deviations; chosen on the code-search
 * validation set (file MRR@10 at the default weight: 0.742 without, 0.768 at 1, 0.775 at 2, 0.779 at 3,
 * 0.783 never before a code chunk).
 */
export const SUPPORTING_FILE_DEMOTION = 3;

/** `values` standardised with the mean and standard deviation of its first `basis` entries. */
function standardised(values: readonly number[], basis: number): number[] {
  const core = values.slice(0, basis);
  const mean = core.reduce((a, b) => a + b, 0) / core.length;
  const sd = Math.sqrt(core.reduce((a, v) => a + (v - mean) ** 2, 0) / core.length);
  return values.map((v) => (sd > 0 ? (v - mean) / sd : 0));
}

export interface FusionInput {
  readonly dense: readonly Scored[];
  readonly lexical: readonly Scored[];
  /** The dense scores of any documents. */
  denseScores(ids: readonly number[]): ArrayLike<number>;
  /** The lexical score of any document, 0 when it shares no word with the query. */
  lexicalScore(id: number): number;
  /** Whether a document ranks after the code it supports (file-kind.ts: a test, example, document or header); none when absent. */
  demoted?(id: number): boolean;
}

export function fuse(input: FusionInput, k: number, weight = DEFAULT_LEXICAL_WEIGHT): Scored[] {
  const core = new Set([...input.dense.slice(0, FUSION_CANDIDATES).map((s) => s.id), ...input.lexical.slice(0, FUSION_CANDIDATES).map((s) => s.id)]);
  const ids = [...core, ...new Set([...input.dense.map((s) => s.id), ...input.lexical.map((s) => s.id)].filter((id) => !core.has(id)))];
  if (ids.length === 0) return [];
  const dense = standardised(Array.from(input.denseScores(ids)), core.size);
  const lexical = standardised(ids.map((id) => input.lexicalScore(id)), core.size);
  const demotion = (id: number) => (input.demoted?.(id) ? SUPPORTING_FILE_DEMOTION : 0);
  const fused = ids.map((id, i) => ({ id, score: dense[i] + weight * lexical[i] - demotion(id) }));
  const best = (list: Scored[], count: number) => {
    const top = new TopK(count);
    list.forEach(({ id, score }) => top.push(id, score));
    return top.sorted();
  };
  const first = best(fused.slice(0, core.size), k);
  if (first.length === k || core.size === ids.length) return first;
  // Past the union: further candidates, never above the union's last result.
  const floor = first.at(-1)?.score ?? Infinity;
  return [...first, ...best(fused.slice(core.size), k - first.length).map(({ id, score }) => ({ id, score: Math.min(score, floor) }))];
}
