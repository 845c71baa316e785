/**
 * The C2LLM forward pass on WebGPU. A forward pass packs a group of sequences (no padding), records
 * every dispatch into one command encoder, submits once and reads the embeddings back once. The
 * weights (gpu-weights.ts) are uploaded once in their stored dtype; every kernel (gpu-kernels.ts) is
 * compiled before the first request.
 *
 * Per layer, 7 dispatches: rmsnorm -> qkv matmul (+bias, then RoPE on q and k, their rows reordered
 * into rotate-half pairs) -> attention -> o matmul (+= residual) -> rmsnorm -> gate|up matmul with the
 * SwiGLU epilogue (gate and up rows interleaved) -> down matmul (+= residual); the MLP runs in row
 * chunks when its activations would pass the storage-binding limit. Then the final rmsnorm and the PMA head.
 */
import { InputError } from '../errors';
import { withErrorScopes, type GpuContext } from '../gpu/device';
import { PipelineCache } from '../gpu/pipelines';
import { PassRecorder, type CapturedStep } from '../gpu/recorder';
import { recordAttention } from '../kernels/attention';
import { recordEmbedding } from '../kernels/embedding';
import { recordMatmul, type MatmulEpilogue } from '../kernels/matmul';
import type { Workgroup } from '../kernels/matmul-tuning';
import { recordLayerNorm, recordRmsNorm } from '../kernels/norms';
import { recordPmaAttention } from '../kernels/pma-attention';
import { destroyMatrix, uploadF32, uploadVector, vec4Aligned, type WeightMatrix } from '../kernels/weights';
import type { BackendStats, EmbeddingBackend, GpuBackendInfo } from './backend';
import type { OpenCheckpoint } from './checkpoint';
import { PMA_LAYER_NORM_EPS, type ModelConfig } from './config';
import { BIAS, BIAS_RELU_RESIDUAL, Kernels, qkvEpilogue, RESIDUAL, SWIGLU } from './gpu-kernels';
import { activationUsage, destroyWeights, uploadWeights, weightLayout, type GpuWeights, type PmaQueryInputs, type WeightLayout } from './gpu-weights';
import { packSequences, splitByTokens, type PackedBatch } from './packing';
import { rotaryPairOrder } from './rope';
import type { StageCallback } from '../progress';

export interface GpuModelOptions {
  /** Longest sequence the model will be asked to embed (sizes the RoPE table). */
  readonly maxLength: number;
  /** Caps every storage binding below the adapter's limit (tests use it to force weight splitting). */
  readonly maxBindingBytes?: number;
  /** Caps the tokens of one forward pass (bounds activation memory). */
  readonly maxTokensPerPass?: number;
  /** Hold every matrix (embedding table and linear layers) as int8 with a scale per row. */
  readonly int8?: boolean;
  /** Use this matmul workgroup shape instead of timing the candidates at load. */
  readonly matmulWorkgroup?: Workgroup;
  /** Each weight group uploaded, and the kernels compiling (progress/ events). */
  readonly onStage?: StageCallback;
  /** Test hook: rewrites a kernel's WGSL (by kernel key) before it is compiled; the debug-mode test breaks one on purpose. */
  readonly patchShader?: (key: string, source: string) => string;
}

const DEFAULT_MAX_TOKENS_PER_PASS = 8192;

export class GpuModel implements EmbeddingBackend {
  readonly device = 'webgpu' as const;
  readonly dim: number;
  /** Totals over every pass; `lastPass` holds the most recent forward pass alone. */
  readonly stats: BackendStats = { dispatches: 0, submits: 0, passes: 0, tokens: 0 };
  lastPass: { dispatches: number; submits: number; tokens: number; sequences: number } = { dispatches: 0, submits: 0, tokens: 0, sequences: 0 };

  private constructor(
    private readonly gpu: GpuContext,
    private readonly config: ModelConfig,
    private readonly kernels: Kernels,
    private readonly weights: GpuWeights,
    private readonly maxLength: number,
    private readonly maxTokensPerPass: number,
    private readonly mlpChunkRows: number,
  ) {
    this.dim = config.compressedDim;
  }

  async embed(sequences: readonly Uint32Array[]): Promise<Float32Array[]> {
    const { vocabSize } = this.config;
    for (const ids of sequences) {
      if (ids.length > this.maxLength) throw new InputError(`a sequence of ${ids.length} tokens is longer than the max length ${this.maxLength}`);
      const bad = ids.find((id) => id >= vocabSize);
      if (bad !== undefined) throw new InputError(`token id ${bad} is outside the model's vocabulary (${vocabSize} rows in embed_tokens)`);
    }
    const results: Float32Array[] = [];
    for (const group of splitByTokens(sequences, this.maxTokensPerPass)) {
      results.push(...(await withErrorScopes(this.gpu, 'forward pass', () => this.forward(packSequences(group)))));
    }
    return results;
  }

  /**
   * Profiling: one forward pass over `sequences` (at most one pass's worth of tokens) with every
   * dispatch submitted and timed on its own, the milliseconds summed per kernel key; with the
   * multiply-adds of its linear layers (2 flops each) to turn the matmuls' time into GFLOP/s.
   */
  async profile(sequences: readonly Uint32Array[]): Promise<{ kernelMs: Record<string, number>; linearFlops: number }> {
    const batch = packSequences(sequences);
    if (batch.tokens > this.maxTokensPerPass) throw new InputError(`profile: ${batch.tokens} tokens do not fit one pass of ${this.maxTokensPerPass}`);
    const kernelMs: Record<string, number> = {};
    await withErrorScopes(this.gpu, 'profiled forward pass', () => this.forward(batch, { time: (key, ms) => (kernelMs[key] = (kernelMs[key] ?? 0) + ms) }));
    const size = (m: WeightMatrix) => m.rows * m.cols;
    const perToken = this.weights.layers.reduce((sum, l) => sum + size(l.qkv) + size(l.o) + size(l.gateUp) + size(l.down), 0) + size(this.weights.pma.kv);
    return { kernelMs, linearFlops: 2 * (batch.tokens * perToken + batch.sequences * size(this.weights.pma.o)) };
  }

  /**
   * Debug mode: one forward pass over one sequence with every step's output copied out (named as
   * ReferenceModel.trace names them, in the reference's layout: the qkv columns put back from the
   * rotary pair order), to be compared with the reference step by step (model/trace.ts).
   */
  async trace(ids: Uint32Array): Promise<CapturedStep[]> {
    let steps: CapturedStep[] = [];
    await withErrorScopes(this.gpu, 'traced forward pass', () => this.forward(packSequences([ids]), { capture: (captured) => (steps = captured) }));
    const { numHeads, numKvHeads, headDim } = this.config;
    const order = rotaryPairOrder(numHeads + numKvHeads, headDim);
    return steps.map((step) => {
      if (!step.name.endsWith('.qkv')) return step;
      const values = new Float32Array(step.values.length);
      for (let r = 0; r < step.rows; r++) for (let j = 0; j < step.cols; j++) values[r * step.cols + order(j)] = step.values[r * step.cols + j];
      return { ...step, values };
    });
  }

  /**
   * One forward pass; with `time`, each dispatch is submitted and timed on its own (see profile); with
   * `capture`, each step's output is copied out and handed over (see trace).
   */
  private async forward(batch: PackedBatch, debug: { time?: (kernelKey: string, ms: number) => void; capture?: (steps: CapturedStep[]) => void } = {}): Promise<Float32Array[]> {
    const { time, capture } = debug;
    const { device } = this.gpu;
    const { config } = this;
    const { hiddenSize: h, numHeads, numKvHeads, headDim, intermediateSize: inter, compressedDim: d, rmsNormEps: eps } = config;
    const maxDim = this.gpu.limits.maxComputeWorkgroupsPerDimension;
    const n = batch.tokens;
    const b = batch.sequences;
    const qkvCols = (numHeads + 2 * numKvHeads) * headDim;
    const chunkRows = Math.min(this.mlpChunkRows, Math.max(n, 1));
    const created: GPUBuffer[] = [];
    const activation = (label: string, floats: number) => {
      const buffer = device.createBuffer({ label, size: vec4Aligned(floats * 4), usage: activationUsage() });
      created.push(buffer);
      return buffer;
    };
    const input = (label: string, values: Uint32Array) => {
      const buffer = uploadF32(device, label, values, GPUBufferUsage.STORAGE);
      created.push(buffer);
      return buffer;
    };
    const tokenIds = input('token_ids', batch.tokenIds);
    const positions = input('positions', batch.positions);
    const tokenSeqStart = input('token_seq_start', batch.tokenSeqStart);
    const seqStart = input('seq_start', batch.seqStart);
    const seqLen = input('seq_len', batch.seqLen);
    const hidden = activation('hidden', n * h);
    const normed = activation('normed', n * h);
    const qkv = activation('qkv', n * qkvCols);
    const attn = activation('attn', n * numHeads * headDim);
    const gated = activation('gated', chunkRows * inter);
    const pmaKv = activation('pma_kv', n * 2 * d);
    const pooled = activation('pooled', b * d);
    const ln0 = activation('ln0', b * d);
    const feedForward = activation('feed_forward', b * d);
    const out = activation('embeddings', b * d);
    const readback = device.createBuffer({ label: 'embeddings_readback', size: Math.max(16, b * d * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    created.push(readback);

    const k = this.kernels;
    const rec = this.recorder(`forward_${b}x${n}`);
    if (n > 0) {
      rec.step('embedding', n, h);
      recordEmbedding(rec, k.embedding, maxDim, { table: this.weights.embedTable, tokenIds, out: hidden, tokens: n });
      for (const [i, layer] of this.weights.layers.entries()) {
        rec.step(`layer${i}.input_norm`, n, h);
        recordRmsNorm(rec, k.rmsNorm, { x: hidden, weight: layer.inputNorm, out: normed, rows: n, cols: h, eps });
        rec.step(`layer${i}.qkv`, n, qkvCols);
        recordMatmul(rec, this.matmul(layer.qkv, qkvEpilogue(config)), { x: normed, weight: layer.qkv, bias: layer.qkvBias, out: qkv, m: n, rotary: { positions, table: this.weights.rope } });
        rec.step(`layer${i}.attention`, n, numHeads * headDim);
        recordAttention(rec, k.attention, { qkv, seqStart: tokenSeqStart, out: attn, tokens: n, heads: numHeads, kvHeads: numKvHeads, headDim });
        rec.step(`layer${i}.o`, n, h);
        recordMatmul(rec, this.matmul(layer.o, RESIDUAL), { x: attn, weight: layer.o, bias: this.weights.noBias, out: hidden, m: n });
        rec.step(`layer${i}.post_norm`, n, h);
        recordRmsNorm(rec, k.rmsNorm, { x: hidden, weight: layer.postNorm, out: normed, rows: n, cols: h, eps });
        for (let row = 0; row < n; row += chunkRows) {
          const rows = Math.min(chunkRows, n - row);
          const chunk = chunkRows < n ? `[${row}:${row + rows}]` : '';
          rec.step(`layer${i}.gate_up${chunk}`, rows, inter);
          recordMatmul(rec, this.matmul(layer.gateUp, SWIGLU), { x: normed, xOffset: row * h, weight: layer.gateUp, bias: this.weights.noBias, out: gated, m: rows });
          rec.step(`layer${i}.down${chunk}`, n, h);
          recordMatmul(rec, this.matmul(layer.down, RESIDUAL), { x: gated, weight: layer.down, bias: this.weights.noBias, out: hidden, outOffset: row * h, m: rows });
        }
      }
      rec.step('final_norm', n, h);
      recordRmsNorm(rec, k.rmsNorm, { x: hidden, weight: this.weights.finalNorm, out: normed, rows: n, cols: h, eps });
      rec.step('pma.kv', n, 2 * d);
      recordMatmul(rec, this.matmul(this.weights.pma.kv, BIAS), { x: normed, weight: this.weights.pma.kv, bias: this.weights.pma.kvBias, out: pmaKv, m: n });
    }
    const p = this.weights.pma;
    rec.step('pma.attention', b, d);
    recordPmaAttention(rec, k.pmaAttention, { query: p.query, seed: p.seed, kv: pmaKv, seqStart, seqLen, out: pooled, sequences: b, heads: config.pmaHeads, dim: d });
    rec.step('pma.ln0', b, d);
    recordLayerNorm(rec, k.layerNorm, { x: pooled, weight: p.ln0Weight, bias: p.ln0Bias, out: ln0, rows: b, cols: d, eps: PMA_LAYER_NORM_EPS });
    rec.copy(ln0, feedForward, b * d * 4);
    rec.step('pma.fc_o', b, d);
    recordMatmul(rec, this.matmul(p.o, BIAS_RELU_RESIDUAL), { x: ln0, weight: p.o, bias: p.oBias, out: feedForward, m: b });
    rec.step('pma.ln1', b, d);
    recordLayerNorm(rec, k.layerNormL2, { x: feedForward, weight: p.ln1Weight, bias: p.ln1Bias, out, rows: b, cols: d, eps: PMA_LAYER_NORM_EPS });

    const passStats = { dispatches: 0, submits: 0 };
    const copyOut = { from: out, to: readback, bytes: b * d * 4 };
    try {
      if (capture) {
        const { uniforms, steps } = await rec.submitCapturing(passStats, copyOut);
        created.push(uniforms);
        capture(steps);
      } else {
        created.push(time ? await rec.submitTimed(passStats, copyOut, time) : rec.submit(passStats, copyOut));
      }
      await readback.mapAsync(GPUMapMode.READ);
      const all = new Float32Array(readback.getMappedRange().slice(0));
      readback.unmap();
      if (!time && !capture) {
        this.lastPass = { ...passStats, tokens: n, sequences: b };
        this.stats.dispatches += passStats.dispatches;
        this.stats.submits += passStats.submits;
        this.stats.passes += 1;
        this.stats.tokens += n;
      }
      return Array.from({ length: b }, (_, i) => all.slice(i * d, (i + 1) * d));
    } finally {
      for (const buffer of created) buffer.destroy();
    }
  }

  /**
   * Uploads the weights as their shards are read (gpu-weights.ts), compiles every kernel, and computes
   * the PMA query once.
   */
  static async load(gpu: GpuContext, checkpoint: OpenCheckpoint, options: GpuModelOptions): Promise<GpuModel> {
    return withErrorScopes(gpu, 'uploading the model', async () => {
      const { config } = checkpoint;
      const maxBinding = Math.min(options.maxBindingBytes ?? Infinity, gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
      const groups = config.numLayers + 2;
      const onGroup = (done: number) => options.onStage?.({ phase: 'upload', fraction: done / groups, done, total: groups });
      const { weights, pmaQuery } = await uploadWeights(gpu.device, checkpoint, { maxBinding, int8: options.int8 ?? false, maxLength: options.maxLength, onGroup });
      options.onStage?.({ phase: 'compile', fraction: 0, done: 0, total: 1 });
      const kernels = await Kernels.compile(gpu, new PipelineCache(gpu.device, options.patchShader), config, weights, pmaQuery, options.matmulWorkgroup);

      const widestRow = Math.max(config.hiddenSize, (config.numHeads + 2 * config.numKvHeads) * config.headDim, 2 * config.compressedDim) * 4;
      const maxTokensPerPass = Math.min(options.maxTokensPerPass ?? DEFAULT_MAX_TOKENS_PER_PASS, Math.floor(maxBinding / widestRow));
      if (maxTokensPerPass < options.maxLength) {
        throw new InputError(`max length ${options.maxLength} does not fit in one forward pass (at most ${maxTokensPerPass} tokens here)`);
      }
      const mlpChunkRows = Math.min(maxTokensPerPass, Math.floor(maxBinding / (config.intermediateSize * 4)));
      const model = new GpuModel(gpu, config, kernels, weights, options.maxLength, maxTokensPerPass, mlpChunkRows);
      await model.computePmaQuery(pmaQuery);
      options.onStage?.({ phase: 'compile', fraction: 1, done: 1, total: 1 });
      return model;
    });
  }

  /** The PMA query fc_q(S) + b does not depend on the input: computed once, on the GPU, at load. */
  private async computePmaQuery({ fcQ, qBias }: PmaQueryInputs): Promise<void> {
    const bias = uploadVector(this.gpu.device, 'pma.fc_q_bias', [qBias]);
    const rec = this.recorder('pma_query');
    recordMatmul(rec, this.matmul(fcQ, BIAS), { x: this.weights.pma.seed, weight: fcQ, bias, out: this.weights.pma.query, m: 1 });
    const uniforms = rec.submit({ dispatches: 0, submits: 0 });
    await this.gpu.device.queue.onSubmittedWorkDone();
    for (const buffer of [bias, uniforms]) buffer.destroy();
    destroyMatrix(fcQ);
  }

  private matmul(weight: WeightMatrix, epilogue: MatmulEpilogue) {
    return this.kernels.matmul(weight, epilogue);
  }

  private recorder(label: string): PassRecorder {
    const { limits } = this.gpu;
    return new PassRecorder(this.gpu.device, limits.minUniformBufferOffsetAlignment, limits.maxComputeWorkgroupsPerDimension, label);
  }

  get context(): GpuContext {
    return this.gpu;
  }

  get gpuInfo(): GpuBackendInfo {
    return { context: this.gpu, weightBytes: this.weightLayout.bytes, matmulWorkgroup: this.matmulWorkgroup.join('x') };
  }

  /** Weight memory on the GPU (gpu-weights.ts's weightLayout). */
  get weightLayout(): WeightLayout {
    return weightLayout(this.weights);
  }

  /** The matmul workgroup shape chosen for this adapter, in 4x4 output tiles. */
  get matmulWorkgroup(): Workgroup {
    return this.kernels.matmulWorkgroup;
  }

  get description(): string {
    return `WebGPU: ${this.gpu.adapterName}${this.weights.embedTable.dtype === 'I8' ? ', int8 weights' : ''}`;
  }

  dispose(): void {
    destroyWeights(this.weights);
  }
}
