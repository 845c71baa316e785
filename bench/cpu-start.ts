/**
 * `npm run bench:cpu-start`: the cpu device's start on C2LLM-0.5B's shapes (24 layers, random bf16
 * weights): time from nothing to the first embedding (one 20-token query) and the process's peak
 * resident memory, each start in a fresh Node process, for
 *   - in memory: the graph built in memory (no store, as before the graph store),
 *   - cold:      the graph built into an empty store (weights streamed to its data file),
 *   - cached:    the graph taken from the store that the cold start filled,
 *   - ort file:  onnxruntime-node alone creating a session on the stored file and running it once
 *                (the floor: what a start on a ready ONNX file costs, without loading the checkpoint).
 * Medians of --runs starts each, side by side in one run. Writes .bench/cpu-start.json.
 *
 *   npm run bench:cpu-start -- [--layers 24] [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Embedder } from '../src/embedder';
import type { GraphStore } from '../src/model/onnx-model';
import { directorySource } from '../src/node/fs-source';
import { modelFingerprint } from '../src/node/model-fingerprint';
import { nodeGraphStore } from '../src/node/onnx-graph-store';
import { writeRandomCheckpoint } from './random-checkpoint';

type Mode = 'in memory' | 'cold' | 'cached' | 'ort file';
const QUERY = 'function that parses a comma separated line of text into a list of fields';

interface Start {
  readonly seconds: number;
  readonly peakMiB: number;
}

/** One start in this process (run as a child): prints {seconds, peakMiB} as JSON. */
async function child(mode: Mode, dir: string, root: string): Promise<void> {
  const started = performance.now();
  if (mode === 'ort file') {
    const ort = await import('onnxruntime-node');
    const onnxDir = join(root, 'onnx', readdirSync(join(root, 'onnx'))[0]);
    const session = await ort.InferenceSession.create(join(onnxDir, 'model.onnx'), { graphOptimizationLevel: 'all', executionMode: 'sequential' });
    const t = 20;
    const hd = 64;
    const mask = new Float32Array(t * t);
    for (let i = 0; i < t; i++) mask.fill(-Infinity, i * t + i + 1, (i + 1) * t);
    await session.run({
      hidden: new ort.Tensor('float32', new Float32Array(t * 896), [t, 896]),
      cos: new ort.Tensor('float32', new Float32Array(t * hd).fill(1), [t, 1, hd]),
      sin: new ort.Tensor('float32', new Float32Array(t * hd), [t, 1, hd]),
      mask: new ort.Tensor('float32', mask, [t, t]),
    });
  } else {
    const graphStore: GraphStore | undefined = mode === 'in memory' ? undefined : nodeGraphStore(await modelFingerprint(dir, root), { root });
    const embedder = await Embedder.load(directorySource(dir), {
      device: 'cpu',
      ort: async () => ({ module: await import('onnxruntime-node'), runtime: 'onnxruntime-node', graphStore }),
      maxLength: 64,
    });
    const [vector] = await embedder.embed([QUERY]);
    if (!vector.every(Number.isFinite)) throw new Error('non-finite embedding');
  }
  const result: Start = { seconds: (performance.now() - started) / 1000, peakMiB: process.resourceUsage().maxRSS / 1024 };
  console.log(JSON.stringify(result));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const { values } = parseArgs({ options: { layers: { type: 'string', default: '24' }, runs: { type: 'string', default: '3' }, child: { type: 'string' }, dir: { type: 'string' }, root: { type: 'string' } } });
  if (values.child) {
    child(values.child as Mode, values.dir!, values.root!).catch((error) => {
      console.error(error);
      process.exit(1);
    });
    return;
  }
  const layers = Number(values.layers);
  const dir = writeRandomCheckpoint(join('.bench', `c2llm-0.5b-shapes-${layers}-layers`), layers, join('fixtures', 'small-bf16-gqa2'));
  const self = fileURLToPath(import.meta.url);
  const start = (mode: Mode, root: string): Start =>
    JSON.parse(execFileSync(process.execPath, [self, '--child', mode, '--dir', dir, '--root', root], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').at(-1)!);
  const runs: Record<Mode, Start[]> = { 'in memory': [], cold: [], cached: [], 'ort file': [] };
  for (let run = 0; run < Number(values.runs); run++) {
    const root = mkdtempSync(join(tmpdir(), 'c2llm-cpu-start-'));
    try {
      for (const mode of ['in memory', 'cold', 'cached', 'ort file'] as const) {
        runs[mode].push(start(mode, root));
        console.error(`run ${run + 1}: ${mode}: ${JSON.stringify(runs[mode].at(-1))}`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  console.log(`cpu device start, C2LLM-0.5B shapes, ${layers} layers, random bf16 weights; medians of ${values.runs} fresh processes\n`);
  console.log('| start | first embedding s | peak resident MiB |\n|---|---|---|');
  const rows = Object.entries(runs).map(([mode, list]) => ({ mode, seconds: median(list.map((s) => s.seconds)), peakMiB: median(list.map((s) => s.peakMiB)) }));
  for (const row of rows) console.log(`| ${row.mode} | ${row.seconds.toFixed(2)} | ${row.peakMiB.toFixed(0)} |`);
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/cpu-start.json', JSON.stringify({ date: new Date().toISOString(), layers, runs, rows }, null, 1));
}

main();
