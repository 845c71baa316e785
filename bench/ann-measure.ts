/** What `npm run bench:ann`'s Node side, page and Worker exchange, and the two measures they share. */
export interface AnnRequest {
  /**
   * synthetic: bench/search-measure.ts's corpus of `chunks` vectors around 1,000 topics, queries near a
   * chunk; real: the index file at the URL `index` (its real embeddings), replicated to `chunks` when it
   * holds fewer (replicate.ts), with `queryVectors` (real queries embedded by the same model).
   */
  readonly data: 'synthetic' | 'real';
  readonly index?: string;
  readonly queryVectors?: readonly (readonly number[])[];
  readonly chunks: number;
  readonly dim: number;
  readonly queries: number;
  /** Partitions probed, one row each. */
  readonly probes: readonly number[];
  /** hnswlib-wasm's efSearch values, one row each. */
  readonly efSearch: readonly number[];
}

export interface PartitionRow {
  readonly probes: number;
  readonly p50: number;
  readonly p90: number;
  readonly recall: number;
}

export interface HnswRow {
  readonly efSearch: number;
  readonly p50: number;
  readonly p90: number;
  readonly recall: number;
}

export interface AnnResult {
  readonly data: AnnRequest['data'];
  readonly chunks: number;
  readonly dim: number;
  readonly queries: number;
  readonly partitions: { readonly buildSeconds: number; readonly partitionCount: number; readonly bytesPerVector: number; readonly rows: readonly PartitionRow[] };
  readonly hnswlib: { readonly buildSeconds: number; readonly m: number; readonly efConstruction: number; readonly bytesPerVector: number; readonly rows: readonly HnswRow[] };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

/** The share of the exhaustive top 10s found in the top 10s returned, over all queries. */
export function recallAt10(found: readonly (readonly number[])[], truth: readonly (readonly number[])[]): number {
  let hits = 0;
  found.forEach((ids, q) => {
    const want = new Set(truth[q]);
    hits += ids.slice(0, 10).filter((id) => want.has(id)).length;
  });
  return hits / (10 * truth.length);
}
