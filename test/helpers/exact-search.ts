/** Exact dense search, the reference that quantized search is measured against: the ids of the k rows of `vectors` ([rows, dim], f32) with the largest dot product with `query`. */
import { TopK } from '../../src/search/top-k';

export function exactTopIds(vectors: Float32Array, dim: number, query: Float32Array, k = 10): Set<number> {
  const top = new TopK(k);
  for (let i = 0; i < vectors.length / dim; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += vectors[i * dim + d] * query[d];
    top.push(i, s);
  }
  return new Set(top.sorted().map((r) => r.id));
}
