/**
 * Page side of `npm run bench:ann`: runs the partitioned search in a Worker (ann-worker.ts), then builds
 * hnswlib-wasm (HNSW, inner product) over the same int8 vectors, dequantized, on this page's main thread:
 * its Emscripten build refuses to start in a Worker ("worker environment detected but not enabled at
 * build time"). Build time, the WebAssembly memory the index took per vector, and for each efSearch the
 * p50 and p90 of a warm query and recall@10 against the same exhaustive top 10s.
 */
import { loadHnswlib } from 'hnswlib-wasm/dist/hnswlib.js';
import { percentile, recallAt10, type AnnRequest, type AnnResult } from './ann-measure';

const M = 16;
const EF_CONSTRUCTION = 200;
const BATCH = 5000;

interface FromWorker {
  chunks: number;
  dim: number;
  partitions: AnnResult['partitions'];
  vectors: Int8Array;
  scales: Float32Array;
  queries: Float32Array[];
  truth: number[][];
}

function partitioned(request: AnnRequest): Promise<FromWorker> {
  const worker = new Worker(new URL('./ann-worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onerror = (event) => reject(new Error(event.message));
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      worker.terminate();
      resolve(event.data);
    };
    worker.postMessage(request);
  });
}

async function runAnnBench(request: AnnRequest): Promise<AnnResult> {
  const { chunks, dim, partitions, vectors, scales, queries, truth } = await partitioned(request);
  console.log(`${request.data} ${chunks}: partitions measured; building hnswlib-wasm`);
  const lib = await loadHnswlib();
  const heap = () => (lib as unknown as { HEAP8: Int8Array }).HEAP8.byteLength;
  const before = heap();
  const index = new lib.HierarchicalNSW('ip', dim, '');
  index.initIndex(chunks, M, EF_CONSTRUCTION, 100);
  const started = performance.now();
  for (let from = 0; from < chunks; from += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, chunks - from) }, (_, i) => {
      const row = from + i;
      return Float32Array.from(vectors.subarray(row * dim, (row + 1) * dim), (x) => x * scales[row]);
    });
    index.addPoints(batch, batch.map((_, i) => from + i), false);
    if ((from / BATCH) % 20 === 0) console.log(`hnswlib: ${from + batch.length}/${chunks} added, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const buildSeconds = (performance.now() - started) / 1000;
  const bytesPerVector = (heap() - before) / chunks;
  const rows = request.efSearch.map((ef) => {
    index.setEfSearch(ef);
    const search = (q: Float32Array) => index.searchKnn(q, 10, undefined).neighbors;
    queries.forEach(search);
    const times: number[] = [];
    const found = queries.map((q) => {
      const t = performance.now();
      const ids = search(q);
      times.push(performance.now() - t);
      return ids;
    });
    return { efSearch: ef, p50: percentile(times, 0.5), p90: percentile(times, 0.9), recall: recallAt10(found, truth) };
  });
  return { data: request.data, chunks, dim, queries: queries.length, partitions, hnswlib: { buildSeconds, m: M, efConstruction: EF_CONSTRUCTION, bytesPerVector, rows } };
}

Object.assign(window, { runAnnBench });
document.getElementById('status')!.textContent = 'ready';
