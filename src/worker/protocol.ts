/** The messages between the page (client.ts) and the engine worker (engine-worker.ts). */
import type { CpuFallback, DeviceChoice } from '../embedder';
import type { GpuLimits } from '../gpu/device';
import type { LoadProgress } from '../progress';
import type { ModelConfig } from '../model/config';

/** What loading a model takes, written once: createEmbedder's options and the request to the engine share it. */
export interface ModelOptions {
  /** A Hugging Face repo id, a base URL in the Hub layout, or (in a browser) the checkpoint's files. */
  readonly model?: string | readonly File[];
  readonly device?: DeviceChoice;
  /** Hub host, for mirrors and tests (default https://huggingface.co). */
  readonly host?: string;
  readonly revision?: string;
  /** Browser: keep downloaded files in Cache Storage (default true). */
  readonly cache?: boolean;
  readonly maxLength?: number;
  /**
   * Browser `cpu` device: onnxruntime-web's WASM threads, used on cross-origin-isolated pages (default 1).
   * More than 1 needs onnxruntime-web's own module served as a file of its own, which a bundler does
   * when workers are built as ES modules (Vite: `worker: { format: 'es' }`); where it is bundled into
   * the worker, its thread workers cannot start.
   */
  readonly threads?: number;
  /**
   * What device `auto` takes without a hardware GPU adapter: 'onnxruntime' (default) or 'reference'
   * (the TypeScript path, which fetches no WASM: a page that embeds only queries, such as the search
   * box, answers its first query megabytes sooner; its linear layers run in WASM SIMD: about 6 ms a 20-token query with C2LLM-nano in Chromium).
   */
  readonly cpuFallback?: CpuFallback;
}

export interface LoadRequest extends ModelOptions {
  readonly model: string | readonly File[];
  readonly device: DeviceChoice;
  readonly batchSize?: number;
  /** 'int8': weights quantized per row (half the memory of bf16 on WebGPU; approximate). */
  readonly dtype?: 'auto' | 'int8';
}

export interface EngineInfo {
  readonly model: string;
  readonly dim: number;
  readonly config: ModelConfig;
  readonly device: 'webgpu' | 'cpu' | 'reference';
  /** What computes the embeddings: the adapter, or the CPU runtime. */
  readonly adapter: string;
  /** Why this device was chosen (for `auto`: the adapter found, or why the CPU is faster here). */
  readonly deviceReason: string;
  readonly isFallbackAdapter: boolean;
  readonly limits: GpuLimits | null;
  readonly features: readonly string[];
  /** The weights' dtype as stored, and "as int8" when quantized at load. */
  readonly dtype: string;
  /** Bytes of weights held on the GPU (0 on the CPU path). */
  readonly gpuWeightBytes: number;
  /** The matmul workgroup shape timed fastest on this adapter at load (WebGPU only). */
  readonly matmulWorkgroup: string | null;
  readonly maxLength: number;
  /** The checkpoint's fingerprint (model/fingerprint.ts): what index files made with it record. */
  readonly fingerprint: string;
}

export type ProgressCallback = (progress: LoadProgress) => void;
