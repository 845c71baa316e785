/**
 * `npm run bench:index-open`: what a large index costs `c2llm search` to open. For each index file, runs
 * interleaved (one of each file, then again): `c2llm search` end to end in a process of its own (read
 * the file, decode it, load the bundled model, embed the query, search, print) with its peak resident
 * memory, and decodeIndex alone in this process; medians of --runs. Without --index, the 8 NL
 * validation codebases copied to --chunks chunks (validation-index.ts, replicate.ts), written in this
 * version's format to .bench/; with --index, the files named, say one written by an earlier version of
 * the format beside the same index written by this one. Writes bench/results/index-open.json.
 *
 *   npm run bench:index-open -- [--chunks 100000] [--runs 5] [--index a.c2idx,b.c2idx]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeIndex, encodeIndex } from '../src/search/index-file';
import { percentile } from './ann-measure';
import { replicated } from './replicate';
import { validationIndex } from './validation-index';

const QUERY = 'parse the command line flags';

const { values } = parseArgs({ options: { chunks: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' }, index: { type: 'string' } } });
const runs = Number(values.runs);

async function indexFiles(): Promise<string[]> {
  if (values.index) return values.index.split(',');
  const path = `.bench/open-${values.chunks}.c2idx`;
  mkdirSync('.bench', { recursive: true });
  writeFileSync(path, encodeIndex(replicated(await validationIndex(), Number(values.chunks))));
  return [path];
}

/** One `c2llm search` in a process of its own: wall seconds and peak resident MB (peak-memory.mjs). */
function cliSearch(path: string): { seconds: number; residentMb: number } {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', './bench/peak-memory.mjs', 'bin/c2llm.js', 'search', '--index', path, '--query', QUERY, '--k', '10'], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`c2llm search --index ${path} failed:\n${child.stderr}`);
  const rss = /maxRSS (\d+)/.exec(child.stderr);
  return { seconds, residentMb: Number(rss?.[1]) / 1024 };
}

const files = await indexFiles();
const samples = new Map(files.map((f) => [f, { cli: [] as number[], resident: [] as number[], decode: [] as number[] }]));
for (let run = 0; run < runs; run++) {
  for (const file of files) {
    const s = samples.get(file)!;
    const { seconds, residentMb } = cliSearch(file);
    s.cli.push(seconds);
    s.resident.push(residentMb);
    const bytes = new Uint8Array(readFileSync(file));
    const started = performance.now();
    decodeIndex(file, bytes);
    s.decode.push((performance.now() - started) / 1000);
  }
}
const results = files.map((file) => {
  const s = samples.get(file)!;
  const bytes = new Uint8Array(readFileSync(file));
  return {
    file,
    formatVersion: new DataView(bytes.buffer).getUint32(8, true),
    megabytes: statSync(file).size / 1e6,
    chunks: decodeIndex(file, bytes).chunks.length,
    cliSearchSeconds: percentile(s.cli, 0.5),
    cliPeakResidentMb: percentile(s.resident, 0.5),
    decodeSeconds: percentile(s.decode, 0.5),
  };
});
for (const r of results) {
  console.log(`${r.file} (version ${r.formatVersion}, ${r.chunks} chunks, ${r.megabytes.toFixed(0)} MB): c2llm search ${r.cliSearchSeconds.toFixed(2)} s, peak ${r.cliPeakResidentMb.toFixed(0)} MB; decodeIndex ${r.decodeSeconds.toFixed(3)} s (medians of ${runs})`);
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/index-open.json', `${JSON.stringify({ date: new Date().toISOString(), query: QUERY, runs, results }, null, 2)}\n`);
