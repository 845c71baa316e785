/**
 * Which rows dense search scores. Up to EXHAUSTIVE_UP_TO rows, every row's int8 score. Above, two
 * stages: the rows whose sign bits differ least from the query's (a shortlist of shortlistSize rows,
 * found by counting, not sorting), then their int8 scores. The first stage reads dim / 8 bytes a row
 * instead of dim, which is what keeps a query at 100k rows of dim 896 within its time. The sizes were
 * chosen by `npm run bench:search` (recall@10 against exact f32 search on its clustered vectors) and
 * `npm run bench:shortlist` (on the bundled model's real embeddings); both print the recall they reach.
 */
import type { DenseScorer } from './dense-scorer';
import { TopK, topOfScores, type Scored } from './top-k';

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

export const EXHAUSTIVE_UP_TO = 20_000;
/** The shortlist never holds fewer rows than this, nor fewer than SHORTLIST_PER_RESULT per result asked. */
export const SHORTLIST_MIN = 4_000;
export const SHORTLIST_PER_RESULT = 20;
/** ... nor less than this fraction of the index. */
export const SHORTLIST_FRACTION = 1 / 50;

export function shortlistSize(rows: number, count: number): number {
  return Math.min(rows, Math.max(SHORTLIST_MIN, SHORTLIST_PER_RESULT * count, Math.ceil(rows * SHORTLIST_FRACTION)));
}

/**
 * The `count` rows of smallest `distances` (each in 0..maxDistance), in row order; of the rows at the
 * cut-off distance, the first ones.
 */
export function nearestRows(distances: Int32Array, count: number, maxDistance: number): Uint32Array {
  const histogram = new Uint32Array(maxDistance + 1);
  for (const d of distances) histogram[d]++;
  let cut = 0;
  let below = 0;
  while (below + histogram[cut] < count) below += histogram[cut++];
  let ties = count - below;
  const rows = new Uint32Array(count);
  let taken = 0;
  for (let row = 0; row < distances.length && taken < count; row++) {
    const d = distances[row];
    if (d < cut || (d === cut && ties-- > 0)) rows[taken++] = row;
  }
  return rows;
}

/** `values` at `rows`, in that order. */
function rowsOf(values: Int32Array, rows: Uint32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]];
  return out;
}

/**
 * The dense side of a search of `scorer`'s rows for `query`; with `rows` (increasing), of those rows alone,
 * as if the scorer held nothing else (search-filter.ts).
 */
export function denseRanking(scorer: DenseScorer, query: Float32Array, rows?: Uint32Array): DenseScores {
  const count = rows?.length ?? scorer.size;
  const of = (ids: readonly number[]) => scorer.scoreRows(query, Uint32Array.from(ids));
  if (count <= EXHAUSTIVE_UP_TO) {
    if (!rows) return everyScore(scorer.scoreAll(query));
    const scores = scorer.scoreRows(query, rows);
    return { top: (wanted) => topOfScores(scores, wanted).map(({ id, score }) => ({ id: rows[id], score })), of };
  }
  return {
    top: (wanted) => {
      const distances = scorer.signDistances(query);
      const near = nearestRows(rows ? rowsOf(distances, rows) : distances, shortlistSize(count, wanted), scorer.dim);
      const shortlist = rows ? near.map((i) => rows[i]) : near;
      const scores = scorer.scoreRows(query, shortlist);
      const top = new TopK(wanted);
      shortlist.forEach((row, i) => top.push(row, scores[i]));
      return top.sorted();
    },
    of,
  };
}
