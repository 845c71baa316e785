/**
 * An index made larger for the search benchmarks (no Node API, so a browser Worker uses it too): copies
 * of it, each copy's vectors moved by seeded noise and renormalised (so copies are near, not equal; their
 * texts, and so their BM25 scores, are equal), paths under copy<i>/ (copy0 unmoved).
 */
import { mergeIndexData } from '../src/search/index-build';
import type { IndexData } from '../src/search/index-file';

const NOISE = 0.25;

export const under = (data: IndexData, prefix: string): IndexData => ({ ...data, files: data.files.map((f) => ({ ...f, path: `${prefix}/${f.path}` })) });

/** A copy of `data` whose vectors are moved by seeded noise of relative size NOISE and renormalised to int8 unit vectors. */
function perturbed(data: IndexData, seed: number): IndexData {
  let state = seed * 2654435761;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const { dim } = data;
  const n = data.chunks.length;
  const vectors = new Int8Array(n * dim);
  const scales = new Float32Array(n);
  const row = new Float32Array(dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) row[d] = data.vectors[i * dim + d] * data.scales[i] + (NOISE * random()) / Math.sqrt(dim / 3);
    const norm = Math.hypot(...row);
    const peak = Math.max(...row.map((x) => Math.abs(x / norm)));
    scales[i] = peak / 127;
    for (let d = 0; d < dim; d++) vectors[i * dim + d] = Math.round(row[d] / norm / scales[i]);
  }
  return { ...data, vectors, scales };
}

/** `data` copied until it holds at least `chunks` chunks (copy 0 unmoved). */
export function replicated(data: IndexData, chunks: number): IndexData {
  const copies = Math.ceil(chunks / data.chunks.length);
  return mergeIndexData(Array.from({ length: copies }, (_, c) => ({ name: `copy${c}`, data: under(c === 0 ? data : perturbed(data, c), `copy${c}`) })));
}
