/** What the embedder needs from a compute backend: token sequences in, L2-normalised vectors out. */
import type { GpuContext } from '../gpu/device';

/** Work done so far: forward passes (one per sequence on the CPU backends), tokens, and GPU submissions. */
export interface BackendStats {
  passes: number;
  tokens: number;
  dispatches: number;
  submits: number;
}

/** What a WebGPU backend runs on, for callers that report it. */
export interface GpuBackendInfo {
  readonly context: GpuContext;
  /** Bytes of weights held on the GPU. */
  readonly weightBytes: number;
  /** The matmul workgroup shape timed fastest at load, "XxY" in 4x4 tiles. */
  readonly matmulWorkgroup: string;
}

export interface EmbeddingBackend {
  readonly device: 'webgpu' | 'cpu' | 'reference';
  /** Human-readable description: the adapter, or the CPU reference. */
  readonly description: string;
  readonly dim: number;
  readonly stats: BackendStats;
  /** Present on the WebGPU backend only. */
  readonly gpuInfo?: GpuBackendInfo;
  /** Embeds each token sequence independently; the result is in input order. */
  embed(sequences: readonly Uint32Array[]): Promise<Float32Array[]>;
  dispose(): void;
}
