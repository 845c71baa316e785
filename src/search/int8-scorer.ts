/**
 * Dense scores of a whole index at once: the dot product of every int8 vector with the query, in a
 * small WebAssembly SIMD kernel written out below (no toolchain: the bytes are the kernel). The query
 * is quantized to int16 (scale max|q| / 32767), so a 16-lane step is two i8x16 -> i16x8 extensions
 * and two i32x4.dot_i16x8_s, accumulated exactly in i32 (|sum| < 2^31 for dim <= 4096); where dim is a
 * multiple of 32, `scores32` takes two steps a loop turn into two accumulators. The caller
 * multiplies each integer by the vector's scale and the query's. Where SIMD is missing, or dim is not a
 * multiple of 16, a plain loop computes the same integers.
 *
 * Kernel `scores(vectors, n, dim, query, out)`, all byte offsets into the module's memory:
 *   for i < n: acc = 0; for d < dim step 16:
 *     a = v128.load(vectors + i*dim + d)                    16 x i8 of vector i
 *     acc += dot(extend_low(a), v128.load(query + 2d))      8 x i16 of the query
 *     acc += dot(extend_high(a), v128.load(query + 2d + 16))
 *   out[i] = acc.lane0 + acc.lane1 + acc.lane2 + acc.lane3  (i32)
 */

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
};
const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string) => [...uleb(s.length), ...new TextEncoder().encode(s)];

// Locals: params vectors 0, n 1, dim 2, query 3, out 4; i 5, d 6, row 7 (i32); acc 8, a 9, b 10, acc2 11 (v128).
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const V128_LOAD = (offset: number) => [0xfd, 0x00, 0x00, ...uleb(offset)];
const EXTEND_LOW_I8 = [0xfd, 0x87, 0x01];
const EXTEND_HIGH_I8 = [0xfd, 0x88, 0x01];
const DOT_I16 = [0xfd, 0xba, 0x01];
const ADD_I32X4 = [0xfd, 0xae, 0x01];
const LANE = (k: number) => [0xfd, 0x1b, k];
const I32_ADD = [0x6a];
const I32_SHL = [0x74];
const I32_GE_U = [0x4f];
const i32 = (v: number) => [0x41, ...sleb(v)];
const queryAt = (offset: number) => [...get(3), ...get(6), ...i32(1), ...I32_SHL, ...I32_ADD, ...V128_LOAD(offset), ...set(10)];
const accumulate = (acc: number, extend: number[]) => [...get(acc), ...get(9), ...extend, ...get(10), ...DOT_I16, ...ADD_I32X4, ...set(acc)];
/** 16 lanes of vector i at byte d + 16 * step into accumulator `acc`. */
const step16 = (step: number, acc: number) => [
  ...get(7), ...get(6), ...I32_ADD, ...V128_LOAD(16 * step), ...set(9),
  ...queryAt(32 * step), ...accumulate(acc, EXTEND_LOW_I8),
  ...queryAt(32 * step + 16), ...accumulate(acc, EXTEND_HIGH_I8),
];

/** The kernel, taking `unroll` 16-lane steps a loop turn (dim must be a multiple of 16 x unroll) into two accumulators. */
function kernelBody(unroll: 1 | 2): number[] {
  return [
    ...[0x02, 0x03, 0x7f, 0x04, 0x7b], // locals: 3 x i32, 4 x v128
    ...get(0), ...set(7),
    0x02, 0x40, 0x03, 0x40, // block, loop over rows
    ...get(5), ...get(1), ...I32_GE_U, 0x0d, 0x01,
    0xfd, 0x0c, ...new Array(16).fill(0), ...set(8),
    0xfd, 0x0c, ...new Array(16).fill(0), ...set(11),
    ...i32(0), ...set(6),
    0x02, 0x40, 0x03, 0x40, // block, loop over steps
    ...get(6), ...get(2), ...I32_GE_U, 0x0d, 0x01,
    ...step16(0, 8),
    ...(unroll === 2 ? step16(1, 11) : []),
    ...get(6), ...i32(16 * unroll), ...I32_ADD, ...set(6),
    0x0c, 0x00, 0x0b, 0x0b,
    ...get(8), ...get(11), ...ADD_I32X4, ...set(8),
    ...get(4), ...get(5), ...i32(2), ...I32_SHL, ...I32_ADD,
    ...get(8), ...LANE(0), ...get(8), ...LANE(1), ...I32_ADD, ...get(8), ...LANE(2), ...I32_ADD, ...get(8), ...LANE(3), ...I32_ADD,
    0x36, 0x02, 0x00, // i32.store
    ...get(7), ...get(2), ...I32_ADD, ...set(7),
    ...get(5), ...i32(1), ...I32_ADD, ...set(5),
    0x0c, 0x00, 0x0b, 0x0b,
    0x0b,
  ];
}

const bodies = [kernelBody(1), kernelBody(2)];
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
  ...section(3, [2, 0, 0]),
  ...section(5, [1, 0x00, 1]),
  ...section(7, [3, ...name('memory'), 0x02, 0, ...name('scores'), 0x00, 0, ...name('scores32'), 0x00, 1]),
  ...section(10, [2, ...bodies.flatMap((b) => [...uleb(b.length), ...b])]),
]);

const PAGE = 65536;
const align16 = (n: number) => Math.ceil(n / 16) * 16;

export class Int8Scorer {
  private readonly kernel?: { memory: WebAssembly.Memory; scores: (v: number, n: number, dim: number, q: number, out: number) => void };
  private readonly layout = { vectors: 0, query: 0, out: 0 };
  private readonly query: Int16Array;

  /** `vectors` is [n, dim] row-major. */
  constructor(
    private readonly vectors: Int8Array,
    private readonly n: number,
    private readonly dim: number,
  ) {
    this.query = new Int16Array(dim);
    if (dim % 16 !== 0 || typeof WebAssembly === 'undefined' || !WebAssembly.validate(MODULE)) return;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(MODULE));
    const memory = instance.exports.memory as WebAssembly.Memory;
    this.layout.query = align16(n * dim);
    this.layout.out = align16(this.layout.query + 2 * dim);
    const bytes = this.layout.out + 4 * n;
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
    new Int8Array(memory.buffer, 0, n * dim).set(vectors);
    const exported = dim % 32 === 0 ? instance.exports.scores32 : instance.exports.scores;
    this.kernel = { memory, scores: exported as (v: number, n: number, dim: number, q: number, out: number) => void };
  }

  get usesSimd(): boolean {
    return this.kernel !== undefined;
  }

  /** Quantizes `query` to int16 and returns (integer dot products, the query's scale). */
  dots(query: Float32Array): { dots: Int32Array; queryScale: number } {
    let max = 0;
    for (let d = 0; d < this.dim; d++) max = Math.max(max, Math.abs(query[d]));
    const queryScale = max / 32767;
    for (let d = 0; d < this.dim; d++) this.query[d] = queryScale > 0 ? Math.round(query[d] / queryScale) : 0;
    const { kernel, n, dim } = this;
    if (kernel) {
      new Int16Array(kernel.memory.buffer, this.layout.query, dim).set(this.query);
      kernel.scores(this.layout.vectors, n, dim, this.layout.query, this.layout.out);
      return { dots: new Int32Array(kernel.memory.buffer, this.layout.out, n), queryScale };
    }
    const dots = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += this.vectors[i * dim + d] * this.query[d];
      dots[i] = s;
    }
    return { dots, queryScale };
  }
}
