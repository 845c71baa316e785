/**
 * The search benchmark's data and measurement, the same in Node (bench/search.ts) and in a browser
 * Worker (bench/search-worker.ts). Data: chunk vectors gathered around 1,000 topics (a topic plus
 * noise of the same norm), queries near a chunk; chunk texts of 30 words drawn from a Zipf-distributed
 * vocabulary of 20,000 words, queries of 3 of the chunk's words.
 */
import { Bm25Index } from '../src/search/bm25';
import { CodeIndex } from '../src/search/code-index';
import { quantizeVector } from '../src/search/index-build';
import { encodeIndex, type IndexData } from '../src/search/index-file';
import { exactTopIds } from '../test/helpers/exact-search';
import type { SearchMode } from '../src/search/ranking';
import { random } from '../test/helpers/random';
import { percentile } from './ann-measure';

const TOPICS = 1000;
const VOCABULARY = 20000;
const WORDS_PER_CHUNK = 30;

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

function unit(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return v.map((x) => x / norm);
}

export interface Corpus {
  readonly data: IndexData;
  readonly exact?: Float32Array;
  readonly queries: { vector: Float32Array; text: string }[];
}

export function makeCorpus(n: number, dim: number, queryCount: number, keepExact: boolean): Corpus {
  const rand = random(n * 31 + dim);
  const topics = Array.from({ length: TOPICS }, () => unit(Float32Array.from({ length: dim }, () => gaussian(rand))));
  const vectors = new Int8Array(n * dim);
  const scales = new Float32Array(n);
  const exact = keepExact ? new Float32Array(n * dim) : undefined;
  const zipf = (() => {
    const weights = Array.from({ length: VOCABULARY }, (_, i) => 1 / (i + 1));
    const total = weights.reduce((a, b) => a + b, 0);
    const cumulative = new Float64Array(VOCABULARY);
    weights.reduce((acc, w, i) => (cumulative[i] = acc + w / total), 0);
    return () => {
      const u = rand();
      let lo = 0;
      let hi = VOCABULARY - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      return `w${lo}`;
    };
  })();
  const texts: string[] = new Array(n);
  const queries: Corpus['queries'] = [];
  const queryRows = new Set(Array.from({ length: queryCount }, () => Math.floor(rand() * n)));
  for (let i = 0; i < n; i++) {
    const topic = topics[i % TOPICS];
    const v = unit(topic.map((t) => t + gaussian(rand) / Math.sqrt(dim)));
    scales[i] = quantizeVector(v, vectors.subarray(i * dim, (i + 1) * dim));
    exact?.set(v, i * dim);
    const words = Array.from({ length: WORDS_PER_CHUNK }, zipf);
    texts[i] = words.join(' ');
    if (queryRows.has(i)) {
      queries.push({ vector: unit(v.map((x) => x + 0.7 * gaussian(rand) / Math.sqrt(dim))), text: words.slice(0, 3).join(' ') });
    }
  }
  const files = Array.from({ length: Math.ceil(n / 10) }, (_, f) => ({ path: `src/f${String(f).padStart(7, '0')}.ts`, language: 'typescript', hash: String(f) }));
  const data: IndexData = {
    model: { id: 'bench', fingerprint: 'sha256:bench' },
    dim,
    chunker: { version: 1, maxLines: 60, mergeLines: 20, overlapLines: 10 },
    files,
    chunks: Array.from({ length: n }, (_, i) => ({ file: Math.floor(i / 10), startLine: (i % 10) * 10 + 1, endLine: (i % 10) * 10 + 10 })),
    vectors,
    scales,
    ...Bm25Index.build(texts).toFlat(),
  };
  return { data, exact, queries };
}

export interface SearchRow {
  readonly chunks: number;
  readonly dim: number;
  readonly hybridP50: number;
  readonly hybridP90: number;
  readonly denseP50: number;
  readonly lexicalP50: number;
  readonly bytesPerChunk: number;
  readonly f32BytesPerChunk: number;
  readonly recall?: number;
  readonly buildSeconds: number;
  readonly simd: boolean;
}

/** Builds an index of n chunks of dimension dim and times QUERIES searches of each mode on it. */
export function measureSearch(n: number, dim: number, queryCount: number): SearchRow {
  const started = performance.now();
  const { data, exact, queries } = makeCorpus(n, dim, queryCount, n <= 100_000);
  const index = new CodeIndex(data);
  const bytes = encodeIndex(data).byteLength;
  const buildSeconds = (performance.now() - started) / 1000;
  const time = (mode: SearchMode) => {
    index.search(queries[0], 10, mode);
    return queries.map((q) => {
      const t = performance.now();
      index.search(q, 10, mode);
      return performance.now() - t;
    });
  };
  const hybrid = time('hybrid');
  const dense = time('dense');
  const lexical = time('lexical');
  let recall: number | undefined;
  if (exact) {
    let found = 0;
    for (const q of queries) {
      const want = exactTopIds(exact, dim, q.vector);
      const got = index.search(q, 10, 'dense').map((r) => data.chunks.findIndex((c) => data.files[c.file].path === r.path && c.startLine === r.startLine));
      found += got.filter((id) => want.has(id)).length;
    }
    recall = found / (10 * queries.length);
  }
  const row: SearchRow = { simd: index.usesSimd, chunks: n, dim, hybridP50: percentile(hybrid, 0.5), hybridP90: percentile(hybrid, 0.9), denseP50: percentile(dense, 0.5), lexicalP50: percentile(lexical, 0.5), bytesPerChunk: bytes / n, f32BytesPerChunk: dim * 4, recall, buildSeconds };
  return row;
}

export function rowLine(row: SearchRow): string {
  return `| ${row.chunks.toLocaleString('en')} | ${row.dim} | ${row.hybridP50.toFixed(1)} / ${row.hybridP90.toFixed(1)} | ${row.denseP50.toFixed(1)} | ${row.lexicalP50.toFixed(1)} | ${row.bytesPerChunk.toFixed(0)} (${row.f32BytesPerChunk}) | ${row.recall === undefined ? '-' : row.recall.toFixed(3)} | ${row.buildSeconds.toFixed(0)} |`;
}

export const TABLE_HEAD = ['| chunks | dim | hybrid p50 / p90 ms | dense p50 ms | lexical p50 ms | bytes per chunk (f32 vectors alone) | recall@10 quantized vs f32 | build s |', '|---|---|---|---|---|---|---|---|'];
