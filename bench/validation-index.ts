/**
 * Real indexes for the search benchmarks: the 8 codebases of ../shared/eval/nl-validation in one index
 * (paths under <codebase>/; `npm run eval -- --validation-only` builds their indexes in
 * .eval/index/validation first), and that index replicated to a size, each copy's vectors moved by
 * seeded noise and renormalised (so copies are near, not equal), paths under copy<i>/ (copy0 unmoved).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readIndexFile } from '../src/node/read-index';
import { mergeIndexData } from '../src/search/index-build';
import type { IndexData } from '../src/search/index-file';

const INDEXES = '.eval/index/validation';
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


export async function validationIndex(): Promise<IndexData> {
  const names = readdirSync(INDEXES).filter((f) => f.endsWith('.c2idx')).sort();
  if (names.length === 0) throw new Error(`${INDEXES}: no indexes; run \`npm run eval -- --validation-only\` first`);
  const parts = [];
  for (const file of names) parts.push({ name: file, data: under(await readIndexFile(join(INDEXES, file)), file.replace(/\.c2idx$/, '')) });
  return mergeIndexData(parts);
}

/** `data` copied until it holds at least `chunks` chunks (copy 0 unmoved). */
export function replicated(data: IndexData, chunks: number): IndexData {
  const copies = Math.ceil(chunks / data.chunks.length);
  return mergeIndexData(Array.from({ length: copies }, (_, c) => ({ name: `copy${c}`, data: under(c === 0 ? data : perturbed(data, c), `copy${c}`) })));
}
