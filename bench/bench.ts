/**
 * `npm run bench`: tokens per second of each engine on C2LLM-0.5B's shapes (random weights, a chosen
 * layer count), side by side in one run, as medians of several runs, with ratios against the baseline.
 *
 *   engines   webgpu  this engine's WGSL kernels (Dawn, on this machine's Vulkan driver)
 *             cpu     this engine's CPU backend (the TypeScript-built ONNX graph on onnxruntime-node)
 *             ort     baseline: plain onnxruntime-node running the same graph on prepared inputs
 *   workloads 1x128, 8x512, 1x2048, and a code-corpus mix (24 chunks of 30-600 tokens)
 *
 * Flags: --layers N (2) --runs N (3) --engines webgpu,cpu,ort --budget S (seconds per engine and
 * workload; workloads estimated to take longer are skipped and say so) --out FILE (.bench/results.json)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { Embedder } from '../src/embedder';
import { acquireGpu } from '../src/gpu/device';
import { PipelineCache } from '../src/gpu/pipelines';
import { PassRecorder } from '../src/gpu/recorder';
import { matmulSpec, recordMatmul } from '../src/kernels/matmul';
import { uploadF32, uploadMatrix } from '../src/kernels/weights';
import { loadCheckpoint } from '../src/model/checkpoint';
import { GpuModel } from '../src/model/gpu-model';
import { createNodeGpu } from '../src/node/dawn';
import { directorySource } from '../src/node/fs-source';
import { buildC2llmGraph } from '../src/onnx/c2llm-graph';
import { ropeTable } from '../src/kernels/rope';
import { widenToF32 } from '../src/model/dtype';
import { C2LLM_05B, writeRandomCheckpoint } from './random-checkpoint';

const { values: flags } = parseArgs({
  options: {
    layers: { type: 'string', default: '2' },
    runs: { type: 'string', default: '3' },
    engines: { type: 'string', default: 'webgpu,cpu,ort' },
    budget: { type: 'string', default: '120' },
    out: { type: 'string', default: '.bench/results.json' },
  },
});
const layers = Number(flags.layers);
const runs = Number(flags.runs);
const budgetSeconds = Number(flags.budget);
const engines = flags.engines!.split(',');

function lengths(seed: number, count: number, min: number, max: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return min + (state % (max - min + 1));
  });
}

const WORKLOADS: Record<string, number[]> = {
  '1x128': [128],
  '8x512': Array(8).fill(512),
  '1x2048': [2048],
  'corpus mix': lengths(7, 24, 30, 600),
};

function sequences(lens: number[], seed: number): Uint32Array[] {
  let state = seed;
  return lens.map((n) =>
    Uint32Array.from({ length: n }, () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % 151643;
    }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (s: string) => process.stderr.write(`${s}\n`);

type Embed = (seqs: Uint32Array[]) => Promise<unknown>;
interface EngineResult {
  engine: string;
  description: string;
  firstEmbeddingMs: number;
  workloads: Record<string, { tokensPerSecond: number | null; runs: number[]; note?: string }>;
  extra: Record<string, unknown>;
}

async function measure(engine: string, description: string, start: number, embed: Embed, extra: () => Record<string, unknown>): Promise<EngineResult> {
  await embed(sequences([16], 1));
  const firstEmbeddingMs = performance.now() - start;
  const result: EngineResult = { engine, description, firstEmbeddingMs, workloads: {}, extra: {} };
  let secondsPerToken = 0;
  for (const [name, lens] of Object.entries(WORKLOADS)) {
    const tokens = lens.reduce((a, b) => a + b, 0);
    const estimate = secondsPerToken * tokens * (runs + 1);
    if (estimate > budgetSeconds) {
      result.workloads[name] = { tokensPerSecond: null, runs: [], note: `skipped: about ${estimate.toFixed(0)} s for ${runs} runs` };
      log(`  ${engine} ${name}: skipped (estimated ${estimate.toFixed(0)} s)`);
      continue;
    }
    const seqs = sequences(lens, 99);
    const warm = performance.now();
    await embed(seqs);
    secondsPerToken = Math.max(secondsPerToken, (performance.now() - warm) / 1000 / tokens);
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      await embed(seqs);
      rates.push(tokens / ((performance.now() - t0) / 1000));
    }
    result.workloads[name] = { tokensPerSecond: median(rates), runs: rates };
    log(`  ${engine} ${name}: ${median(rates).toFixed(1)} tokens/s (runs ${rates.map((r) => r.toFixed(1)).join(', ')})`);
  }
  result.extra = extra();
  return result;
}

/** GFLOP/s of the bf16 matmul kernel at the MLP's gate|up shape (M tokens x 2*4864 x 896), per workgroup shape. */
async function matmulGflops(gpu: GPU): Promise<Array<{ shape: string; workgroup: string; gflops: number }>> {
  const ctx = await acquireGpu(gpu);
  const [m, n, k] = [256, 2 * C2LLM_05B.intermediate, C2LLM_05B.hidden];
  const bytes = new Uint8Array(n * k * 2);
  const weight = uploadMatrix(ctx.device, 'bench_w', [{ name: 'w', dtype: 'BF16', shape: [n, k], bytes, file: 'bench' }], ctx.limits.maxStorageBufferBindingSize);
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
  const x = uploadF32(ctx.device, 'x', new Float32Array(m * k).fill(0.5), usage);
  const out = uploadF32(ctx.device, 'y', new Float32Array(m * n), usage);
  const cache = new PipelineCache(ctx.device);
  const results = [];
  for (const workgroup of [[16, 4], [8, 8], [64, 1], [4, 16]] as const) {
    const kernel = await cache.get(matmulSpec('BF16', { bias: false, relu: false, accumulate: false }, workgroup));
    const times: number[] = [];
    for (let r = 0; r < runs + 1; r++) {
      const rec = new PassRecorder(ctx.device, ctx.limits.minUniformBufferOffsetAlignment, ctx.limits.maxComputeWorkgroupsPerDimension, 'bench');
      recordMatmul(rec, kernel, { x, weight, bias: x, out, m });
      const t0 = performance.now();
      rec.submit({ dispatches: 0, submits: 0 });
      await ctx.device.queue.onSubmittedWorkDone();
      if (r > 0) times.push(performance.now() - t0);
    }
    results.push({ shape: `${m}x${n}x${k} bf16`, workgroup: workgroup.join('x'), gflops: (2 * m * n * k) / (median(times) / 1000) / 1e9 });
    log(`  matmul ${workgroup.join('x')}: ${results.at(-1)!.gflops.toFixed(2)} GFLOP/s`);
  }
  ctx.destroy();
  return results;
}

async function main() {
  const dir = writeRandomCheckpoint(join('.bench', `c2llm-0.5b-shapes-${layers}-layers`), layers, join('fixtures', 'small-bf16-gqa2'));
  log(`checkpoint: ${dir} (C2LLM-0.5B shapes, ${layers} layers, random bf16); ${runs} runs per workload; ${cpus().length} cores`);
  const results: EngineResult[] = [];
  const gpu = await createNodeGpu();

  if (engines.includes('ort')) {
    log('ort (baseline: onnxruntime-node on the same graph, inputs prepared outside the timing)');
    const start = performance.now();
    const checkpoint = await loadCheckpoint(directorySource(dir));
    const session = await ort.InferenceSession.create(buildC2llmGraph(checkpoint), { graphOptimizationLevel: 'all' });
    const { headDim: hd } = checkpoint.config;
    const table = ropeTable(2048, hd, checkpoint.config.ropeTheta);
    const inputsFor = (ids: Uint32Array) => {
      const t = ids.length;
      const h = C2LLM_05B.hidden;
      const hidden = widenToF32(checkpoint.weights.embedTokens.bytes.subarray(0, t * h * 2), 'BF16');
      const cos = new Float32Array(t * hd).map((_, i) => table[(Math.floor(i / hd) * (hd / 2) + (i % (hd / 2))) * 2]);
      const sin = new Float32Array(t * hd).map((_, i) => table[(Math.floor(i / hd) * (hd / 2) + (i % (hd / 2))) * 2 + 1]);
      const mask = new Float32Array(t * t);
      for (let i = 0; i < t; i++) mask.fill(-Infinity, i * t + i + 1, (i + 1) * t);
      return { hidden: new ort.Tensor('float32', hidden, [t, h]), cos: new ort.Tensor('float32', cos, [t, 1, hd]), sin: new ort.Tensor('float32', sin, [t, 1, hd]), mask: new ort.Tensor('float32', mask, [t, t]) };
    };
    const prepared = new Map<Uint32Array, ReturnType<typeof inputsFor>>();
    const embed: Embed = async (seqs) => {
      for (const s of seqs) if (!prepared.has(s)) prepared.set(s, inputsFor(s));
      const t0 = performance.now();
      for (const s of seqs) await session.run(prepared.get(s)!);
      return performance.now() - t0;
    };
    results.push(await measure('ort', 'onnxruntime-node (plain session)', start, embed, () => ({})));
    await session.release();
  }
  for (const engine of engines.filter((e) => e !== 'ort')) {
    log(engine === 'webgpu' ? 'webgpu (this engine, WGSL on Dawn)' : 'cpu (this engine, onnxruntime-node backend)');
    const start = performance.now();
    const embedder = await Embedder.load(directorySource(dir), {
      device: engine as 'webgpu' | 'cpu',
      gpu,
      ort: async () => ({ module: ort, runtime: 'onnxruntime-node' }),
    });
    const backend = embedder.backend;
    const extra = () => {
      if (!(backend instanceof GpuModel)) return {};
      const { dispatches, submits } = backend.lastPass;
      return {
        dispatchesPerPass: dispatches,
        dispatchesPerLayer: (dispatches - 7) / layers,
        submitsPerPass: submits,
        peakGpuMemoryMiB: backend.context.memory.peak / 2 ** 20,
        weightMiB: backend.weightLayout.bytes / 2 ** 20,
        paddingShare: 0,
      };
    };
    results.push(await measure(engine, backend.description, start, (seqs) => backend.embed(seqs), extra));
    embedder.dispose();
  }
  const matmul = engines.includes('webgpu') && gpu ? await matmulGflops(gpu) : undefined;

  const baseline = results.find((r) => r.engine === 'ort');
  const names = Object.keys(WORKLOADS);
  const lines = [
    `| engine | ${names.join(' | ')} | first embedding |`,
    `|---|${names.map(() => '---').join('|')}|---|`,
    ...results.map((r) => {
      const cells = names.map((n) => {
        const v = r.workloads[n].tokensPerSecond;
        if (v === null) return 'skipped';
        const base = baseline?.workloads[n].tokensPerSecond;
        return base && r !== baseline ? `${v.toFixed(1)} (${(v / base).toFixed(2)}x)` : v.toFixed(1);
      });
      return `| ${r.description} | ${cells.join(' | ')} | ${(r.firstEmbeddingMs / 1000).toFixed(2)} s |`;
    }),
  ];
  const table = lines.join('\n');
  const report = { date: new Date().toISOString(), cores: cpus().length, cpu: cpus()[0]?.model, layers, runs, results, matmul };
  mkdirSync('.bench', { recursive: true });
  writeFileSync(flags.out!, JSON.stringify(report, null, 2));
  console.log(`C2LLM-0.5B shapes, ${layers} layers, tokens/s (median of ${runs}; ratio to the onnxruntime-node baseline)\n`);
  console.log(table);
  for (const r of results) if (Object.keys(r.extra).length) console.log(`\n${r.description}: ${JSON.stringify(r.extra)}`);
  for (const m of matmul ?? []) console.log(`matmul kernel, workgroup ${m.workgroup}: ${m.gflops.toFixed(2)} GFLOP/s at ${m.shape}`);
  console.log(`\nresults: ${flags.out}`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
