/** Chunks with their unit-length vectors, one block per file; search is a dot product (= cosine) and a top-k. */
import type { Chunk } from './chunker';

export interface IndexedChunk extends Chunk {
  readonly path: string;
}

export interface SearchResult {
  readonly chunk: IndexedChunk;
  readonly score: number;
}

interface Block {
  readonly chunks: readonly IndexedChunk[];
  /** chunks.length x dim, row-major. */
  readonly vectors: Float32Array;
}

export class SearchIndex {
  private readonly blocks: Block[] = [];
  private count = 0;

  constructor(readonly dim: number) {}

  get size(): number {
    return this.count;
  }

  add(path: string, chunks: readonly Chunk[], vectors: Float32Array): void {
    if (vectors.length !== chunks.length * this.dim) throw new Error(`${path}: ${chunks.length} chunks but ${vectors.length / this.dim} vectors`);
    this.blocks.push({ chunks: chunks.map((c) => ({ ...c, path })), vectors });
    this.count += chunks.length;
  }

  search(query: Float32Array, k: number): SearchResult[] {
    const { dim } = this;
    const results: SearchResult[] = [];
    for (const { chunks, vectors } of this.blocks) {
      chunks.forEach((chunk, i) => {
        let score = 0;
        for (let d = 0; d < dim; d++) score += vectors[i * dim + d] * query[d];
        results.push({ chunk, score });
      });
    }
    return results.sort((a, b) => b.score - a.score).slice(0, k);
  }
}
