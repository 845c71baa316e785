/**
 * Dense scores of an index's int8 vectors (a scale each) against a query: every vector, chosen rows,
 * and a first stage that ranks rows by how many sign bits they share with the query. The kernels are
 * search-kernels.ts, over one WebAssembly memory laid out here; where they cannot run (no SIMD, or a
 * dim that is not a multiple of 16) the plain loops below compute the same integers.
 *
 * The query is quantized to int16 (scale max|q| / 32767); a score is the exact integer dot product
 * times the row's scale and the query's. Sign bits are derived from the int8 vectors (bit d set where
 * the value is negative), once, on the first call that needs them: the index file does not store them.
 * The memory is sized once, for all of it; where it cannot grow that far (WebAssembly's 4 GiB), the
 * plain loops serve.
 */
import { quantizeSymmetric } from '../tensor/quantize';
import { reserved } from '../wasm/wasm-encoding';
import { instantiateSearchKernels, type SearchKernels } from './search-kernels';

const align16 = (n: number) => Math.ceil(n / 16) * 16;
const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let c = 0;
  for (let x = b; x; x >>= 1) c += x & 1;
  return c;
});

/** Sets bit d of `out` (from byte `at`) where values[from + d] < 0, for d < dim: the kernel's `signBits`. */
function packSigns(values: ArrayLike<number>, from: number, dim: number, out: Uint8Array, at: number): void {
  for (let d = 0; d < dim; d++) if (values[from + d] < 0) out[at + (d >> 3)] |= 1 << (d & 7);
}

/** `query` quantized to int16 into `out` (scale max|q| / 32767); returns the scale. */
export function quantizeQuery(query: Float32Array, out: Int16Array): number {
  return quantizeSymmetric(query, out, 32767);
}

export class DenseScorer {
  private readonly kernels?: SearchKernels;
  /** Byte offsets in the kernels' memory. */
  private readonly at = { vectors: 0, query: 0, queryBits: 0, ids: 0, out: 0, bits: 0 };
  /** Bytes of sign bits a row: dim / 8 rounded up to 16, so that the Hamming kernel reads whole lanes. */
  private readonly signStride: number;
  private readonly query: Int16Array;
  private bits?: Uint8Array;

  /** `vectors` is [n, dim] row-major; `simd: false` keeps to the plain loops (tests compare the two). */
  constructor(
    private readonly vectors: Int8Array,
    private readonly scales: Float32Array,
    readonly dim: number,
    options: { simd?: boolean } = {},
  ) {
    this.query = new Int16Array(dim);
    this.signStride = align16(Math.ceil(dim / 8));
    const kernels = options.simd === false || dim % 16 !== 0 ? undefined : instantiateSearchKernels();
    if (!kernels) return;
    const n = this.size;
    this.at.query = align16(n * dim);
    this.at.queryBits = align16(this.at.query + 2 * dim);
    this.at.ids = align16(this.at.queryBits + this.signStride);
    this.at.out = this.at.ids + 4 * n;
    this.at.bits = align16(this.at.out + 4 * n);
    const bytes = this.at.bits + n * this.signStride;
    if (!reserved(kernels.memory, bytes)) return; // past WebAssembly's 4 GiB (or the browser's limit): the plain loops, same results
    new Int8Array(kernels.memory.buffer, 0, n * dim).set(vectors);
    this.kernels = kernels;
  }

  get size(): number {
    return this.scales.length;
  }

  get usesSimd(): boolean {
    return this.kernels !== undefined;
  }

  /** Every row's score against `query`. */
  scoreAll(query: Float32Array): Float32Array {
    const queryScale = this.setQuery(query);
    const { kernels, dim, size } = this;
    let dots: Int32Array;
    if (kernels) {
      (dim % 32 === 0 ? kernels.scores32 : kernels.scores)(this.at.vectors, size, dim, this.at.query, this.at.out);
      dots = new Int32Array(kernels.memory.buffer, this.at.out, size);
    } else {
      dots = new Int32Array(size);
      for (let row = 0; row < size; row++) dots[row] = this.dot(row);
    }
    const scores = new Float32Array(size);
    for (let row = 0; row < size; row++) scores[row] = dots[row] * this.scales[row] * queryScale;
    return scores;
  }

  /**
   * The scores of rows `ids` against `query`, in that order: at most `size` of them (the room the
   * kernels' memory has for ids and scores), each a row of the index.
   */
  scoreRows(query: Float32Array, ids: Uint32Array): Float32Array {
    if (ids.length > this.size) throw new RangeError(`scoreRows: ${ids.length} rows asked of an index of ${this.size}`);
    const outside = ids.findIndex((row) => row >= this.size);
    if (outside >= 0) throw new RangeError(`scoreRows: row ${ids[outside]} is not in an index of ${this.size} rows`);
    const queryScale = this.setQuery(query);
    const { kernels, dim } = this;
    const scores = new Float32Array(ids.length);
    if (kernels) {
      new Uint32Array(kernels.memory.buffer, this.at.ids, ids.length).set(ids);
      kernels.scoresAt(this.at.vectors, ids.length, dim, this.at.query, this.at.out, this.at.ids);
      const dots = new Int32Array(kernels.memory.buffer, this.at.out, ids.length);
      ids.forEach((row, i) => (scores[i] = dots[i] * this.scales[row] * queryScale));
    } else {
      ids.forEach((row, i) => (scores[i] = this.dot(row) * this.scales[row] * queryScale));
    }
    return scores;
  }

  /**
   * Every row's count of sign bits (of dim) that differ from the query's. From the kernel, a view of
   * its output in the kernels' memory: read it before the next call of this scorer.
   */
  signDistances(query: Float32Array): Int32Array {
    const bits = this.signBits();
    const { kernels, signStride, size } = this;
    const queryBits = new Uint8Array(signStride);
    packSigns(query, 0, this.dim, queryBits, 0);
    if (kernels) {
      new Uint8Array(kernels.memory.buffer, this.at.queryBits, signStride).set(queryBits);
      kernels.hamming(this.at.bits, size, signStride, this.at.queryBits, this.at.out);
      return new Int32Array(kernels.memory.buffer, this.at.out, size);
    }
    const distances = new Int32Array(size);
    for (let row = 0; row < size; row++) {
      let count = 0;
      for (let b = 0; b < signStride; b++) count += POPCOUNT[bits[row * signStride + b] ^ queryBits[b]];
      distances[row] = count;
    }
    return distances;
  }

  /** The sign bits of every row (size x signStride bytes), derived on the first call. */
  signBits(): Uint8Array {
    if (this.bits) return this.bits;
    const { kernels, dim, signStride, size } = this;
    if (kernels) {
      kernels.signBits(this.at.vectors, size, dim, this.at.bits, signStride);
      this.bits = new Uint8Array(kernels.memory.buffer, this.at.bits, size * signStride);
    } else {
      const bits = new Uint8Array(size * signStride);
      for (let row = 0; row < size; row++) packSigns(this.vectors, row * dim, dim, bits, row * signStride);
      this.bits = bits;
    }
    return this.bits;
  }

  /** Quantizes `query` to int16 (into the kernels' memory too) and returns its scale. */
  private setQuery(query: Float32Array): number {
    const scale = quantizeQuery(query, this.query);
    if (this.kernels) new Int16Array(this.kernels.memory.buffer, this.at.query, this.dim).set(this.query);
    return scale;
  }

  /** The plain loop: row's int8 vector against the int16 query. */
  private dot(row: number): number {
    return int8Dot(this.vectors, row * this.dim, this.query);
  }
}

/** The plain loop the kernels stand in for: the int8 values from `at` against the int16 query, an exact integer. */
export function int8Dot(values: Int8Array, at: number, query: Int16Array): number {
  let sum = 0;
  for (let d = 0; d < query.length; d++) sum += values[at + d] * query[d];
  return sum;
}
