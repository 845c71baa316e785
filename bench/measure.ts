/** The benchmark's workloads and measuring loop, shared by the Node bench and the Chromium bench page. */
import { acquireGpu } from '../src/gpu/device';
import { PipelineCache } from '../src/gpu/pipelines';
import { tuneMatmulWorkgroup } from '../src/kernels/matmul-tuning';
import { destroyMatrix, uploadMatrix } from '../src/kernels/weights';
import type { Checkpoint } from '../src/model/checkpoint';
import type { GpuModel } from '../src/model/gpu-model';
import { tokenEmbeddings } from '../src/model/onnx-model';

function lengths(seed: number, count: number, min: number, max: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return min + (state % (max - min + 1));
  });
}

export const WORKLOADS: Record<string, number[]> = {
  '1x128': [128],
  '8x512': Array(8).fill(512),
  '1x2048': [2048],
  'corpus mix': lengths(7, 12, 30, 600),
};

export function sequences(lens: number[], seed: number): Uint32Array[] {
  let state = seed;
  return lens.map((n) =>
    Uint32Array.from({ length: n }, () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % 151643;
    }),
  );
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export type Embed = (seqs: Uint32Array[]) => Promise<Float32Array[]>;

export interface EngineResult {
  engine: string;
  description: string;
  firstEmbeddingMs: number;
  /** The embedding of the first (warm-up) probe sequence: engines are checked against the baseline's. */
  probe: number[];
  workloads: Record<string, { tokensPerSecond: number | null; runs: number[]; note?: string; paddingShare?: number }>;
  /** This engine's WebGPU backend only. */
  extra?: GpuExtras;
}

export interface MeasureOptions {
  readonly runs: number;
  /** Seconds allowed per workload; one estimated to take longer is skipped and says so. */
  readonly budgetSeconds: number;
  readonly log: (line: string) => void;
  /** Only these workloads (default: all). */
  readonly workloads?: readonly string[];
  /** The workloads to choose from (default: WORKLOADS). */
  readonly workloadSet?: Record<string, number[]>;
  /** Tokens the engine has computed so far, padding included, where it can tell (for the padding share). */
  readonly computedTokens?: () => number;
}

/** Time to first embedding (from `start`), then each workload: one warm-up run and `runs` timed runs. */
export async function measure(engine: string, description: string, start: number, embed: Embed, options: MeasureOptions): Promise<EngineResult> {
  const [probe] = await embed(sequences([16], 1));
  const result: EngineResult = { engine, description, firstEmbeddingMs: performance.now() - start, probe: Array.from(probe), workloads: {} };
  let secondsPerToken = 0;
  for (const [name, lens] of Object.entries(options.workloadSet ?? WORKLOADS)) {
    if (options.workloads && !options.workloads.includes(name)) {
      result.workloads[name] = { tokensPerSecond: null, runs: [], note: 'not selected' };
      continue;
    }
    const tokens = lens.reduce((a, b) => a + b, 0);
    const estimate = secondsPerToken * tokens * (options.runs + 1);
    if (estimate > options.budgetSeconds) {
      result.workloads[name] = { tokensPerSecond: null, runs: [], note: `skipped: about ${estimate.toFixed(0)} s for ${options.runs} runs` };
      options.log(`  ${engine} ${name}: skipped (estimated ${estimate.toFixed(0)} s)`);
      continue;
    }
    const seqs = sequences(lens, 99);
    const warm = performance.now();
    await embed(seqs);
    secondsPerToken = Math.max(secondsPerToken, (performance.now() - warm) / 1000 / tokens);
    const rates: number[] = [];
    const computedBefore = options.computedTokens?.();
    for (let r = 0; r < options.runs; r++) {
      const t0 = performance.now();
      await embed(seqs);
      rates.push(tokens / ((performance.now() - t0) / 1000));
    }
    const computed = computedBefore === undefined ? undefined : options.computedTokens!() - computedBefore;
    const paddingShare = computed === undefined ? undefined : 1 - (tokens * options.runs) / computed;
    result.workloads[name] = { tokensPerSecond: median(rates), runs: rates, paddingShare };
    options.log(`  ${engine} ${name}: ${median(rates).toFixed(1)} tokens/s (runs ${rates.map((r) => r.toFixed(1)).join(', ')})`);
  }
  return result;
}

/** The exported graph's input for one sequence (its token embeddings), prepared outside the timing for the plain-onnxruntime baselines. */
export function graphInputs<T>(checkpoint: Checkpoint, ids: Uint32Array, tensor: (data: Float32Array, dims: number[]) => T): Record<string, T> {
  return { hidden: tensor(tokenEmbeddings(checkpoint.config, checkpoint.weights.embedTokens, ids), [ids.length, checkpoint.config.hiddenSize]) };
}

/** Runs a plain session over prepared inputs, one run per sequence, preparing each sequence once. */
export function plainSessionEmbed<T>(run: (feeds: Record<string, T>) => Promise<Record<string, { data: unknown }>>, prepare: (ids: Uint32Array) => Record<string, T>): Embed {
  const prepared = new Map<Uint32Array, Record<string, T>>();
  return async (seqs) => {
    for (const s of seqs) if (!prepared.has(s)) prepared.set(s, prepare(s));
    const out: Float32Array[] = [];
    for (const s of seqs) out.push(Float32Array.from((await run(prepared.get(s)!)).embedding.data as Float32Array));
    return out;
  };
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let [dot, na, nb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i] * b[i], na + a[i] * a[i], nb + b[i] * b[i]];
  return dot / Math.sqrt(na * nb);
}

/** Each engine's probe embedding against the baseline's: they must compute the same thing. */
export function probeAgreement(results: readonly EngineResult[], baselineEngine: string): string[] {
  const baseline = results.find((r) => r.engine === baselineEngine);
  if (!baseline) return [];
  return results.filter((r) => r !== baseline).map((r) => `${r.description}: cosine to ${baseline.description} on the probe text ${cosine(r.probe, baseline.probe).toFixed(6)}`);
}

export function resultTable(results: EngineResult[], baselineEngine: string): string {
  const baseline = results.find((r) => r.engine === baselineEngine);
  const names = Object.keys(results[0]?.workloads ?? WORKLOADS);
  return [
    `| engine | ${names.join(' | ')} | first embedding |`,
    `|---|${names.map(() => '---').join('|')}|---|`,
    ...results.map((r) => {
      const cells = names.map((n) => {
        const v = r.workloads[n].tokensPerSecond;
        if (v === null) return r.workloads[n].note === 'not selected' ? '-' : 'skipped';
        const base = baseline?.workloads[n].tokensPerSecond;
        return base && r !== baseline ? `${v.toFixed(1)} (${(v / base).toFixed(2)}x)` : v.toFixed(1);
      });
      return `| ${r.description} | ${cells.join(' | ')} | ${(r.firstEmbeddingMs / 1000).toFixed(2)} s |`;
    }),
  ].join('\n');
}

export interface GpuProfile {
  readonly tokens: number;
  readonly linearGflops: number;
  readonly shareByKernel: Record<string, number>;
}

export interface GpuExtras {
  readonly dispatchesPerPass: number;
  readonly dispatchesPerLayer: number;
  readonly submitsPerPass: number;
  readonly peakGpuMemoryMiB: number;
  readonly weightMiB: number;
  readonly matrixBytesPerWeight: number;
  readonly paddingShare: Record<string, number>;
  readonly profile?: GpuProfile & { bestMatmul: { shape: string; workgroup: string; gflops: number }; linearShareOfBest: number };
}

const PROFILE_TOKENS = 512;

/** Dispatches, submits, memory and padding of this engine's WebGPU backend after a measured run. */
export function gpuExtras(model: GpuModel, layers: number, result: EngineResult): GpuExtras {
  const { dispatches, submits } = model.lastPass;
  const layout = model.weightLayout;
  return {
    dispatchesPerPass: dispatches,
    dispatchesPerLayer: (dispatches - 7) / layers,
    submitsPerPass: submits,
    peakGpuMemoryMiB: model.context.memory.peak / 2 ** 20,
    weightMiB: layout.bytes / 2 ** 20,
    matrixBytesPerWeight: layout.matrixBytes / layout.matrixWeights,
    paddingShare: Object.fromEntries(Object.entries(result.workloads).flatMap(([name, w]) => (w.paddingShare === undefined ? [] : [[name, w.paddingShare] as const]))),
  };
}

/**
 * Where one forward pass of `tokens` tokens spends its time, each dispatch timed on its own: the
 * share per kernel kind, and the linear layers' achieved GFLOP/s (their flops over the matmuls' time).
 */
export async function profileGpu(model: GpuModel, tokens: number): Promise<GpuProfile> {
  await model.profile(sequences([tokens], 5));
  const { kernelMs, linearFlops } = await model.profile(sequences([tokens], 5));
  const kinds = ['matmul', 'attention_causal', 'pma_attention', 'embedding', 'rmsnorm', 'layernorm'];
  const kind = (key: string) => kinds.find((k) => key.startsWith(k)) ?? key;
  const byKind: Record<string, number> = {};
  for (const [key, ms] of Object.entries(kernelMs)) byKind[kind(key)] = (byKind[kind(key)] ?? 0) + ms;
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  const shareByKernel = Object.fromEntries(Object.entries(byKind).map(([k, ms]) => [k, Number((ms / total).toFixed(3))]));
  return { tokens, linearGflops: linearFlops / (byKind.matmul / 1000) / 1e9, shareByKernel };
}

/** The profile of one pass next to the best matmul the calibration finds on the same adapter. */
export async function profileAgainstBestMatmul(model: GpuModel, gpu: GPU, int8: boolean, runs: number, log: (line: string) => void): Promise<NonNullable<GpuExtras['profile']>> {
  log(`  profiling one pass of ${PROFILE_TOKENS} tokens`);
  const profile = await profileGpu(model, PROFILE_TOKENS);
  const calibration = await matmulCalibration(gpu, int8 ? 'I8' : 'BF16', runs, log);
  const best = calibration.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  return { ...profile, bestMatmul: best, linearShareOfBest: profile.linearGflops / best.gflops };
}

/**
 * The bench's own best matmul: the engine's workgroup tuning (kernels/matmul-tuning.ts) run on each of
 * C2LLM-0.5B's four linear shapes (qkv, o, gate|up, down at 256 rows), `dtype` weights; GFLOP/s of the
 * best of `runs` timed runs per workgroup shape.
 */
export async function matmulCalibration(gpu: GPU, dtype: 'BF16' | 'I8', runs: number, log: (line: string) => void): Promise<Array<{ shape: string; workgroup: string; gflops: number }>> {
  const ctx = await acquireGpu(gpu);
  const m = 256;
  const shapes: Array<[string, number, number]> = [['qkv', 1152, 896], ['o', 896, 896], ['gate|up', 9728, 896], ['down', 896, 4864]];
  const cache = new PipelineCache(ctx.device);
  const results = [];
  try {
    for (const [name, n, k] of shapes) {
      const bytes = Uint8Array.from({ length: n * k * 2 }, (_, i) => (i * 7919) % 251);
      const weight = uploadMatrix(ctx.device, `bench_${name}`, [{ name, dtype: 'BF16', shape: [n, k], bytes, file: 'bench' }], ctx.limits.maxStorageBufferBindingSize, { int8: dtype === 'I8' });
      const { timings } = await tuneMatmulWorkgroup(ctx, cache, weight, m, runs);
      destroyMatrix(weight);
      for (const [workgroup, ms] of Object.entries(timings)) {
        results.push({ shape: `${name} ${m}x${n}x${k} ${dtype.toLowerCase()}`, workgroup, gflops: (2 * m * n * k) / (ms / 1000) / 1e9 });
        log(`  matmul ${results.at(-1)!.shape} workgroup ${workgroup}: ${results.at(-1)!.gflops.toFixed(2)} GFLOP/s`);
      }
    }
  } finally {
    ctx.destroy();
  }
  return results;
}

/** One readable paragraph of a WebGPU engine's extras (dispatches, memory, padding, profile). */
export function describeExtras(result: EngineResult): string {
  const e = result.extra;
  if (!e) return '';
  const padding = Object.entries(e.paddingShare).map(([w, share]) => `${w} ${(share * 100).toFixed(1)}%`).join(', ');
  const lines = [
    `${result.description}: ${e.dispatchesPerPass} dispatches per pass (${e.dispatchesPerLayer} per layer), ${e.submitsPerPass} submit; ` +
      `peak GPU memory ${e.peakGpuMemoryMiB.toFixed(0)} MiB, weights ${e.weightMiB.toFixed(0)} MiB (${e.matrixBytesPerWeight.toFixed(3)} bytes per matrix weight); padding ${padding}`,
  ];
  if (e.profile) {
    const p = e.profile;
    const shares = Object.entries(p.shareByKernel).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(', ');
    lines.push(`  one ${p.tokens}-token pass: linear layers ${p.linearGflops.toFixed(2)} GFLOP/s = ${(p.linearShareOfBest * 100).toFixed(0)}% of the bench's best matmul (${p.bestMatmul.gflops.toFixed(2)} GFLOP/s, ${p.bestMatmul.shape}, workgroup ${p.bestMatmul.workgroup}); time: ${shares}`);
  }
  return lines.join('\n');
}
