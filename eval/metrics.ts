/**
 * Retrieval metrics for one relevant document per query: MRR@10, Recall@1, Recall@10 and NDCG@10
 * (with one relevant document the ideal DCG is 1, so NDCG@10 = 1 / log2(rank + 1) within the top 10).
 */
export interface Metrics {
  readonly queries: number;
  readonly mrr10: number;
  readonly recall1: number;
  readonly recall10: number;
  readonly ndcg10: number;
}

/** `rankings[q]` lists document ids best first (at least the top 10); `gold[q]` is the relevant one. */
export function retrievalMetrics(rankings: readonly (readonly number[])[], gold: readonly number[]): Metrics {
  let mrr = 0;
  let r1 = 0;
  let r10 = 0;
  let ndcg = 0;
  rankings.forEach((ranked, q) => {
    const rank = ranked.slice(0, 10).indexOf(gold[q]);
    if (rank < 0) return;
    mrr += 1 / (rank + 1);
    r10 += 1;
    if (rank === 0) r1 += 1;
    ndcg += 1 / Math.log2(rank + 2);
  });
  const n = Math.max(1, rankings.length);
  return { queries: rankings.length, mrr10: mrr / n, recall1: r1 / n, recall10: r10 / n, ndcg10: ndcg / n };
}
