/**
 * The plain TypeScript forward pass (the `reference` device): the same math as the GPU path, composed from each kernel
 * module's CPU reference, one sequence at a time, with weights widened to f32. It is the oracle of the
 * kernel tests and the fallback where no WebGPU adapter exists; it is readable, not fast. Its linear
 * layers, 90% of its time, run in WebAssembly SIMD where the runtime has it (matmul-wasm.ts, the search
 * box's queries), else in matmulReference's loops (`plainLoops` asks for those).
 */
import { attentionReference } from '../kernels/attention';
import { embeddingReference } from '../kernels/embedding';
import { matmulReference, type CpuMatmul } from '../kernels/matmul';
import { wasmMatmul } from '../kernels/matmul-wasm';
import { layerNormReference, rmsNormReference } from '../kernels/norms';
import { pmaAttentionReference } from '../kernels/pma-attention';
import { ropeReference, ropeTable } from './rope';
import type { BackendStats, EmbeddingBackend } from './backend';
import type { Checkpoint, PmaWeights } from './checkpoint';
import { PMA_LAYER_NORM_EPS, type ModelConfig } from './config';
import { concat, tensorValues } from '../tensor/tensor-values';
import type { TraceStep } from './trace';

/** Debug mode: receives each step's output as it is computed (model/trace.ts). */
type OnStep = (step: TraceStep) => void;

const f32 = tensorValues;

/** Rows of a and b ([rows, cols] each) alternated: a0, b0, a1, b1, ... */
function interleaveRows(a: Float32Array, b: Float32Array, cols: number): Float32Array {
  const out = new Float32Array(a.length + b.length);
  for (let r = 0; r < a.length / cols; r++) {
    out.set(a.subarray(r * cols, (r + 1) * cols), 2 * r * cols);
    out.set(b.subarray(r * cols, (r + 1) * cols), (2 * r + 1) * cols);
  }
  return out;
}

interface CpuLayer {
  readonly inputNorm: Float32Array;
  readonly qkvWeight: Float32Array;
  readonly qkvBias: Float32Array;
  readonly oWeight: Float32Array;
  readonly postNorm: Float32Array;
  /** gate and up rows interleaved, as the GPU holds them. */
  readonly gateUp: Float32Array;
  readonly down: Float32Array;
}

export class ReferenceModel implements EmbeddingBackend {
  readonly device = 'reference' as const;
  readonly description: string;
  /** The linear layers: WASM SIMD, or matmulReference's loops. */
  private readonly matmul: CpuMatmul;
  readonly dim: number;
  private readonly table: Float32Array;
  private readonly layers: readonly CpuLayer[];
  private readonly finalNorm: Float32Array;
  private readonly pma: CpuPmaWeights;
  private ropeCache: Float32Array = new Float32Array(0);
  private ropeLength = 0;

  private readonly config: ModelConfig;

  constructor(checkpoint: Checkpoint, { plainLoops = false }: { plainLoops?: boolean } = {}) {
    const { weights, config } = checkpoint;
    this.config = config;
    const simd = plainLoops ? undefined : wasmMatmul();
    this.matmul = simd ?? matmulReference;
    this.description = simd ? 'TypeScript reference (CPU; linear layers in WASM SIMD)' : 'TypeScript reference (CPU)';
    this.dim = config.compressedDim;
    this.table = f32(weights.embedTokens);
    this.layers = weights.layers.map((l) => ({
      inputNorm: f32(l.inputNorm),
      qkvWeight: concat([f32(l.qWeight), f32(l.kWeight), f32(l.vWeight)]),
      qkvBias: concat([f32(l.qBias), f32(l.kBias), f32(l.vBias)]),
      oWeight: f32(l.oWeight),
      postNorm: f32(l.postNorm),
      gateUp: interleaveRows(f32(l.gate), f32(l.up), config.hiddenSize),
      down: f32(l.down),
    }));
    this.finalNorm = f32(weights.finalNorm);
    this.pma = widenPmaWeights(weights.pma, config);
  }

  readonly stats: BackendStats = { passes: 0, tokens: 0, dispatches: 0, submits: 0 };

  async embed(sequences: readonly Uint32Array[]): Promise<Float32Array[]> {
    this.stats.passes += sequences.length;
    this.stats.tokens += sequences.reduce((n, ids) => n + ids.length, 0);
    return sequences.map((ids) => this.embedOne(ids));
  }

  dispose(): void {}

  /** Debug mode: every step of the forward pass over `ids`, named as GpuModel.trace names them. */
  trace(ids: Uint32Array): TraceStep[] {
    const steps: TraceStep[] = [];
    this.embedOne(ids, (step) => steps.push({ ...step, values: step.values.slice() }));
    return steps;
  }

  private rope(length: number): Float32Array {
    if (length > this.ropeLength) {
      const { headDim, ropeTheta } = this.config;
      this.ropeCache = ropeTable(length, headDim, ropeTheta);
      this.ropeLength = length;
    }
    return this.ropeCache;
  }

  private embedOne(ids: Uint32Array, onStep?: OnStep): Float32Array {
    const { hiddenSize: h, numHeads, numKvHeads, headDim, intermediateSize: inter, rmsNormEps: eps } = this.config;
    const t = ids.length;
    const qkvCols = (numHeads + 2 * numKvHeads) * headDim;
    const step = (name: string, cols: number, values: Float32Array, rows = t) => onStep?.({ name, rows, cols, values });
    const hidden = embeddingReference(this.table, h, ids);
    step('embedding', h, hidden);
    const seqStart = new Uint32Array(t);
    const positions = Uint32Array.from({ length: t }, (_, i) => i);
    const table = this.rope(t);
    for (const [i, layer] of this.layers.entries()) {
      let x = rmsNormReference(hidden, layer.inputNorm, t, h, eps);
      step(`layer${i}.input_norm`, h, x);
      const qkv = this.matmul(x, layer.qkvWeight, t, qkvCols, h, { bias: true, relu: false, accumulate: false, biasValues: layer.qkvBias });
      ropeReference(qkv, positions, table, { tokens: t, rotatedHeads: numHeads + numKvHeads, headDim, rowStride: qkvCols });
      step(`layer${i}.qkv`, qkvCols, qkv);
      const attn = attentionReference(qkv, seqStart, { tokens: t, heads: numHeads, kvHeads: numKvHeads, headDim });
      step(`layer${i}.attention`, numHeads * headDim, attn);
      this.matmul(attn, layer.oWeight, t, h, numHeads * headDim, { bias: false, relu: false, accumulate: true, into: hidden });
      step(`layer${i}.o`, h, hidden);
      x = rmsNormReference(hidden, layer.postNorm, t, h, eps);
      step(`layer${i}.post_norm`, h, x);
      const gated = this.matmul(x, layer.gateUp, t, 2 * inter, h, { bias: false, relu: false, accumulate: false, swiglu: true });
      step(`layer${i}.gate_up`, inter, gated);
      this.matmul(gated, layer.down, t, h, inter, { bias: false, relu: false, accumulate: true, into: hidden });
      step(`layer${i}.down`, h, hidden);
    }
    const final = rmsNormReference(hidden, this.finalNorm, t, h, eps);
    step('final_norm', h, final);
    return pmaHead(this.pma, this.config, final, t, onStep, this.matmul);
  }
}

export type CpuPmaWeights = Record<'seed' | 'query' | 'kvWeight' | 'kvBias' | 'oWeight' | 'oBias' | 'ln0Weight' | 'ln0Bias' | 'ln1Weight' | 'ln1Bias', Float32Array>;

/** The PMA head's weights widened to f32, with the input-independent query fc_q(S) precomputed. */
export function widenPmaWeights(pma: PmaWeights, config: ModelConfig): CpuPmaWeights {
  const d = config.compressedDim;
  const seed = f32(pma.seed);
  return {
    seed,
    query: matmulReference(seed, f32(pma.qWeight), 1, d, d, { bias: true, relu: false, accumulate: false, biasValues: f32(pma.qBias) }),
    kvWeight: concat([f32(pma.kWeight), f32(pma.vWeight)]),
    kvBias: concat([f32(pma.kBias), f32(pma.vBias)]),
    oWeight: f32(pma.oWeight),
    oBias: f32(pma.oBias),
    ln0Weight: f32(pma.ln0Weight),
    ln0Bias: f32(pma.ln0Bias),
    ln1Weight: f32(pma.ln1Weight),
    ln1Bias: f32(pma.ln1Bias),
  };
}

/** The PMA head over the t final hidden states of one sequence (t = 0 for an empty text: the seed alone). */
export function pmaHead(p: CpuPmaWeights, config: ModelConfig, final: Float32Array, t: number, onStep?: OnStep, matmul: CpuMatmul = matmulReference): Float32Array {
  const { hiddenSize: h, compressedDim: d, pmaHeads } = config;
  const kv = matmul(final, p.kvWeight, t, 2 * d, h, { bias: true, relu: false, accumulate: false, biasValues: p.kvBias });
  if (t > 0) onStep?.({ name: 'pma.kv', rows: t, cols: 2 * d, values: kv });
  const attended = pmaAttentionReference(p.query, p.seed, kv, [0], [t], { sequences: 1, heads: pmaHeads, dim: d });
  onStep?.({ name: 'pma.attention', rows: 1, cols: d, values: attended });
  const o = layerNormReference(attended, p.ln0Weight, p.ln0Bias, 1, d, PMA_LAYER_NORM_EPS, false);
  onStep?.({ name: 'pma.ln0', rows: 1, cols: d, values: o });
  const withFeedForward = matmul(o, p.oWeight, 1, d, d, { bias: true, relu: true, accumulate: true, biasValues: p.oBias, into: o.slice() });
  onStep?.({ name: 'pma.fc_o', rows: 1, cols: d, values: withFeedForward });
  const embedding = layerNormReference(withFeedForward, p.ln1Weight, p.ln1Bias, 1, d, PMA_LAYER_NORM_EPS, true);
  onStep?.({ name: 'pma.ln1', rows: 1, cols: d, values: embedding });
  return embedding;
}
