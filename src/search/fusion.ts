/**
 * Hybrid fusion: the dense (embedding) and lexical (BM25) candidate lists fused by a z-score blend.
 * The union of both lists' first FUSION_CANDIDATES (and the documents a query names by place) is scored on both sides (a document absent from the
 * lexical postings scores 0), each side is standardised over that union, and the fused score is
 * z(dense) + weight * z(lexical), the weight scaled down for a query whose best lexical match holds
 * less than FULL_COVERAGE of its words (by idf). The union and its statistics do not depend on how many
 * results are asked for, so the first results are the same for any k; past the union (k >
 * FUSION_CANDIDATES), further candidates follow, scored with the same statistics. DEFAULT_LEXICAL_WEIGHT
 * was chosen on the code-search validation set in users' words (../shared/eval/nl-validation), among the
 * weights where hybrid does not fall below dense or BM25 on the docstring validation split nor on the
 * queries in users' words over validation functions (eval/eval.ts NATURAL_VALIDATION); never on a test set
 * (`npm run eval` prints the sweeps).
 * Documents the caller marks `demoted`, when the query does not ask for tests or documents, lose standard
 * deviations so that they follow the code they describe unless they stand out by that much: chunks of supporting files (file-kind.ts: tests, examples, documentation,
 * headers of a source file) SUPPORTING_FILE_DEMOTION, chunks of code that are mostly comments
 * (chunk-kind.ts) PROSE_CHUNK_DEMOTION, chunks that are mostly data DATA_CHUNK_DEMOTION. The chunks the caller marks `promoted` gain FILE_NAME_PROMOTION
 * where they are of the file a query names (path-query.ts), so that the file comes before code that
 * mentions its words; SYMBOL_DEFINITION_PROMOTION where they define the symbol a query names
 * (promotion.ts), so that the definition comes before the code that calls it; LINE_PROMOTION where they
 * hold the line of the place a query names (path-query.ts); and PHRASE_MATCH_PROMOTION
 * where they hold the passage a query quotes, so that the line that prints a pasted message comes before
 * code about the same thing.
 */
import { TopK, type Scored } from './top-k';

/** How many candidates each side contributes to the fusion. */
export const FUSION_CANDIDATES = 100;
export const DEFAULT_LEXICAL_WEIGHT = 1;
/**
 * What a demoted document's fused score loses, in standard deviations; chosen on the code-search
 * validation set (file MRR@10 at the default weight: 0.734 without, 0.759 at 1, 0.770 at 2, 0.782 at 3,
 * 0.789 at 4, and 0.789 never before a code chunk).
 */
export const SUPPORTING_FILE_DEMOTION = 4;
/**
 * What a chunk of code that is mostly comments loses, in standard deviations; chosen on the code-search
 * validation set (file MRR@10 at the default weight: 0.789 without, 0.798 at 0.5, 0.806 at 1, 0.795 at 2).
 */
export const PROSE_CHUNK_DEMOTION = 1;
/**
 * What a chunk of code that is mostly data (items of a list or table, chunk-kind.ts) loses, in standard
 * deviations; chosen on the code-search validation set (file / chunk MRR@10 at the default weight: 0.805 /
 * 0.615 without and at 0.5, 0.806 / 0.616 at 1 and at 2; file names' chunk MRR@10 0.574, 0.578 at 1, 0.581
 * at 2). 1 rather than 2: a table a query asks for ("which mime type for an extension") still stands out.
 */
export const DATA_CHUNK_DEMOTION = 1;

/**
 * What a chunk that defines the symbol a query names gains, in standard deviations: enough to come
 * before every chunk that only mentions it. Chosen on 216 symbol queries over the code-search validation
 * codebases (eval/data/symbol-validation.jsonl: each a name defined once there, its definition found by
 * universal-ctags; chunk MRR@10 at the default weight: 0.739 without, 0.837 at 1, 0.887 at 2, 0.917 at
 * 3, 0.961 at 5, 0.984 from 8 on).
 */
export const SYMBOL_DEFINITION_PROMOTION = 10;

/**
 * What a chunk that holds the passage a query quotes gains, in standard deviations (phrase-query.ts): a
 * pasted message comes before code that talks about the same thing. Chosen on 171 messages of the
 * validation codebases' code (eval/data/message-validation.jsonl; chunk MRR@10 at the default weight:
 * 0.843 without, BM25 alone 0.863; 0.892 at 1, 0.915 at 2, 0.940 at 3, 0.953 at 5, 0.952 at 10).
 */
export const PHRASE_MATCH_PROMOTION = 5;

/**
 * What a chunk that uses the symbol a query asks the uses of gains, in standard deviations
 * (usage-query.ts): the code that calls it comes before the definition. Chosen on the 190 validation
 * symbol queries with uses, asked as "where is N used", "callers of N", "who calls N" (eval/usage-queries.ts;
 * MRR@10 of a chunk that uses the name, at the default weight: 0.643-0.653 without, 0.739-0.742 at 1,
 * 0.814-0.828 at 2, 0.878-0.885 at 3, 0.937-0.942 at 5, 0.984-0.995 at 10).
 */
export const USAGE_PROMOTION = 10;

/**
 * What a chunk of the file a query names gains, in standard deviations (path-query.ts): the file comes
 * before code that mentions its words. Chosen on 200 file names of the validation codebases
 * (eval/data/file-validation.jsonl; file MRR@10 at the default weight: 0.684 without, BM25 alone 0.797;
 * 0.827 at 1, 0.928 at 2, 0.964 at 3, 0.988 at 5, 0.993 at 10).
 */
export const FILE_NAME_PROMOTION = 10;

/**
 * What a chunk that holds the line of a place a query names gains, in standard deviations (path-query.ts:
 * `src/mux.go:120`, a stack trace's frame): more than the rest of its file's chunks gain, so that it comes
 * first and they follow.
 */
export const LINE_PROMOTION = 2 * FILE_NAME_PROMOTION;

/**
 * What hybrid lists first: the chunk that holds the line a query names, the chunks of the file it names,
 * the chunk that defines the symbol it names, those that use the symbol it asks the uses of, or the chunk
 * that holds the passage it quotes.
 */
export type PromotedKind = 'line' | 'file' | 'definition' | 'usage' | 'phrase';
const PROMOTION: Record<PromotedKind, number> = { line: LINE_PROMOTION, file: FILE_NAME_PROMOTION, definition: SYMBOL_DEFINITION_PROMOTION, usage: USAGE_PROMOTION, phrase: PHRASE_MATCH_PROMOTION };

/** What hybrid lists after code: a chunk of a supporting file (file-kind.ts), or a chunk of code that is mostly prose or mostly data (chunk-kind.ts). */
export type DemotedKind = 'supporting' | 'prose' | 'data';
const DEMOTION: Record<DemotedKind, number> = { supporting: SUPPORTING_FILE_DEMOTION, prose: PROSE_CHUNK_DEMOTION, data: DATA_CHUNK_DEMOTION };
/**
 * The share of a query's words, each weighed by its idf, that the lexical side's best document must hold
 * for that side to count in full; below it the lexical weight shrinks in proportion. Where BM25's best
 * match holds only a few of the query's words, its ranking is mostly noise: in users' words over
 * functions without their comments (eval/data/natural-language-validation.jsonl, validation data) a
 * static weight put hybrid below dense alone (0.467 against 0.473 at 0.75), 0.4 puts it above (0.482 at
 * 1). Chosen on the validation sets (docs/design.md).
 */
export const FULL_COVERAGE = 0.4;

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
  /** The share (0..1) of the query's words, by idf, that a document holds (bm25.ts). */
  lexicalCoverage(id: number): number;
  /** Why a document ranks after the code it supports or describes, undefined when it does not; none when absent. */
  demoted?(id: number): DemotedKind | undefined;
  /** Why a document comes first (it holds the line the query names, is of the file it names, defines the symbol it names, or holds the passage it quotes), undefined when it does not; none when absent. */
  promoted?(id: number): PromotedKind | undefined;
  /** Documents among the candidates whatever their scores: those holding the line a query names. */
  readonly named?: readonly number[];
}

export function fuse(input: FusionInput, k: number, weight = DEFAULT_LEXICAL_WEIGHT): Scored[] {
  const core = new Set([...input.dense.slice(0, FUSION_CANDIDATES).map((s) => s.id), ...input.lexical.slice(0, FUSION_CANDIDATES).map((s) => s.id), ...(input.named ?? [])]);
  const ids = [...core, ...new Set([...input.dense.map((s) => s.id), ...input.lexical.map((s) => s.id)].filter((id) => !core.has(id)))];
  if (ids.length === 0) return [];
  const dense = standardised(Array.from(input.denseScores(ids)), core.size);
  const lexical = standardised(ids.map((id) => input.lexicalScore(id)), core.size);
  const best = input.lexical[0];
  const lexicalWeight = best ? weight * Math.min(1, input.lexicalCoverage(best.id) / FULL_COVERAGE) : weight;
  const adjustment = (id: number) => {
    const kind = input.demoted?.(id);
    const first = input.promoted?.(id);
    return (first ? PROMOTION[first] : 0) - (kind ? DEMOTION[kind] : 0);
  };
  const fused = ids.map((id, i) => ({ id, score: dense[i] + lexicalWeight * lexical[i] + adjustment(id) }));
  const topOf = (list: Scored[], count: number) => {
    const top = new TopK(count);
    list.forEach(({ id, score }) => top.push(id, score));
    return top.sorted();
  };
  const first = topOf(fused.slice(0, core.size), k);
  if (first.length === k || core.size === ids.length) return first;
  // Past the union: further candidates, never above the union's last result.
  const floor = first.at(-1)?.score ?? Infinity;
  return [...first, ...topOf(fused.slice(core.size), k - first.length).map(({ id, score }) => ({ id, score: Math.min(score, floor) }))];
}
