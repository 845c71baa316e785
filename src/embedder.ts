/**
 * The engine's front door: a checkpoint's config, its tokenizer and a compute backend (WebGPU,
 * onnxruntime on the CPU, or the TypeScript reference). The WebGPU backend takes the weights shard by
 * shard as they are read; the others read them whole. Either way the file bytes are dropped once the
 * backend holds the weights. `embed` tokenizes, orders texts by length so that each forward pass holds
 * similar lengths, runs the backend batch by batch and returns vectors in input order.
 */
import { TEXTS_PER_PASS } from './batching';
import { CheckpointError, InputError, MissingPackageError, NoWebGpuError } from './errors';
import { acquireGpu, type GpuContext } from './gpu/device';
import type { EmbeddingBackend } from './model/backend';
import { openCheckpoint, readAllWeights, type OpenCheckpoint } from './model/checkpoint';
import { OnnxModel, type GraphStore, type OrtModule } from './model/onnx-model';
import type { ModelConfig } from './model/config';
import { ReferenceModel } from './model/reference-model';
import { GpuModel } from './model/gpu-model';
import type { CheckpointSource } from './model/source';
import type { StageCallback } from './progress';
import { applyPrompt, type PromptOptions } from './text/prompts';
import { TextTokenizer } from './text/tokenizer';

export type DeviceChoice = 'webgpu' | 'cpu' | 'reference' | 'auto';

/** Loads onnxruntime for the CPU backend: onnxruntime-node in Node, onnxruntime-web (WASM) in a browser. */
export type OrtLoader = () => Promise<{ module: OrtModule; runtime: string; threads?: number; graphStore?: GraphStore }>;

export interface EmbedderOptions {
  /** `auto` (default): WebGPU on a hardware adapter, else the onnxruntime CPU backend. */
  readonly device?: DeviceChoice;
  /** The WebGPU entry point: navigator.gpu in a browser, Dawn's GPU object in Node. */
  readonly gpu?: GPU;
  /** How to load onnxruntime for the `cpu` device; without it `cpu` is unavailable. */
  readonly ort?: OrtLoader;
  /** Tokens kept per text (the first ones); default 2048. */
  readonly maxLength?: number;
  /** Texts per forward pass; default TEXTS_PER_PASS (batching.ts). */
  readonly batchSize?: number;
  /** Test hook: caps storage bindings to force weight splitting. */
  readonly maxBindingBytes?: number;
  /**
   * Weights as computed on: 'auto' (default: as stored, widened to f32 where the device needs it) or
   * 'int8' (approximate: per-row int8 weights; on WebGPU every matrix including the embedding table,
   * half the memory of bf16; on the cpu device the linear layers, with int8 activations too).
   */
  readonly dtype?: 'auto' | 'int8';
  /** Loading's later phases (weights going to the GPU, kernels or the CPU graph compiling), for a progress bar. */
  readonly onStage?: StageCallback;
  /** What `auto` takes without a hardware GPU adapter (ModelOptions.cpuFallback): onnxruntime (default) or the reference. */
  readonly cpuFallback?: CpuFallback;
}

/**
 * What the `auto` device takes where there is no hardware GPU adapter: 'onnxruntime' (the `cpu` device:
 * fastest, but a browser fetches onnxruntime-web's 14 MB of WASM first) or 'reference' (the TypeScript
 * path: nothing more to fetch, and for a small model's short queries as quick as a visitor needs).
 */
export type CpuFallback = 'onnxruntime' | 'reference';

/** What is kept of a checkpoint after loading: where it came from, its config, what it did not use. */
export interface ModelInfo {
  readonly source: string;
  readonly config: ModelConfig;
  readonly unusedTensors: readonly string[];
  /** The stored dtype of the weights (that of the layers' matrices). */
  readonly dtype: string;
}

export const DEFAULT_MAX_LENGTH = 2048;
/** Every embedding is L2-normalised; one further from norm 1 than this is a broken computation, never a result. */
const UNIT_NORM_TOLERANCE = 1e-3;

interface Choice {
  readonly backend: EmbeddingBackend;
  readonly reason: string;
  readonly gpu?: GpuContext;
}

/** Picks and builds the backend for `device`, saying why; the GPU backend streams the weights, the others read them whole. */
async function chooseBackend(checkpoint: OpenCheckpoint, device: DeviceChoice, options: EmbedderOptions, maxLength: number): Promise<Choice> {
  const cpu = async (reason: string): Promise<Choice> => {
    if (!options.ort) throw new InputError('the cpu device needs onnxruntime, which this build does not provide');
    const { module, runtime, threads, graphStore } = await options.ort();
    const linearWeights = options.dtype === 'int8' ? 'int8' : 'f32';
    options.onStage?.({ phase: 'compile', fraction: 0, done: 0, total: 1 });
    const backend = await OnnxModel.create(checkpoint, module, { maxLength, runtime, threads, linearWeights, graphStore });
    options.onStage?.({ phase: 'compile', fraction: 1, done: 1, total: 1 });
    return { backend, reason };
  };
  const webgpu = async (gpu: GpuContext, reason: string): Promise<Choice> => {
    try {
      const int8 = options.dtype === 'int8';
      return { backend: await GpuModel.load(gpu, checkpoint, { maxLength, maxBindingBytes: options.maxBindingBytes, int8, onStage: options.onStage }), reason, gpu };
    } catch (error) {
      gpu.destroy();
      throw error;
    }
  };
  const reference = async (reason: string): Promise<Choice> => ({ backend: new ReferenceModel(await readAllWeights(checkpoint)), reason });
  if (device === 'reference') {
    if (options.dtype === 'int8') throw new InputError('the reference device computes exactly; dtype int8 is for the webgpu and cpu devices');
    return reference('the TypeScript reference was requested');
  }
  if (device === 'cpu') return cpu('the CPU was requested');
  if (device === 'webgpu') return webgpu(await acquireGpu(options.gpu), 'WebGPU was requested');
  let gpu: GpuContext | undefined;
  try {
    gpu = await acquireGpu(options.gpu);
  } catch (error) {
    if (!(error instanceof NoWebGpuError)) throw error;
    const noGpu = `no usable WebGPU adapter: ${error.message}`;
    if (options.cpuFallback === 'reference') return reference(`${noGpu}: the TypeScript reference, as cpuFallback asks`);
    if (options.ort) {
      try {
        return await cpu(noGpu);
      } catch (missing) {
        if (!(missing instanceof MissingPackageError)) throw missing;
        return reference(`${noGpu} and ${missing.message}: the TypeScript reference`);
      }
    }
    return reference(`${noGpu} and no onnxruntime: the TypeScript reference`);
  }
  if (gpu.isFallbackAdapter && options.cpuFallback === 'reference') {
    gpu.destroy();
    return reference(`the only WebGPU adapter, ${gpu.adapterName}, is a software fallback: the TypeScript reference, as cpuFallback asks`);
  }
  if (gpu.isFallbackAdapter && options.ort) {
    gpu.destroy();
    return cpu(`the only WebGPU adapter, ${gpu.adapterName}, is a software fallback; onnxruntime on the CPU is faster`);
  }
  return webgpu(gpu, `WebGPU adapter ${gpu.adapterName}${gpu.isFallbackAdapter ? ' (a software fallback; no onnxruntime here)' : ''}`);
}

export class Embedder {
  private constructor(
    readonly model: ModelInfo,
    readonly backend: EmbeddingBackend,
    /** Why this backend was chosen. */
    readonly deviceReason: string,
    private readonly tokenizer: TextTokenizer,
    readonly maxLength: number,
    private readonly batchSize: number,
    private readonly gpu?: GpuContext,
  ) {}

  static async load(source: CheckpointSource, options: EmbedderOptions = {}): Promise<Embedder> {
    const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    const batchSize = options.batchSize ?? TEXTS_PER_PASS;
    if (!Number.isInteger(maxLength) || maxLength < 1) throw new InputError(`max length must be a positive integer, got ${maxLength}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`batch size must be a positive integer, got ${batchSize}`);
    const checkpoint = await openCheckpoint(source);
    const tokenizer = new TextTokenizer(checkpoint.tokenizerJson, checkpoint.tokenizerConfig);
    const choice = await chooseBackend(checkpoint, options.device ?? 'auto', options, maxLength);
    const model: ModelInfo = { source: checkpoint.source, config: checkpoint.config, unusedTensors: checkpoint.unusedTensors, dtype: checkpoint.matrixDtype() ?? 'none' };
    return new Embedder(model, choice.backend, choice.reason, tokenizer, maxLength, batchSize, choice.gpu);
  }

  get dim(): number {
    return this.backend.dim;
  }

  tokenize(text: string): Uint32Array {
    return this.tokenizer.encode(text, this.maxLength);
  }

  /**
   * Embeds `texts`, each with `prompt`'s instruction (a query) or prefix (a document) in front
   * (text/prompts.ts: the one place prompts are applied); without a prompt, exactly as given.
   */
  async embed(texts: readonly string[], prompt: PromptOptions = {}): Promise<Float32Array[]> {
    return (await this.embedCounting(texts, prompt)).vectors;
  }

  /** Like `embed`, also returning how many tokens were computed (after truncation). */
  async embedCounting(texts: readonly string[], prompt: PromptOptions = {}): Promise<{ vectors: Float32Array[]; tokens: number }> {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new InputError('texts must be an array of strings');
    const sequences = texts.map((t) => this.tokenize(applyPrompt(t, prompt)));
    const { vocabSize } = this.model.config;
    sequences.forEach((ids, i) => {
      const bad = ids.findIndex((id) => id >= vocabSize);
      if (bad >= 0) throw new CheckpointError('tokenizer.json', `gives token id ${ids[bad]} (text ${i}, token ${bad}), past config.json's vocab_size ${vocabSize}`);
    });
    const order = sequences.map((_, i) => i).sort((a, b) => sequences[a].length - sequences[b].length);
    const results: Float32Array[] = new Array(texts.length);
    for (let start = 0; start < order.length; start += this.batchSize) {
      const indices = order.slice(start, start + this.batchSize);
      const vectors = await this.backend.embed(indices.map((i) => sequences[i]));
      indices.forEach((textIndex, j) => {
        if (!vectors[j].every(Number.isFinite)) {
          throw new CheckpointError(this.model.source, `the embedding of text ${textIndex} is not finite (NaN or infinity): the weights are degenerate (for example all-zero norm weights)`);
        }
        const norm = Math.hypot(...vectors[j]);
        if (Math.abs(norm - 1) > UNIT_NORM_TOLERANCE) {
          throw new CheckpointError(this.model.source, `the embedding of text ${textIndex} has norm ${norm.toPrecision(3)}, not 1: the weights are degenerate (for example a weight so large that everything else vanishes)`);
        }
        results[textIndex] = vectors[j];
      });
    }
    return { vectors: results, tokens: sequences.reduce((n, s) => n + s.length, 0) };
  }

  dispose(): void {
    this.backend.dispose();
    this.gpu?.destroy();
  }
}
