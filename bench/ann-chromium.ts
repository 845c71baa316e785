/**
 * `npm run bench:ann`: the split index's partitioned dense search (in a Worker) side by side with
 * hnswlib-wasm 0.8.2 (HNSW, M 16, efConstruction 200; on the page's main thread, the only place its build
 * runs) in headless Chromium, both over the same int8 vectors: build time, bytes per vector, p50/p90 of a
 * warm query and recall@10 against exhaustive search, per partitions probed and per efSearch
 * (ann-page.ts, ann-worker.ts). Two kinds of data:
 *   real       the embeddings of .bench/real-100k.c2idx (bench/real-corpus.sh: the 8 NL validation
 *              codebases among Debian's Go, Rust and Python sources, C2LLM-nano), as it is and replicated
 *              to 1M (replicate.ts), queried with the 185 NL validation queries embedded by the same model;
 *   synthetic  bench/search-measure.ts's corpus (dim 256, vectors around 1,000 topics, queries near a
 *              chunk), which partitions far more easily than real embeddings do.
 * Prints the table; writes bench/results/ann.json, keeping the rows of other data and sizes already there
 * (so `--data synthetic` adds to a real run).
 *
 *   npm run bench:ann -- [--data real,synthetic] [--sizes 100000,1000000] [--queries 200] [--index .bench/real-100k.c2idx]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readQueries } from '../eval/code-search';
import { loadEmbedder, modelChoice } from '../src/cli/load-model';
import type { AnnRequest, AnnResult } from './ann-measure';
import { runInChromium } from './in-chromium';

const PROBES = [1, 2, 4, 8, 16, 32, 64, 128];
const EF_SEARCH = [10, 20, 40, 80, 160, 320];
const REAL_INDEX = '.bench/real-100k.c2idx';
const QUERIES = '../shared/eval/nl-validation/queries.jsonl';
const RESULTS = 'bench/results/ann.json';

/** bench/results/ann.json with `result` in place of an earlier one of the same data and size. */
function save(result: AnnResult, browser: string): void {
  const earlier: AnnResult[] = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')).results : [];
  const results = [...earlier.filter((r) => r.data !== result.data || r.chunks !== result.chunks), result].sort((a, b) => a.data.localeCompare(b.data) || a.chunks - b.chunks);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), browser, results }, null, 1)}\n`);
}

async function realQueries(): Promise<number[][]> {
  const embedder = await loadEmbedder(await modelChoice({ device: 'cpu' }), (line) => console.error(line));
  const vectors = await embedder.embed(readQueries(QUERIES).map((q) => q.query), { kind: 'query' });
  embedder.dispose();
  return vectors.map((v) => Array.from(v));
}

function print(result: AnnResult, browser: string): void {
  const { partitions: p, hnswlib: h } = result;
  console.log(`\n${result.data} ${result.chunks} x ${result.dim}, ${result.queries} queries, Chromium ${browser}`);
  console.log(`partitions (Worker): ${p.partitionCount} partitions, built in ${p.buildSeconds.toFixed(1)} s, ${p.bytesPerVector.toFixed(0)} bytes a vector`);
  for (const r of p.rows) console.log(`  probes ${String(r.probes).padStart(3)}: p50 ${r.p50.toFixed(2)} ms, p90 ${r.p90.toFixed(2)} ms, recall@10 ${r.recall.toFixed(3)}`);
  console.log(`hnswlib-wasm (page): M ${h.m}, efConstruction ${h.efConstruction}, built in ${h.buildSeconds.toFixed(1)} s, ${h.bytesPerVector.toFixed(0)} bytes a vector`);
  for (const r of h.rows) console.log(`  efSearch ${String(r.efSearch).padStart(3)}: p50 ${r.p50.toFixed(2)} ms, p90 ${r.p90.toFixed(2)} ms, recall@10 ${r.recall.toFixed(3)}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { data: { type: 'string', default: 'real,synthetic' }, sizes: { type: 'string', default: '100000,1000000' }, queries: { type: 'string', default: '200' }, index: { type: 'string', default: REAL_INDEX } } });
  const kinds = values.data.split(',') as AnnRequest['data'][];
  if (kinds.includes('real') && !existsSync(values.index)) throw new Error(`no ${values.index}: sh bench/real-corpus.sh makes it`);
  const queryVectors = kinds.includes('real') ? await realQueries() : undefined;
  for (const data of kinds) {
    for (const chunks of values.sizes.split(',').map(Number)) {
      const request: AnnRequest = { data, chunks, dim: 256, queries: Number(values.queries), probes: PROBES, efSearch: EF_SEARCH, ...(data === 'real' ? { index: `/${values.index}`, queryVectors } : {}) };
      const { result, browserVersion } = await runInChromium<AnnResult>(5399, 'bench/ann.html', 'runAnnBench', request);
      print(result, browserVersion);
      save(result, browserVersion);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
