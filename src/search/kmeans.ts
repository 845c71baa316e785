/**
 * Spherical k-means over unit vectors (dot product as similarity), for the split index's partitions
 * (split-index.ts): deterministic (seeds spread evenly over the rows, no randomness), trained on an even
 * sample of at most SAMPLE_PER_CENTROID rows per centroid, then every row assigned to its nearest
 * centroid. In each round, the first centroid left without rows is reseeded with the sampled row farthest
 * from its own centroid (any other keeps its place).
 */
export const KMEANS_ITERATIONS = 10;
const SAMPLE_PER_CENTROID = 64;

export interface Partitioning {
  /** [count, dim], unit vectors. */
  readonly centroids: Float32Array;
  /** Each row's partition. */
  readonly assignment: Uint32Array;
}

/** Row `row` of `vectors` (dim per row) as a view. */
const rowOf = (vectors: Float32Array, row: number, dim: number) => vectors.subarray(row * dim, (row + 1) * dim);

function nearest(centroids: Float32Array, count: number, vector: Float32Array, dim: number): { best: number; score: number } {
  let best = 0;
  let score = -Infinity;
  for (let c = 0; c < count; c++) {
    let dot = 0;
    const base = c * dim;
    for (let d = 0; d < dim; d++) dot += centroids[base + d] * vector[d];
    if (dot > score) [best, score] = [c, dot];
  }
  return { best, score };
}

function normalise(vector: Float32Array): void {
  let squares = 0;
  for (const x of vector) squares += x * x;
  const norm = Math.sqrt(squares);
  if (norm > 0) for (let d = 0; d < vector.length; d++) vector[d] /= norm;
}

/** `count` partitions of `rows` unit vectors of `dim` values (`vectors` is [rows, dim]). */
export function kmeans(vectors: Float32Array, dim: number, count: number): Partitioning {
  const rows = vectors.length / dim;
  if (!Number.isInteger(count) || count < 1 || count > rows) throw new RangeError(`kmeans: ${count} partitions of ${rows} rows`);
  const sampleSize = Math.min(rows, count * SAMPLE_PER_CENTROID);
  const sample = Array.from({ length: sampleSize }, (_, i) => Math.floor((i * rows) / sampleSize));
  const centroids = new Float32Array(count * dim);
  for (let c = 0; c < count; c++) centroids.set(rowOf(vectors, sample[Math.floor((c * sampleSize) / count)], dim), c * dim);

  const sums = new Float32Array(count * dim);
  const sizes = new Uint32Array(count);
  for (let iteration = 0; iteration < KMEANS_ITERATIONS; iteration++) {
    sums.fill(0);
    sizes.fill(0);
    let farthest: { row: number; score: number } | undefined = { row: sample[0], score: Infinity };
    for (const row of sample) {
      const vector = rowOf(vectors, row, dim);
      const { best, score } = nearest(centroids, count, vector, dim);
      if (score < farthest!.score) farthest = { row, score };
      sizes[best]++;
      for (let d = 0; d < dim; d++) sums[best * dim + d] += vector[d];
    }
    for (let c = 0; c < count; c++) {
      const centroid = centroids.subarray(c * dim, (c + 1) * dim);
      if (sizes[c] === 0) {
        if (farthest) centroid.set(rowOf(vectors, farthest.row, dim));
        farthest = undefined;
        continue;
      }
      centroid.set(sums.subarray(c * dim, (c + 1) * dim));
      normalise(centroid);
    }
  }
  const assignment = new Uint32Array(rows);
  for (let row = 0; row < rows; row++) assignment[row] = nearest(centroids, count, rowOf(vectors, row, dim), dim).best;
  return { centroids, assignment };
}
