/** What the embedder needs from a compute backend: token sequences in, L2-normalised vectors out. */
export interface EmbeddingBackend {
  readonly device: 'webgpu' | 'cpu' | 'reference';
  /** Human-readable description: the adapter, or the CPU reference. */
  readonly description: string;
  readonly dim: number;
  /** Embeds each token sequence independently; the result is in input order. */
  embed(sequences: readonly Uint32Array[]): Promise<Float32Array[]>;
  dispose(): void;
}
