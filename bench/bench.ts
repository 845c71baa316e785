/**
 * `npm run bench`: tokens per second of each engine on C2LLM-0.5B's shapes (random weights, a chosen
 * layer count), side by side in one run, as medians of several runs, with ratios against the baseline.
 *
 *   engines   webgpu  this engine's WGSL kernels (Dawn, on this machine's Vulkan driver)
 *             cpu     this engine's CPU backend (the TypeScript-built ONNX graph on onnxruntime-node)
 *             cpu-int8  the same with int8 linear layers (--dtype int8)
 *             ort     baseline: plain onnxruntime-node running the same graph on prepared inputs
 *   workloads 1x128, 8x512, 1x2048, and a code-corpus mix (24 chunks of 30-600 tokens)
 *
 * Flags: --layers N (2) --runs N (3) --engines webgpu,cpu,ort --workloads 8x512,... --budget S (seconds per engine and
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
import { graphInputs, measure, median, plainSessionEmbed, resultTable, type EngineResult } from './measure';
import { C2LLM_05B, writeRandomCheckpoint } from './random-checkpoint';

const { values: flags } = parseArgs({
  options: {
    layers: { type: 'string', default: '2' },
    runs: { type: 'string', default: '3' },
    engines: { type: 'string', default: 'webgpu,cpu,cpu-int8,ort' },
    budget: { type: 'string', default: '120' },
    out: { type: 'string', default: '.bench/results.json' },
    workloads: { type: 'string' },
  },
});
const layers = Number(flags.layers);
const runs = Number(flags.runs);
const budgetSeconds = Number(flags.budget);
const engines = flags.engines!.split(',');

const log = (s: string) => process.stderr.write(`${s}\n`);
const measureOptions = { runs, budgetSeconds, log, workloads: flags.workloads?.split(',') };

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
    const embed = plainSessionEmbed<ort.Tensor>(
      (feeds) => session.run(feeds),
      (ids) => graphInputs(checkpoint, ids, (data, dims) => new ort.Tensor('float32', data, dims)),
    );
    results.push(await measure('ort', 'onnxruntime-node (plain session)', start, embed, measureOptions));
    await session.release();
  }
  for (const engine of engines.filter((e) => e !== 'ort')) {
    log(engine === 'webgpu' ? 'webgpu (this engine, WGSL on Dawn)' : `${engine} (this engine, onnxruntime-node backend)`);
    const start = performance.now();
    const embedder = await Embedder.load(directorySource(dir), {
      device: engine === 'webgpu' ? 'webgpu' : 'cpu',
      dtype: engine === 'cpu-int8' ? 'int8' : 'auto',
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
    const result = await measure(engine, backend.description, start, (seqs) => backend.embed(seqs), measureOptions);
    result.extra = extra();
    results.push(result);
    embedder.dispose();
  }
  const matmul = engines.includes('webgpu') && gpu ? await matmulGflops(gpu) : undefined;

  const table = resultTable(results, 'ort');
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
