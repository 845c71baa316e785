/**
 * The partitioned side of `npm run bench:ann`, in a browser Worker: the request's corpus (synthetic, or a
 * real index fetched and replicated, ann-measure.ts's AnnRequest) cut into the split layout (k-means
 * partitions, src/search/split-index.ts; the cut is the build time), searched densely through
 * SplitCodeIndex with every part in memory, at each number of partitions probed: p50 and p90 of a warm
 * query (the same queries searched once before) and recall@10 against exhaustive search over the same
 * int8 vectors. Then it hands the vectors, the queries and the exhaustive top 10s to the page for
 * hnswlib-wasm (transferred, not copied).
 */
import { DenseScorer } from '../src/search/dense-scorer';
import { fileChunkRanges } from '../src/search/index-build';
import { SplitCodeIndex } from '../src/search/split-code-index';
import { encodeManifest, MANIFEST_NAME, splitIndex } from '../src/search/split-index';
import { topOfScores } from '../src/search/top-k';
import { decodeIndex, type IndexData } from '../src/search/index-file';
import { replicated } from './replicate';
import { makeCorpus } from './search-measure';
import { percentile, recallAt10, type AnnRequest, type PartitionRow } from './ann-measure';

async function corpus(request: AnnRequest): Promise<{ data: IndexData; queries: Float32Array[] }> {
  if (request.data === 'synthetic') {
    const { data, queries } = makeCorpus(request.chunks, request.dim, request.queries, false);
    return { data, queries: queries.map((q) => q.vector) };
  }
  const bytes = new Uint8Array(await (await fetch(request.index!)).arrayBuffer());
  const real = decodeIndex(request.index!, bytes);
  return { data: real.chunks.length < request.chunks ? replicated(real, request.chunks) : real, queries: request.queryVectors!.map((v) => Float32Array.from(v)) };
}

self.onmessage = async (event: MessageEvent<AnnRequest>) => {
  const { probes } = event.data;
  const { data, queries } = await corpus(event.data);
  const { dim } = data;
  const chunks = data.chunks.length;
  const exhaustive = new DenseScorer(data.vectors, data.scales, dim);
  const truth = queries.map((q) => topOfScores(exhaustive.scoreAll(q), 10).map((s) => s.id));
  const started = performance.now();
  const { manifest, files } = splitIndex(data);
  const buildSeconds = (performance.now() - started) / 1000;
  const parts = new Map([...files, [MANIFEST_NAME, encodeManifest(manifest)]]);
  const partitionBytes = [...files].filter(([name]) => name.startsWith('p') || name.startsWith('c')).reduce((n, [, bytes]) => n + bytes.byteLength, 0);
  const index = await SplitCodeIndex.open('bench', async (file) => parts.get(file)!);
  const fileIds = new Map(data.files.map((f, i) => [f.path, i]));
  const ranges = fileChunkRanges(data);
  /** A result's row: its file's chunks are contiguous, in line order. */
  const rowOf = (path: string, startLine: number) => {
    let row = ranges[fileIds.get(path)!].from;
    while (data.chunks[row].startLine !== startLine) row++;
    return row;
  };
  const rows: PartitionRow[] = [];
  for (const p of probes.filter((p) => p <= manifest.partitions.hashes.length / 8)) {
    const search = (i: number) => index.search({ vector: queries[i] }, 10, 'dense', { probes: p });
    for (let i = 0; i < queries.length; i++) await search(i);
    const times: number[] = [];
    const found: number[][] = [];
    for (let i = 0; i < queries.length; i++) {
      const t = performance.now();
      const results = await search(i);
      times.push(performance.now() - t);
      found.push(results.map((r) => rowOf(r.path, r.startLine)));
    }
    rows.push({ probes: p, p50: percentile(times, 0.5), p90: percentile(times, 0.9), recall: recallAt10(found, truth) });
  }
  const vectors = data.vectors;
  self.postMessage(
    { chunks, dim, partitions: { buildSeconds, partitionCount: manifest.partitions.hashes.length / 8, bytesPerVector: partitionBytes / chunks, rows }, vectors, scales: data.scales, queries, truth },
    [vectors.buffer, data.scales.buffer, ...queries.map((v) => v.buffer)],
  );
};
