/**
 * `npm run bench:index-build -- <index.c2idx>`: what making an index's data costs, in time and in memory,
 * on a real index (one written with its chunk texts, as `c2llm index` writes by default). Rebuilds that
 * index's data from its own chunks, texts and vectors (search/index-build.ts `buildIndexData`), and
 * merges it from two halves of its files (`mergeIndexData`, what `c2llm merge` does after `--shard`;
 * the halves are written to a temporary folder first and read back). Each measurement runs in a fresh
 * process, so that its growth of peak RSS is its own; prints each run and the medians, and the SHA-256
 * of what was made (the build and the merge must agree).
 *
 *   npm run bench:index-build -- /tmp/cargo.c2idx [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildIndexData, fileChunkRanges, floatVectors, mergeIndexData, type EmbeddedFile } from '../src/search/index-build';
import { decodeIndex, encodeIndex, type IndexHeader } from '../src/search/index-file';

type Mode = 'build' | 'merge';
interface Run {
  readonly ms: number;
  readonly rssGrowthMb: number;
  readonly sha256: string;
  readonly chunks: number;
  readonly postings: number;
}

function readIndex(path: string) {
  return decodeIndex(path, new Uint8Array(readFileSync(path)));
}

/** The index's files with their chunks (texts from the index) and f32 vectors, as an indexer hands them over. */
function embeddedFiles(path: string): { header: IndexHeader; files: EmbeddedFile[] } {
  const data = readIndex(path);
  if (!data.texts) throw new Error(`${path}: written without chunk texts (--no-texts); this needs them`);
  const texts = data.texts;
  const ranges = fileChunkRanges(data);
  const files = data.files.map((f, i) => {
    const { from, to } = ranges[i];
    const chunks = data.chunks.slice(from, to).map((c, j) => ({ startLine: c.startLine, endLine: c.endLine, text: texts.at(from + j) }));
    return { ...f, chunks, vectors: floatVectors(data, from, to) };
  });
  return { header: { model: data.model, dim: data.dim, chunker: data.chunker }, files };
}

function halfPaths(folder: string): string[] {
  return [0, 1].map((half) => join(folder, `half-${half}.c2idx`));
}

/** Writes the indexes of the index's even-numbered and odd-numbered files, which merge back into it. */
function writeHalves(path: string, folder: string): void {
  const { header, files } = embeddedFiles(path);
  halfPaths(folder).forEach((out, half) => writeFileSync(out, encodeIndex(buildIndexData(header, files.filter((_, i) => i % 2 === half), true))));
}

function measure(mode: Mode, path: string, folder: string): Run {
  const input = mode === 'build' ? embeddedFiles(path) : halfPaths(folder).map((half) => ({ name: half, data: readIndex(half) }));
  const rssBefore = process.resourceUsage().maxRSS;
  const start = performance.now();
  const made = Array.isArray(input) ? mergeIndexData(input) : buildIndexData(input.header, input.files, true);
  const ms = performance.now() - start;
  const rssGrowthMb = (process.resourceUsage().maxRSS - rssBefore) / 1024;
  const sha256 = createHash('sha256').update(encodeIndex(made)).digest('hex');
  return { ms, rssGrowthMb, sha256, chunks: made.chunks.length, postings: made.postingDocs.length };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string' }, child: { type: 'string' }, halves: { type: 'string' } } });
if (positionals.length !== 1) throw new Error('usage: npm run bench:index-build -- <index.c2idx> [--runs 3]');
const [path] = positionals;
if (values.child) {
  process.stdout.write(JSON.stringify(measure(values.child as Mode, path, values.halves!)));
} else {
  const runs = Number(values.runs ?? 3);
  const script = fileURLToPath(import.meta.url);
  const folder = mkdtempSync(join(tmpdir(), 'c2llm-index-build-'));
  try {
    writeHalves(path, folder);
    for (const mode of ['build', 'merge'] as const) {
      const results: Run[] = [];
      for (let r = 0; r < runs; r++) {
        const child = spawnSync(process.execPath, [script, path, '--child', mode, '--halves', folder], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (child.status !== 0) throw new Error(`${mode} run failed:\n${child.stderr}`);
        const run = JSON.parse(child.stdout) as Run;
        results.push(run);
        console.log(`${mode} run ${r + 1}: ${run.ms.toFixed(0)} ms, peak RSS +${run.rssGrowthMb.toFixed(0)} MB, ${run.chunks} chunks, ${run.postings} postings, sha256 ${run.sha256.slice(0, 16)}`);
      }
      console.log(`${mode}: median ${median(results.map((r) => r.ms)).toFixed(0)} ms, peak RSS +${median(results.map((r) => r.rssGrowthMb)).toFixed(0)} MB`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
