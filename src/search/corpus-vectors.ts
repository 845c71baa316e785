/**
 * The indexer's files (index-build.ts's EmbeddedFile: chunks with their unit-length f32 vectors) as
 * it embeds them or restores them from a store. They become one index file (`toIndexData`: int8 vectors,
 * BM25, chunk records and texts, index-file.ts) that the engine's worker loads and searches
 * (CodeIndex), the same file `c2llm search` reads.
 */
import { DEFAULT_CHUNKER, type Chunk } from './chunker';
import { languageOf } from './corpus';
import { buildIndexData, type EmbeddedFile } from './index-build';
import type { ChunkerSettings, IndexData, IndexHeader } from './index-file';

export class CorpusVectors {
  private readonly files: EmbeddedFile[] = [];
  private chunkCount = 0;

  constructor(readonly dim: number) {}

  get size(): number {
    return this.chunkCount;
  }

  /** A file's chunks and their vectors (chunks.length x dim, row-major); `hash`: the SHA-256 of its text. */
  add(path: string, chunks: readonly Chunk[], vectors: Float32Array, hash: string): void {
    if (vectors.length !== chunks.length * this.dim) throw new Error(`${path}: ${chunks.length} chunks but ${vectors.length / this.dim} vectors`);
    this.files.push({ path, language: languageOf(path), hash, chunks, vectors });
    this.chunkCount += chunks.length;
  }

  /**
   * The whole index in the index-file format (index-file.ts), chunk texts included unless `keepTexts` is
   * false; `chunker`: how the files were cut (default: chunker.ts's, HTML as source).
   */
  toIndexData(model: IndexHeader['model'], keepTexts = true, chunker: ChunkerSettings = DEFAULT_CHUNKER): IndexData {
    return buildIndexData({ model, dim: this.dim, chunker }, this.files, keepTexts);
  }
}
