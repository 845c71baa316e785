/**
 * `npm run bench:split`: the split index layout (src/search/split-index.ts) against the one-file index it
 * is cut from, on the NL validation queries (../shared/eval/nl-validation; `npm run eval` builds their
 * indexes in .eval/index/validation first). Three indexes:
 *   real       the 8 validation codebases in one index (paths under <codebase>/), 6,838 chunks;
 *   real-100k  the 8 codebases among about 120k chunks of other real code (Debian's Go, Rust and Python
 *              sources), indexed by bench/real-corpus.sh into .bench/real-100k.c2idx (left out, with a
 *              line saying so, when that file is missing);
 *   100k       the 8 codebases replicated to at least 100k chunks, each copy's vectors moved by noise
 *              and renormalised (so copies are near, not equal; their texts, and so their BM25 scores,
 *              are equal), paths under copy<i>/.
 * For each number of partitions probed: recall@10 of the split layout's top 10 against the one file's
 * (hybrid and dense), hybrid file-level MRR@10 (a hit is a target of the query's codebase),
 * and the index bytes a visitor fetches for a first query (manifest, centroids, partitions, term
 * shards, records of the 10 results): median, 90th percentile and largest, and the mean by kind; and
 * the median time of a warm hybrid query (every part already fetched), split against the one file. Writes
 * bench/results/split-index.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hitRanks, readQueries } from '../eval/code-search';
import { loadEmbedder, modelChoice } from '../src/cli/load-model';
import { readIndexFile } from '../src/node/read-index';
import { CodeIndex, type CodeSearchResult } from '../src/search/code-index';
import { encodeIndex, type IndexData } from '../src/search/index-file';
import type { SearchMode } from '../src/search/ranking';
import { SplitCodeIndex } from '../src/search/split-code-index';
import { MANIFEST_NAME, encodeManifest, splitIndex } from '../src/search/split-index';
import { replicated } from './replicate';
import { validationIndex } from './validation-index';

const QUERIES = '../shared/eval/nl-validation/queries.jsonl';
const PROBES = [1, 2, 4, 8, 12, 16, 24, 32];
const TARGET_CHUNKS = 100_000;
const REAL_100K = '.bench/real-100k.c2idx';

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
const overlap = (a: readonly CodeSearchResult[], b: readonly CodeSearchResult[]) => {
  const key = (r: CodeSearchResult) => `${r.path}:${r.startLine}`;
  const want = new Set(b.map(key));
  return want.size === 0 ? 1 : a.filter((r) => want.has(key(r))).length / want.size;
};

async function measure(name: string, data: IndexData, queries: ReturnType<typeof readQueries>, vectors: Float32Array[]) {
  const started = performance.now();
  const { manifest, files } = splitIndex(data);
  const splitSeconds = (performance.now() - started) / 1000;
  const manifestBytes = encodeManifest(manifest);
  const all = new Map([...files, [MANIFEST_NAME, manifestBytes]]);
  const fetchPart = async (file: string) => all.get(file)!;
  const single = new CodeIndex(data);
  const totalBytes = [...all.values()].reduce((n, b) => n + b.byteLength, 0);
  const partitions = manifest.partitions.hashes.length / 8;
  console.error(`${name}: ${data.chunks.length} chunks, ${all.size} files, ${(totalBytes / 1e6).toFixed(1)} MB in all, manifest ${(manifestBytes.byteLength / 1024).toFixed(1)} KiB, ${partitions} partitions, split in ${splitSeconds.toFixed(1)} s`);
  const rows = [];
  for (const probes of PROBES.filter((p) => p <= partitions)) {
    const recall: Record<string, number[]> = { hybrid: [], dense: [] };
    const bytes: number[] = [];
    const kinds = new Map<string, number>();
    const ranks: number[] = [];
    for (const [i, q] of queries.entries()) {
      for (const mode of ['hybrid', 'dense'] as SearchMode[]) {
        const cold = await SplitCodeIndex.open(name, fetchPart);
        const got = await cold.search({ vector: vectors[i], text: q.query }, 10, mode, { probes });
        recall[mode].push(overlap(got, single.search({ vector: vectors[i], text: q.query }, 10, mode)));
        if (mode === 'hybrid') {
          bytes.push(cold.fetchedBytes);
          for (const [file, size] of cold.fetched) {
            const kind = { m: 'manifest', c: 'centroids', p: 'partitions', v: 'vectorSlices', t: 'terms', r: 'records' }[file[0]]!;
            kinds.set(kind, (kinds.get(kind) ?? 0) + size / queries.length);
          }
          ranks.push(hitRanks({ ...q, targets: q.targets.map((t) => `${q.codebase}/${t}`) }, got).file);
        }
      }
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const row = {
      probes,
      recall10Hybrid: +mean(recall.hybrid).toFixed(4),
      recall10Dense: +mean(recall.dense).toFixed(4),
      fileMrr10Hybrid: +mean(ranks.map((r) => (r > 0 ? 1 / r : 0))).toFixed(4),
      firstQueryKiB: { median: Math.round(quantile(bytes, 0.5) / 1024), p90: Math.round(quantile(bytes, 0.9) / 1024), max: Math.round(Math.max(...bytes) / 1024) },
      meanKiBByKind: Object.fromEntries([...kinds].map(([kind, total]) => [kind, Math.round(total / 1024)])),
    };
    console.error(JSON.stringify(row));
    rows.push(row);
  }
  // Warm search cost: every part already fetched (one pass first), then the median of a pass over the queries.
  const warm = await SplitCodeIndex.open(name, fetchPart);
  const timed = async (search: (i: number) => Promise<unknown> | unknown) => {
    const times: number[] = [];
    for (let i = 0; i < queries.length; i++) {
      const started = performance.now();
      await search(i);
      times.push(performance.now() - started);
    }
    return +quantile(times, 0.5).toFixed(2);
  };
  const warmSplit = (i: number) => warm.search({ vector: vectors[i], text: queries[i].query }, 10, 'hybrid');
  await timed(warmSplit);
  const warmMs = { split: await timed(warmSplit), oneFile: await timed((i) => single.search({ vector: vectors[i], text: queries[i].query }, 10, 'hybrid')) };
  console.error(`${name}: warm hybrid query, median: split ${warmMs.split} ms (default probes), one file ${warmMs.oneFile} ms`);
  const singleMrr = queries.map((q, i) => hitRanks({ ...q, targets: q.targets.map((t) => `${q.codebase}/${t}`) }, single.search({ vector: vectors[i], text: q.query }, 10, 'hybrid')).file);
  return { chunks: data.chunks.length, files: all.size, totalBytes, manifestBytes: manifestBytes.byteLength, partitions, splitSeconds: +splitSeconds.toFixed(1), oneFileBytes: encodeIndex(data).byteLength, warmHybridMs: warmMs, singleFileMrr10Hybrid: +(singleMrr.reduce((s, r) => s + (r > 0 ? 1 / r : 0), 0) / queries.length).toFixed(4), rows };
}

async function main() {
  const real = await validationIndex();
  const queries = readQueries(QUERIES);
  const embedder = await loadEmbedder(await modelChoice({ device: 'cpu' }), (line) => console.error(line));
  const vectors = await embedder.embed(queries.map((q) => q.query), { kind: 'query' });
  embedder.dispose();
  const big = replicated(real, TARGET_CHUNKS);
  // In the 100k index a query's codebase lives under copy0/ (the unperturbed copy).
  const bigQueries = queries.map((q) => ({ ...q, codebase: `copy0/${q.codebase}` }));
  const realBig = existsSync(REAL_100K) ? await measure('real-100k', await readIndexFile(REAL_100K), queries, vectors) : console.error(`no ${REAL_100K}: sh bench/real-corpus.sh makes it`);
  const report = { date: new Date().toISOString().slice(0, 10), queries: queries.length, real: await measure('real', real, queries, vectors), 'real-100k': realBig, '100k': await measure('100k', big, bigQueries, vectors) };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/split-index.json', `${JSON.stringify(report, null, 1)}\n`);
  console.log(JSON.stringify(report, null, 1));
}

await main();
