/**
 * Dense scores of int8 vector blocks that arrive one by one (a split index's centroids, partitions and
 * vector slices) against a query, in one WebAssembly memory that grows as blocks are added: each block's
 * rows are copied in once, with room after them for its dot products. A query is quantized to int16 once
 * for all the blocks it scores (dense-scorer.ts's quantizeQuery, so a row scores as it does in one index
 * file), and search-kernels.ts's kernels compute the exact integer dot products. Where they cannot run
 * (no SIMD, a dim that is not a multiple of 16, or memory that cannot grow further) plain loops compute
 * the same integers.
 */
import { int8Dot, quantizeQuery } from './dense-scorer';
import { instantiateSearchKernels, type SearchKernels } from './search-kernels';
import type { VectorBlock } from './split-index';

const PAGE = 65536;
const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** A block added to the scorer: its rows, and where they lie in the kernels' memory (undefined: plain loops). */
export interface ScorerBlock extends VectorBlock {
  readonly at?: number;
}

export class BlockScorer {
  private readonly kernels?: SearchKernels;
  private readonly query: Int16Array;
  /** The next free byte of the kernels' memory; the query's int16 values lie at 0. */
  private end: number;

  /** `simd: false` keeps to the plain loops (tests compare the two). */
  constructor(
    readonly dim: number,
    options: { simd?: boolean } = {},
  ) {
    this.query = new Int16Array(dim);
    this.end = align16(2 * dim);
    this.kernels = options.simd === false || dim % 16 !== 0 ? undefined : instantiateSearchKernels();
  }

  get usesSimd(): boolean {
    return this.kernels !== undefined;
  }

  /** `block` (and whatever else it carries) with its rows copied into the kernels' memory (where it can grow that far). */
  add<B extends VectorBlock>(block: B): B & ScorerBlock {
    const { kernels, dim } = this;
    if (!kernels || block.values.length !== block.rows * dim) return block;
    const at = this.end;
    const end = align16(at + block.rows * dim) + 4 * block.rows;
    const missing = end - kernels.memory.buffer.byteLength;
    try {
      if (missing > 0) kernels.memory.grow(Math.ceil(missing / PAGE));
    } catch {
      return block; // past WebAssembly's 4 GiB (or the browser's limit): this block keeps to the plain loops
    }
    new Int8Array(kernels.memory.buffer, at, block.values.length).set(block.values);
    this.end = align16(end);
    return { ...block, at };
  }

  /** Each block's row scores against `query`, in the order given. */
  score(query: Float32Array, blocks: readonly ScorerBlock[]): Float32Array[] {
    const { kernels, dim } = this;
    const queryScale = quantizeQuery(query, this.query);
    if (kernels) new Int16Array(kernels.memory.buffer, 0, dim).set(this.query);
    return blocks.map((block) => {
      const scores = new Float32Array(block.rows);
      if (kernels && block.at !== undefined) {
        const out = align16(block.at + block.rows * dim);
        (dim % 32 === 0 ? kernels.scores32 : kernels.scores)(block.at, block.rows, dim, 0, out);
        const dots = new Int32Array(kernels.memory.buffer, out, block.rows);
        for (let r = 0; r < block.rows; r++) scores[r] = dots[r] * block.scales[r] * queryScale;
      } else {
        for (let r = 0; r < block.rows; r++) scores[r] = int8Dot(block.values, r * dim, this.query) * block.scales[r] * queryScale;
      }
      return scores;
    });
  }
}
