/**
 * The demo's chunks with their unit-length f32 vectors, one block per file, as the indexer embeds them
 * or restores them from the browser's store. They become one index file (`toIndexData`: int8 vectors,
 * BM25, chunk records and texts, index-file.ts) that the engine's worker loads and searches
 * (CodeIndex), the same file `c2llm search` reads.
 */
import { CHUNKER_VERSION, DEFAULT_CHUNK_OPTIONS, type Chunk } from './chunker';
import { buildIndexData } from './index-build';
import { languageOf } from './corpus';
import type { IndexData, IndexHeader } from './index-file';

export interface IndexedChunk extends Chunk {
  readonly path: string;
}

interface Block {
  readonly path: string;
  /** SHA-256 of the file's text. */
  readonly hash: string;
  readonly chunks: readonly IndexedChunk[];
  /** chunks.length x dim, row-major. */
  readonly vectors: Float32Array;
}

export class CorpusVectors {
  private readonly blocks: Block[] = [];
  private chunkCount = 0;

  constructor(readonly dim: number) {}

  get size(): number {
    return this.chunkCount;
  }

  add(path: string, chunks: readonly Chunk[], vectors: Float32Array, hash = ''): void {
    if (vectors.length !== chunks.length * this.dim) throw new Error(`${path}: ${chunks.length} chunks but ${vectors.length / this.dim} vectors`);
    this.blocks.push({ path, hash, chunks: chunks.map((c) => ({ ...c, path })), vectors });
    this.chunkCount += chunks.length;
  }

  /** The whole index in the index-file format (index-file.ts), chunk texts included unless `keepTexts` is false. */
  toIndexData(model: IndexHeader['model'], keepTexts = true): IndexData {
    const files = this.blocks.map((b) => ({ path: b.path, language: languageOf(b.path), hash: b.hash, chunks: b.chunks, vectors: b.vectors }));
    return buildIndexData({ model, dim: this.dim, chunker: { version: CHUNKER_VERSION, ...DEFAULT_CHUNK_OPTIONS } }, files, keepTexts);
  }
}
