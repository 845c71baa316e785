/**
 * The C2LLM forward pass on WebGPU. Weights are uploaded once in their stored dtype; every kernel
 * is compiled before the first request. A forward pass packs a group of sequences (no padding),
 * records every dispatch into one command encoder, submits once and reads the embeddings back once.
 *
 * Per layer, 7 dispatches: rmsnorm -> qkv matmul (+bias, then RoPE on q and k, their rows reordered
 * into rotate-half pairs) -> attention -> o matmul (+= residual) -> rmsnorm -> gate|up matmul with the
 * SwiGLU epilogue (gate and up rows interleaved) -> down matmul (+= residual); the MLP runs in row
 * chunks when its activations would pass the storage-binding limit. Then the final rmsnorm and the PMA head.
 */
import { InputError } from '../errors';
import { withErrorScopes, type GpuContext } from '../gpu/device';
import { PipelineCache, type CompiledKernel } from '../gpu/pipelines';
import { PassRecorder, type CapturedStep, type PassStats } from '../gpu/recorder';
import { attentionSpec, recordAttention } from '../kernels/attention';
import { embeddingSpec, recordEmbedding } from '../kernels/embedding';
import { matmulKey, matmulSpec, recordMatmul, type MatmulEpilogue } from '../kernels/matmul';
import { tuneMatmulWorkgroup, type Workgroup } from '../kernels/matmul-tuning';
import { layerNormSpec, recordLayerNorm, recordRmsNorm, rmsNormSpec } from '../kernels/norms';
import { pmaAttentionSpec, recordPmaAttention } from '../kernels/pma-attention';
import { rotaryPairOrder, ropeTable } from './rope';
import { destroyMatrix, uploadF32, uploadMatrix, uploadVector, vec4Aligned, type WeightMatrix } from '../kernels/weights';
import type { BackendStats, EmbeddingBackend, GpuBackendInfo } from './backend';
import { readGroup, type OpenCheckpoint } from './checkpoint';
import { PMA_LAYER_NORM_EPS, type ModelConfig } from './config';
import type { DType } from '../tensor/dtype';
import type { RawTensor } from '../tensor/safetensors';
import { packSequences, splitByTokens, type PackedBatch } from './packing';

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
  /** Test hook: rewrites a kernel's WGSL (by kernel key) before it is compiled; the debug-mode test breaks one on purpose. */
  readonly patchShader?: (key: string, source: string) => string;
}

interface GpuLayer {
  readonly inputNorm: GPUBuffer;
  readonly qkv: WeightMatrix;
  readonly qkvBias: GPUBuffer;
  readonly o: WeightMatrix;
  readonly postNorm: GPUBuffer;
  readonly gateUp: WeightMatrix;
  readonly down: WeightMatrix;
}

interface GpuPma {
  readonly seed: GPUBuffer;
  readonly query: GPUBuffer;
  readonly kv: WeightMatrix;
  readonly kvBias: GPUBuffer;
  readonly o: WeightMatrix;
  readonly oBias: GPUBuffer;
  readonly ln0Weight: GPUBuffer;
  readonly ln0Bias: GPUBuffer;
  readonly ln1Weight: GPUBuffer;
  readonly ln1Bias: GPUBuffer;
}

const SWIGLU: MatmulEpilogue = { bias: false, relu: false, accumulate: false, swiglu: true };
const BIAS: MatmulEpilogue = { bias: true, relu: false, accumulate: false };
const RESIDUAL: MatmulEpilogue = { bias: false, relu: false, accumulate: true };
const BIAS_RELU_RESIDUAL: MatmulEpilogue = { bias: true, relu: true, accumulate: true };
/** Bias, then RoPE on the q and k heads, whose rows are uploaded in rotaryPairOrder. */
const qkvEpilogue = (config: ModelConfig): MatmulEpilogue => ({
  ...BIAS,
  rotary: { headDim: config.headDim, columns: (config.numHeads + config.numKvHeads) * config.headDim },
});
const DEFAULT_MAX_TOKENS_PER_PASS = 8192;
/** Input rows when timing the matmul workgroup shapes at load. */
const TUNING_ROWS = 64;
/** A function, not a constant: GPUBufferUsage exists only once WebGPU is loaded (Dawn in Node). */
const activationUsage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

class Kernels {
  private constructor(
    /** The matmul's workgroup shape for this adapter (tuneMatmulWorkgroup). */
    readonly matmulWorkgroup: Workgroup,
    /** Matmul pipelines by their key (dtype and epilogue). */
    private readonly matmuls: ReadonlyMap<string, CompiledKernel>,
    readonly embedding: CompiledKernel,
    readonly rmsNorm: CompiledKernel,
    readonly layerNorm: CompiledKernel,
    readonly layerNormL2: CompiledKernel,
    readonly attention: CompiledKernel,
    readonly pmaAttention: CompiledKernel,
  ) {}

  /** Compiles every kernel the model needs, in parallel. */
  static async compile(cache: PipelineCache, embeddingDtype: DType, headDim: number, matmuls: ReadonlyArray<[DType, MatmulEpilogue]>, matmulWorkgroup: Workgroup): Promise<Kernels> {
    const [kernels, matmulKernels] = await Promise.all([
      Promise.all([
        cache.get(embeddingSpec(embeddingDtype)),
        cache.get(rmsNormSpec()),
        cache.get(layerNormSpec(false)),
        cache.get(layerNormSpec(true)),
        cache.get(attentionSpec(headDim)),
        cache.get(pmaAttentionSpec()),
      ]),
      Promise.all(matmuls.map(([dtype, epilogue]) => cache.get(matmulSpec(dtype, epilogue, matmulWorkgroup)))),
    ]);
    return new Kernels(matmulWorkgroup, new Map(matmulKernels.map((k) => [k.key, k])), ...kernels);
  }

  /** The compiled matmul for this weight's dtype and epilogue (compiled in `compile`). */
  matmul(weight: WeightMatrix, epilogue: MatmulEpilogue): CompiledKernel {
    const kernel = this.matmuls.get(matmulKey(weight.dtype, epilogue, this.matmulWorkgroup));
    if (!kernel) throw new Error(`no matmul was compiled for ${weight.dtype} ${JSON.stringify(epilogue)}`);
    return kernel;
  }
}

export class GpuModel implements EmbeddingBackend {
  readonly device = 'webgpu' as const;
  readonly dim: number;
  /** Totals over every pass; `lastPass` holds the most recent forward pass alone. */
  readonly stats: BackendStats = { dispatches: 0, submits: 0, passes: 0, tokens: 0 };
  lastPass: PassStats & { tokens: number; sequences: number } = { dispatches: 0, submits: 0, tokens: 0, sequences: 0 };

  private constructor(
    private readonly gpu: GpuContext,
    private readonly config: ModelConfig,
    private readonly kernels: Kernels,
    private readonly embedTable: WeightMatrix,
    private readonly layers: readonly GpuLayer[],
    private readonly finalNorm: GPUBuffer,
    private readonly pma: GpuPma,
    private readonly ropeBuffer: GPUBuffer,
    private readonly maxLength: number,
    private readonly maxTokensPerPass: number,
    private readonly mlpChunkRows: number,
    /** Bound in the bias slot of matmuls compiled without a bias; never read. */
    private readonly noBias: GPUBuffer,
  ) {
    this.dim = config.compressedDim;
  }

  get context(): GpuContext {
    return this.gpu;
  }

  get gpuInfo(): GpuBackendInfo {
    return { context: this.gpu, weightBytes: this.weightLayout.bytes, matmulWorkgroup: this.matmulWorkgroup.join('x') };
  }

  /**
   * Weight memory on the GPU: total bytes, number of buffers, the largest single binding, and of
   * the matrices (embedding table and linear layers): their bytes (with int8 scales) and weight count.
   */
  get weightLayout(): { bytes: number; buffers: number; largestBinding: number; matrixBytes: number; matrixWeights: number; matrixRows: number } {
    const matrices = this.matrices();
    const matrixSizes = matrices.flatMap((m) => m.parts.flatMap((p) => [p.buffer.size, ...(p.scales ? [p.scales.size] : [])]));
    const sizes = [...matrixSizes, ...this.vectors().map((v) => v.size)];
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return {
      bytes: sum(sizes),
      buffers: sizes.length,
      largestBinding: Math.max(...sizes),
      matrixBytes: sum(matrixSizes),
      matrixWeights: sum(matrices.map((m) => m.rows * m.cols)),
      matrixRows: sum(matrices.map((m) => m.rows)),
    };
  }

  /** The matmul workgroup shape chosen for this adapter, in 4x4 output tiles. */
  get matmulWorkgroup(): Workgroup {
    return this.kernels.matmulWorkgroup;
  }

  get description(): string {
    return `WebGPU: ${this.gpu.adapterName}${this.embedTable.dtype === 'I8' ? ', int8 weights' : ''}`;
  }

  /**
   * Uploads the weights as their shards are read, one group (a layer, the PMA head) at a time, each
   * dropped once on the GPU, then compiles every kernel.
   */
  static async load(gpu: GpuContext, checkpoint: OpenCheckpoint, options: GpuModelOptions): Promise<GpuModel> {
    return withErrorScopes(gpu, 'uploading the model', async () => {
      const { device } = gpu;
      const { config, weights } = checkpoint;
      const maxBinding = Math.min(options.maxBindingBytes ?? Infinity, gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
      const int8 = options.int8 ?? false;
      const matrix = (label: string, tensors: Parameters<typeof uploadMatrix>[2]) => uploadMatrix(device, label, tensors, maxBinding, { int8 });
      const embedTable = matrix('embed_tokens', [await weights.embedTokens()]);
      const rowOrder = rotaryPairOrder(config.numHeads + config.numKvHeads, config.headDim);
      const layers: GpuLayer[] = [];
      for (const [i, refs] of weights.layers.entries()) {
        const l = await readGroup(refs);
        layers.push({
          inputNorm: uploadVector(device, `layer${i}.input_norm`, [l.inputNorm]),
          qkv: uploadMatrix(device, `layer${i}.qkv`, [l.qWeight, l.kWeight, l.vWeight], maxBinding, { int8, rowOrder }),
          qkvBias: uploadVector(device, `layer${i}.qkv_bias`, [l.qBias, l.kBias, l.vBias], rowOrder),
          o: matrix(`layer${i}.o`, [l.oWeight]),
          postNorm: uploadVector(device, `layer${i}.post_norm`, [l.postNorm]),
          gateUp: uploadMatrix(device, `layer${i}.gate_up`, [l.gate, l.up], maxBinding, { layout: 'interleaved', int8 }),
          down: matrix(`layer${i}.down`, [l.down]),
        });
      }
      const finalNorm = uploadVector(device, 'final_norm', [await weights.finalNorm()]);
      const p = await readGroup(weights.pma);
      const fcQ = matrix('pma.fc_q', [p.qWeight]);
      const pma: GpuPma = {
        seed: uploadVector(device, 'pma.seed', [p.seed]),
        query: device.createBuffer({ label: 'pma.query', size: config.compressedDim * 4, usage: activationUsage() }),
        kv: matrix('pma.fc_kv', [p.kWeight, p.vWeight]),
        kvBias: uploadVector(device, 'pma.fc_kv_bias', [p.kBias, p.vBias]),
        o: matrix('pma.fc_o', [p.oWeight]),
        oBias: uploadVector(device, 'pma.fc_o_bias', [p.oBias]),
        ln0Weight: uploadVector(device, 'pma.ln0_weight', [p.ln0Weight]),
        ln0Bias: uploadVector(device, 'pma.ln0_bias', [p.ln0Bias]),
        ln1Weight: uploadVector(device, 'pma.ln1_weight', [p.ln1Weight]),
        ln1Bias: uploadVector(device, 'pma.ln1_bias', [p.ln1Bias]),
      };
      const ropeBuffer = uploadF32(device, 'rope_table', ropeTable(options.maxLength, config.headDim, config.ropeTheta), GPUBufferUsage.STORAGE);

      const matmulUses: Array<[WeightMatrix, MatmulEpilogue]> = [[fcQ, BIAS], [pma.kv, BIAS], [pma.o, BIAS_RELU_RESIDUAL]];
      for (const l of layers) matmulUses.push([l.qkv, qkvEpilogue(config)], [l.o, RESIDUAL], [l.gateUp, SWIGLU], [l.down, RESIDUAL]);
      const cache = new PipelineCache(device, options.patchShader);
      const tuning = options.matmulWorkgroup ? { workgroup: options.matmulWorkgroup, timings: {} } : await tuneMatmulWorkgroup(gpu, cache, layers[0]?.o ?? pma.kv, TUNING_ROWS);
      const kernels = await Kernels.compile(cache, embedTable.dtype, config.headDim, matmulUses.map(([w, e]) => [w.dtype, e]), tuning.workgroup);

      const widestRow = Math.max(config.hiddenSize, (config.numHeads + 2 * config.numKvHeads) * config.headDim, 2 * config.compressedDim) * 4;
      const maxTokensPerPass = Math.min(options.maxTokensPerPass ?? DEFAULT_MAX_TOKENS_PER_PASS, Math.floor(maxBinding / widestRow));
      if (maxTokensPerPass < options.maxLength) {
        throw new InputError(`max length ${options.maxLength} does not fit in one forward pass (at most ${maxTokensPerPass} tokens here)`);
      }
      const mlpChunkRows = Math.min(maxTokensPerPass, Math.floor(maxBinding / (config.intermediateSize * 4)));
      const model = new GpuModel(gpu, config, kernels, embedTable, layers, finalNorm, pma, ropeBuffer, options.maxLength, maxTokensPerPass, mlpChunkRows, uploadF32(device, 'no_bias', new Float32Array(4), GPUBufferUsage.STORAGE));
      await model.computePmaQuery(fcQ, p.qBias);
      destroyMatrix(fcQ);
      return model;
    });
  }

  /** The PMA query fc_q(S) + b does not depend on the input: computed once, on the GPU, at load. */
  private async computePmaQuery(fcQ: WeightMatrix, qBias: RawTensor): Promise<void> {
    const bias = uploadVector(this.gpu.device, 'pma.fc_q_bias', [qBias]);
    const rec = this.recorder('pma_query');
    recordMatmul(rec, this.matmul(fcQ, BIAS), { x: this.pma.seed, weight: fcQ, bias, out: this.pma.query, m: 1 });
    const uniforms = rec.submit({ dispatches: 0, submits: 0 });
    await this.gpu.device.queue.onSubmittedWorkDone();
    for (const buffer of [bias, uniforms]) buffer.destroy();
  }

  private matmul(weight: WeightMatrix, epilogue: MatmulEpilogue): CompiledKernel {
    return this.kernels.matmul(weight, epilogue);
  }

  private recorder(label: string): PassRecorder {
    const { limits } = this.gpu;
    return new PassRecorder(this.gpu.device, limits.minUniformBufferOffsetAlignment, limits.maxComputeWorkgroupsPerDimension, label);
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
    const perToken = this.layers.reduce((sum, l) => sum + size(l.qkv) + size(l.o) + size(l.gateUp) + size(l.down), 0) + size(this.pma.kv);
    return { kernelMs, linearFlops: 2 * (batch.tokens * perToken + batch.sequences * size(this.pma.o)) };
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
      recordEmbedding(rec, k.embedding, maxDim, { table: this.embedTable, tokenIds, out: hidden, tokens: n });
      for (const [i, layer] of this.layers.entries()) {
        rec.step(`layer${i}.input_norm`, n, h);
        recordRmsNorm(rec, k.rmsNorm, { x: hidden, weight: layer.inputNorm, out: normed, rows: n, cols: h, eps });
        rec.step(`layer${i}.qkv`, n, qkvCols);
        recordMatmul(rec, this.matmul(layer.qkv, qkvEpilogue(config)), { x: normed, weight: layer.qkv, bias: layer.qkvBias, out: qkv, m: n, rotary: { positions, table: this.ropeBuffer } });
        rec.step(`layer${i}.attention`, n, numHeads * headDim);
        recordAttention(rec, k.attention, { qkv, seqStart: tokenSeqStart, out: attn, tokens: n, heads: numHeads, kvHeads: numKvHeads, headDim });
        rec.step(`layer${i}.o`, n, h);
        recordMatmul(rec, this.matmul(layer.o, RESIDUAL), { x: attn, weight: layer.o, bias: this.noBias, out: hidden, m: n });
        rec.step(`layer${i}.post_norm`, n, h);
        recordRmsNorm(rec, k.rmsNorm, { x: hidden, weight: layer.postNorm, out: normed, rows: n, cols: h, eps });
        for (let row = 0; row < n; row += chunkRows) {
          const rows = Math.min(chunkRows, n - row);
          const chunk = chunkRows < n ? `[${row}:${row + rows}]` : '';
          rec.step(`layer${i}.gate_up${chunk}`, rows, inter);
          recordMatmul(rec, this.matmul(layer.gateUp, SWIGLU), { x: normed, xOffset: row * h, weight: layer.gateUp, bias: this.noBias, out: gated, m: rows });
          rec.step(`layer${i}.down${chunk}`, n, h);
          recordMatmul(rec, this.matmul(layer.down, RESIDUAL), { x: gated, weight: layer.down, bias: this.noBias, out: hidden, outOffset: row * h, m: rows });
        }
      }
      rec.step('final_norm', n, h);
      recordRmsNorm(rec, k.rmsNorm, { x: hidden, weight: this.finalNorm, out: normed, rows: n, cols: h, eps });
      rec.step('pma.kv', n, 2 * d);
      recordMatmul(rec, this.matmul(this.pma.kv, BIAS), { x: normed, weight: this.pma.kv, bias: this.pma.kvBias, out: pmaKv, m: n });
    }
    const p = this.pma;
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

  dispose(): void {
    for (const buffer of [...this.vectors(), this.noBias]) buffer.destroy();
    for (const m of this.matrices()) destroyMatrix(m);
  }

  private vectors(): GPUBuffer[] {
    const p = this.pma;
    return [this.finalNorm, this.ropeBuffer, p.seed, p.query, p.kvBias, p.oBias, p.ln0Weight, p.ln0Bias, p.ln1Weight, p.ln1Bias, ...this.layers.flatMap((l) => [l.inputNorm, l.qkvBias, l.postNorm])];
  }

  private matrices(): WeightMatrix[] {
    return [this.embedTable, this.pma.kv, this.pma.o, ...this.layers.flatMap((l) => [l.qkv, l.o, l.gateUp, l.down])];
  }
}
