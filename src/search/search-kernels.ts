/**
 * The dense-search kernels, one WebAssembly SIMD module (written out with wasm-encoding.ts; the bytes
 * are the kernel). All arguments are byte offsets into the module's memory, or counts; rows are
 * row-major. dense-scorer.ts lays the memory out, and holds the plain loops that compute the same
 * integers where SIMD is missing (its tests compare the two).
 *
 * `scores(vectors, n, dim, query, out)` and `scores32` (dim a multiple of 32: two 16-lane steps a
 *   loop turn into two accumulators), `scoresAt(vectors, n, dim, query, out, ids)` (the rows ids[0..n)):
 *   out[i] = sum_d vectors[row i][d] * query[d] as i32; vectors int8 [rows, dim], dim a multiple of 16;
 *   query int16 [dim]. A 16-lane step is two i8x16 -> i16x8 extensions and two i32x4.dot_i16x8_s,
 *   exact in i32 (|sum| < 2^31 for dim <= 4096).
 * `signBits(vectors, n, dim, out, stride)`: out[row i] (stride bytes, stride >= dim / 8) = the sign bits
 *   of vector i, bit d set where vectors[i][d] < 0 (i8x16.bitmask, 16 dims to 2 bytes, little-endian).
 * `hamming(bits, n, stride, query, out)`: out[i] = the number of bits where row i of `bits` (stride
 *   bytes, a multiple of 16) differs from `query`: popcnt(xor), widened to i16 lanes each step (a lane
 *   counts at most 16 bits a step) and to i32 once a row.
 */
import { forLoop, instantiated, op, sumLanes, wasmModule, type WasmFunction } from '../wasm/wasm-encoding';

const { get, set, i32 } = op;

/**
 * Locals of the dot-product kernels: params vectors 0, n 1, dim 2, query 3, out 4, ids 5; i 6, d 7,
 * row 8; acc 9, acc2 10, a 11, b 12. The contiguous kernels take no ids: their local 5 is an unused i32,
 * so that both number their locals alike.
 */
const [VECTORS, N, DIM, QUERY, OUT, IDS, I, D, ROW, ACC, ACC2, A, B] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** acc += the 16 lanes of row at byte d + 16 * step, against the query's int16 lanes there. */
function step16(step: number, acc: number): number[] {
  const query = (offset: number) => [...get(QUERY), ...get(D), ...i32(1), ...op.i32Shl, ...op.i32Add, ...op.v128Load(offset), ...set(B)];
  const accumulate = (extend: number[]) => [...get(acc), ...get(A), ...extend, ...get(B), ...op.i32x4DotI16x8S, ...op.i32x4Add, ...set(acc)];
  return [
    ...get(ROW), ...get(D), ...op.i32Add, ...op.v128Load(16 * step), ...set(A),
    ...query(32 * step), ...accumulate(op.i16x8ExtendLowI8x16S),
    ...query(32 * step + 16), ...accumulate(op.i16x8ExtendHighI8x16S),
  ];
}

function dotKernel(name: string, unroll: 1 | 2, gathered: boolean): WasmFunction {
  const rowNumber = gathered ? [...get(IDS), ...get(I), ...i32(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load()] : get(I);
  return {
    name,
    params: gathered ? 6 : 5,
    i32Locals: gathered ? 3 : 4,
    v128Locals: 4,
    body: forLoop(I, get(N), i32(1), [
      ...get(VECTORS), ...rowNumber, ...get(DIM), ...op.i32Mul, ...op.i32Add, ...set(ROW),
      ...op.v128Zero, ...set(ACC), ...op.v128Zero, ...set(ACC2),
      ...i32(0), ...set(D),
      ...forLoop(D, get(DIM), i32(16 * unroll), [...step16(0, ACC), ...(unroll === 2 ? step16(1, ACC2) : [])]),
      ...get(ACC), ...get(ACC2), ...op.i32x4Add, ...set(ACC),
      ...get(OUT), ...get(I), ...i32(2), ...op.i32Shl, ...op.i32Add, ...sumLanes(ACC), ...op.i32Store(),
    ]),
  };
}

/** Locals of signBits: params vectors 0, n 1, dim 2, out 3, stride 4; i 5, d 6. */
function signBitsKernel(): WasmFunction {
  const [vectors, n, dim, out, stride, i, d] = [0, 1, 2, 3, 4, 5, 6];
  return {
    name: 'signBits',
    params: 5,
    i32Locals: 2,
    v128Locals: 0,
    body: forLoop(i, get(n), i32(1), [
      ...i32(0), ...set(d),
      ...forLoop(d, get(dim), i32(16), [
        ...get(out), ...get(i), ...get(stride), ...op.i32Mul, ...op.i32Add, ...get(d), ...i32(3), ...op.i32ShrU, ...op.i32Add,
        ...get(vectors), ...get(i), ...get(dim), ...op.i32Mul, ...op.i32Add, ...get(d), ...op.i32Add, ...op.v128Load(), ...op.i8x16Bitmask,
        ...op.i32Store16(),
      ]),
    ]),
  };
}

/** Locals of hamming: params bits 0, n 1, stride 2, query 3, out 4; i 5, b 6, row 7; acc 8. */
function hammingKernel(): WasmFunction {
  const [bits, n, stride, query, out, i, b, row, acc] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  return {
    name: 'hamming',
    params: 5,
    i32Locals: 3,
    v128Locals: 1,
    body: forLoop(i, get(n), i32(1), [
      ...get(bits), ...get(i), ...get(stride), ...op.i32Mul, ...op.i32Add, ...set(row),
      ...op.v128Zero, ...set(acc),
      ...i32(0), ...set(b),
      ...forLoop(b, get(stride), i32(16), [
        ...get(acc),
        ...get(row), ...get(b), ...op.i32Add, ...op.v128Load(),
        ...get(query), ...get(b), ...op.i32Add, ...op.v128Load(),
        ...op.v128Xor, ...op.i8x16Popcnt, ...op.i16x8ExtaddPairwiseI8x16U, ...op.i16x8Add, ...set(acc),
      ]),
      ...get(acc), ...op.i32x4ExtaddPairwiseI16x8U, ...set(acc),
      ...get(out), ...get(i), ...i32(2), ...op.i32Shl, ...op.i32Add, ...sumLanes(acc), ...op.i32Store(),
    ]),
  };
}

export const SEARCH_KERNELS = wasmModule([
  dotKernel('scores', 1, false),
  dotKernel('scores32', 2, false),
  dotKernel('scoresAt', 1, true),
  signBitsKernel(),
  hammingKernel(),
]);

export interface SearchKernels {
  readonly memory: WebAssembly.Memory;
  scores(vectors: number, n: number, dim: number, query: number, out: number): void;
  scores32(vectors: number, n: number, dim: number, query: number, out: number): void;
  scoresAt(vectors: number, n: number, dim: number, query: number, out: number, ids: number): void;
  signBits(vectors: number, n: number, dim: number, out: number, stride: number): void;
  hamming(bits: number, n: number, stride: number, query: number, out: number): void;
}

/** The kernels, or undefined where they cannot run (no WebAssembly or SIMD, or a page that forbids compiling it: wasm-encoding.ts). */
export function instantiateSearchKernels(): SearchKernels | undefined {
  return instantiated<SearchKernels>(SEARCH_KERNELS);
}
