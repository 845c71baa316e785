/**
 * The engine's half of the GPU machine's run (bench/gpu-machine/run.sh): C2LLM-0.5B's or C2LLM-7B's shapes
 * with random weights (written here, on that machine: no checkpoint travels), embedded by the WGSL kernels
 * on Dawn in Node (the Vulkan driver of whatever GPU there is), for the issue's four shapes of work.
 *
 *   node engine.js --out DIR [--size 0.5b|7b] [--layers N] [--runs 5] [--dtype bf16|int8] [--workloads 1x20,...] [--profile 8x512]
 *
 * --layers defaults to the model's own (24, 28). Writes DIR/engine-<size>-<dtype>.json: the adapter (info,
 * features, limits), per workload tokens/s and ms per pass (medians), dispatches and submits per pass, GPU memory, the linear layers' GFLOP/s in one profiled
 * pass, and the token ids and embeddings of fixed probe sequences, which torch_bench.py embeds with
 * PyTorch on the same weights and compares by cosine. The checkpoint is written in the int8 layout,
 * DIR/checkpoint-<size>-int8, which torch_bench.py reads, and with --dtype bf16 also as BF16 holding the
 * same values, DIR/checkpoint-<size> (bench/random-checkpoint.ts): both dtypes run one model.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Embedder } from '../../src/embedder';
import { GpuModel } from '../../src/model/gpu-model';
import { createNodeGpu } from '../../src/node/dawn';
import { directorySource } from '../../src/node/fs-source';
import { cosine, gpuExtras, measure, median, sequences } from '../measure';
import { C2LLM_SHAPES, writeBf16OfInt8, writeRandomInt8Checkpoint, type C2llmSize } from '../random-checkpoint';

/** The shapes of work: a query, one long chunk, a batch of long chunks, a batch of code chunks. */
export const GPU_WORKLOADS: Record<string, number[]> = {
  '1x20': [20],
  '1x512': [512],
  '8x512': Array(8).fill(512),
  '32x256': Array(32).fill(256),
};
/** Probe sequences (lengths) whose embeddings PyTorch checks. */
const PROBES = [20, 512];
/** The committed test checkpoints with float64 goldens (tools/make_fixtures.py): exactness on this GPU. */
const GOLDEN_CHECKPOINTS = ['fixtures/tiny-f32-gqa1', 'fixtures/small-bf16-gqa2', 'fixtures/gqa7-f16'];

/** The engine's embeddings of each golden checkpoint's texts against the float64 reference's: the lowest cosine. */
async function exactness(gpu: GPU): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const dir of GOLDEN_CHECKPOINTS) {
    const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as { tokens: number[][]; embeddings: number[][] };
    const embedder = await Embedder.load(directorySource(dir), { device: 'webgpu', gpu });
    const vectors = await embedder.backend.embed(golden.tokens.map((t) => Uint32Array.from(t)));
    out[dir] = Math.min(...vectors.map((v, i) => cosine(v, golden.embeddings[i])));
    embedder.dispose();
  }
  return out;
}

const { values: flags } = parseArgs({
  options: {
    out: { type: 'string' },
    size: { type: 'string', default: '0.5b' },
    layers: { type: 'string' },
    runs: { type: 'string', default: '5' },
    dtype: { type: 'string', default: 'bf16' },
    tokenizer: { type: 'string', default: 'fixtures/small-bf16-gqa2' },
    workloads: { type: 'string', default: Object.keys(GPU_WORKLOADS).join(',') },
    profile: { type: 'string', default: '8x512' },
  },
});
const log = (s: string) => process.stderr.write(`${s}\n`);

async function adapterReport(gpu: GPU) {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter: Dawn found no Vulkan driver (set VK_DRIVER_FILES to the GPU\'s ICD)');
  const { vendor, architecture, device, description } = adapter.info;
  const limits: Record<string, number> = {};
  for (const key in adapter.limits) limits[key] = Number((adapter.limits as unknown as Record<string, number>)[key]);
  return { info: { vendor, architecture, device, description }, features: [...adapter.features].sort(), limits };
}

async function main() {
  if (!flags.out) throw new Error('--out DIR is required');
  if (!['bf16', 'int8'].includes(flags.dtype!)) throw new Error(`--dtype: bf16 or int8, not ${flags.dtype}`);
  if (!(flags.size! in C2LLM_SHAPES)) throw new Error(`--size: ${Object.keys(C2LLM_SHAPES).join(' or ')}, not ${flags.size}`);
  const size = flags.size as C2llmSize;
  const layers = Number(flags.layers ?? C2LLM_SHAPES[size].layers);
  const runs = Number(flags.runs);
  mkdirSync(flags.out, { recursive: true });
  const gpu = await createNodeGpu();
  if (!gpu) throw new Error('Dawn (npm webgpu) could not be loaded');
  const adapter = await adapterReport(gpu);
  log(`adapter: ${JSON.stringify(adapter.info)}; features: ${adapter.features.join(', ')}`);

  const exact = await exactness(gpu);
  log(`against the float64 goldens, lowest cosine: ${JSON.stringify(exact)}`);

  const started = performance.now();
  const int8Dir = writeRandomInt8Checkpoint(join(flags.out, `checkpoint-${size}-int8`), layers, flags.tokenizer!, size);
  const dir = flags.dtype === 'int8' ? int8Dir : writeBf16OfInt8(join(flags.out, `checkpoint-${size}`), layers, flags.tokenizer!, size);
  const writeSeconds = (performance.now() - started) / 1000;
  log(`checkpoint ${dir}: C2LLM-${size}'s shapes, ${layers} layers, written in ${writeSeconds.toFixed(1)} s`);

  const loadStart = performance.now();
  const embedder = await Embedder.load(directorySource(dir), { device: 'webgpu', dtype: flags.dtype === 'int8' ? 'int8' : 'auto', gpu });
  const model = embedder.backend;
  if (!(model instanceof GpuModel)) throw new Error(`the engine chose ${model.description}, not WebGPU`);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const result = await measure('webgpu', model.description, loadStart, (seqs) => model.embed(seqs), {
    runs, budgetSeconds: 120, log, workloadSet: GPU_WORKLOADS, workloads: flags.workloads!.split(','), computedTokens: () => model.stats.tokens,
  });
  const msPerPass = Object.fromEntries(Object.entries(result.workloads).map(([name, w]) => {
    const tokens = GPU_WORKLOADS[name].reduce((a, b) => a + b, 0);
    return [name, w.tokensPerSecond === null ? null : median(w.runs.map((rate) => (tokens / rate) * 1000))];
  }));
  const passStats: Record<string, { dispatches: number; submits: number }> = {};
  for (const [name, lens] of Object.entries(GPU_WORKLOADS).filter(([name]) => result.workloads[name].tokensPerSecond !== null)) {
    await model.embed(sequences(lens, 99));
    passStats[name] = { dispatches: model.lastPass.dispatches, submits: model.lastPass.submits };
  }
  // One profiled pass of --profile's workload (each dispatch timed on its own), or of 1x512 where it does not fit one pass.
  let profileSeqs = sequences(GPU_WORKLOADS[flags.profile!], 5);
  await model.profile(profileSeqs).catch(() => (profileSeqs = sequences(GPU_WORKLOADS['1x512'], 5)));
  const { kernelMs, linearFlops } = await model.profile(profileSeqs);
  const matmulMs = Object.entries(kernelMs).filter(([k]) => k.startsWith('matmul')).reduce((a, [, ms]) => a + ms, 0);
  const totalMs = Object.values(kernelMs).reduce((a, b) => a + b, 0);
  const probes = sequences(PROBES, 1);
  const embeddings = await model.embed(probes);
  const report = {
    date: new Date().toISOString(), size, layers, runs, dtype: flags.dtype, adapter, exactness: exact, writeSeconds, loadSeconds,
    description: model.description, firstEmbeddingMs: result.firstEmbeddingMs,
    workloads: Object.fromEntries(Object.entries(result.workloads).map(([name, w]) => [name, { ...w, msPerPass: msPerPass[name], ...passStats[name] }])),
    extras: gpuExtras(model, layers, result),
    profile: {
      sequences: profileSeqs.length, tokens: profileSeqs.reduce((a, s) => a + s.length, 0), linearGflops: linearFlops / (matmulMs / 1000) / 1e9, matmulShare: matmulMs / totalMs,
      kernelMs: Object.fromEntries(Object.entries(kernelMs).map(([k, ms]) => [k, Number(ms.toFixed(4))])),
    },
    probes: probes.map((ids, i) => ({ ids: Array.from(ids), embedding: Array.from(embeddings[i]) })),
  };
  const file = join(flags.out, `engine-${size}-${flags.dtype}.json`);
  writeFileSync(file, JSON.stringify(report));
  log(`written ${file}`);
  embedder.dispose();
  process.exit(0);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
