/**
 * Chunks with their unit-length vectors, one block per file. Search ranks by meaning (`dense`: dot
 * product = cosine), by words (`lexical`: BM25 over identifier-aware words of the chunk text and its
 * path) or by both fused (`hybrid`, hybrid.ts); the k best are kept in a bounded heap, never a full sort.
 */
import { Bm25Index } from './bm25';
import { CHUNKER_VERSION, DEFAULT_CHUNK_OPTIONS, type Chunk } from './chunker';
import { buildIndexData } from './code-index';
import { languageOf } from './corpus';
import type { IndexData, IndexHeader } from './index-file';
import { rankScores, type SearchMode } from './hybrid';

export interface IndexedChunk extends Chunk {
  readonly path: string;
}

export interface SearchResult {
  readonly chunk: IndexedChunk;
  readonly score: number;
}

interface Block {
  readonly path: string;
  /** SHA-256 of the file's text. */
  readonly hash: string;
  readonly chunks: readonly IndexedChunk[];
  /** chunks.length x dim, row-major. */
  readonly vectors: Float32Array;
}

export class SearchIndex {
  private readonly blocks: Block[] = [];
  private readonly chunks: IndexedChunk[] = [];
  /** For chunk i: its block and row. */
  private readonly rows: { block: Block; row: number }[] = [];
  private lexical: Bm25Index | undefined;

  constructor(readonly dim: number) {}

  get size(): number {
    return this.chunks.length;
  }

  add(path: string, chunks: readonly Chunk[], vectors: Float32Array, hash = ''): void {
    if (vectors.length !== chunks.length * this.dim) throw new Error(`${path}: ${chunks.length} chunks but ${vectors.length / this.dim} vectors`);
    const block = { path, hash, chunks: chunks.map((c) => ({ ...c, path })), vectors };
    this.blocks.push(block);
    block.chunks.forEach((chunk, row) => {
      this.chunks.push(chunk);
      this.rows.push({ block, row });
    });
    this.lexical = undefined;
  }

  private denseScore(id: number, query: Float32Array): number {
    const { block, row } = this.rows[id];
    const { dim } = this;
    let score = 0;
    for (let d = 0; d < dim; d++) score += block.vectors[row * dim + d] * query[d];
    return score;
  }

  private denseScores(query: Float32Array): Float32Array {
    const scores = new Float32Array(this.chunks.length);
    for (let id = 0; id < scores.length; id++) scores[id] = this.denseScore(id, query);
    return scores;
  }

  private lexicalIndex(): Bm25Index {
    this.lexical ??= Bm25Index.build(this.chunks.map((c) => `${c.path}\n${c.text}`));
    return this.lexical;
  }

  /** The whole index in the index-file format (index-file.ts), chunk texts included. */
  toIndexData(model: IndexHeader['model']): IndexData {
    const files = this.blocks.map((b) => ({ path: b.path, language: languageOf(b.path), hash: b.hash, chunks: b.chunks, vectors: b.vectors }));
    return buildIndexData({ model, dim: this.dim, chunker: { version: CHUNKER_VERSION, ...DEFAULT_CHUNK_OPTIONS } }, files, true);
  }

  /** `vector` is the query's embedding (needed by dense and hybrid), `text` its words (lexical and hybrid). */
  search(query: { vector?: Float32Array; text?: string }, k: number, mode: SearchMode = 'dense'): SearchResult[] {
    const need = (what: 'vector' | 'text') => {
      if (query[what] === undefined) throw new Error(`${mode} search needs the query's ${what}`);
      return query[what];
    };
    const dense = mode === 'lexical' ? undefined : this.denseScores(need('vector') as Float32Array);
    const lexical = mode === 'dense' ? undefined : this.lexicalIndex().scores(need('text') as string);
    const ranked = rankScores(mode, { dense, lexical }, k);
    return ranked.map(({ id, score }) => ({ chunk: this.chunks[id], score }));
  }
}
