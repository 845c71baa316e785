/**
 * The CPU linear layers in WebAssembly SIMD: x [m, k] w^T ([n, k]) in f32x4 lanes, then matmul.ts's
 * epilogue (bias, ReLU, accumulate, SwiGLU) in JavaScript, so that the `reference` device embeds a
 * query as fast as a small model allows without onnxruntime-web's 14 MB (the search box).
 *
 * `products(x, w, y, rows, n, k)`: y[r][j] = sum_p x[r][p] * w[j][p] for r < rows, j < n; x f32 [rows, k],
 *   w f32 [n, k], y f32 [rows, n], byte offsets; rows a multiple of 4, k of 4. Each weight row is read once
 *   for four rows of x, into four f32x4 accumulators (lane l sums the p = l mod 4 terms), their lanes
 *   added at the end: f32 sums in another order than matmulReference's f64 ones (test/matmul-wasm.test.ts
 *   holds them to the kernel tolerance).
 *
 * Weights are copied into the module's memory the first time a matrix is used (by identity, a WeakMap),
 * up to WEIGHT_BYTES_LIMIT; x and y go above them each call. A matrix past the limit (or past the memory
 * the runtime gives WebAssembly), a k that is not a multiple of 4, or a runtime that cannot run the
 * module takes matmulReference.
 */
import { forLoop, instantiated, op, reserved, sumLanes, wasmModule, type WasmFunction } from '../wasm/wasm-encoding';
import { matmulReference, withEpilogue, type CpuEpilogue, type CpuMatmul } from './matmul';

const { get, set, i32 } = op;

/** The most weight bytes copied into the module's memory: a larger model's reference stays in plain loops. */
const WEIGHT_BYTES_LIMIT = 512 * 2 ** 20;

/** Locals: params x 0, w 1, y 2, rows 3, n 4, k 5; j 6, r 7, p 8, wRow 9, x0 10, kBytes 11, yAt 12, nBytes 13; v128 acc0-3 14-17, weight 18. */
const [X, W, Y, ROWS, N, K, J, R, P, W_ROW, X0, K_BYTES, Y_AT, N_BYTES] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
const ACC = [14, 15, 16, 17];
const WEIGHT = 18;

/** The address of x's row r + i at byte p: x0 + i * kBytes + p. */
const xAt = (i: number) => [...get(X0), ...get(K_BYTES), ...i32(i), ...op.i32Mul, ...op.i32Add, ...get(P), ...op.i32Add];

function productsKernel(): WasmFunction {
  return {
    name: 'products',
    params: 6,
    i32Locals: 8,
    v128Locals: 5,
    body: [
      ...get(K), ...i32(2), ...op.i32Shl, ...set(K_BYTES),
      ...get(N), ...i32(2), ...op.i32Shl, ...set(N_BYTES),
      ...i32(0), ...set(J),
      ...forLoop(J, get(N), i32(1), [
        ...get(W), ...get(J), ...get(K_BYTES), ...op.i32Mul, ...op.i32Add, ...set(W_ROW),
        ...i32(0), ...set(R),
        ...forLoop(R, get(ROWS), i32(4), [
          ...get(X), ...get(R), ...get(K_BYTES), ...op.i32Mul, ...op.i32Add, ...set(X0),
          ...ACC.flatMap((acc) => [...op.v128Zero, ...set(acc)]),
          ...i32(0), ...set(P),
          ...forLoop(P, get(K_BYTES), i32(16), [
            ...get(W_ROW), ...get(P), ...op.i32Add, ...op.v128Load(), ...set(WEIGHT),
            ...ACC.flatMap((acc, i) => [...get(acc), ...xAt(i), ...op.v128Load(), ...get(WEIGHT), ...op.f32x4Mul, ...op.f32x4Add, ...set(acc)]),
          ]),
          ...get(Y), ...get(R), ...get(N_BYTES), ...op.i32Mul, ...op.i32Add, ...get(J), ...i32(2), ...op.i32Shl, ...op.i32Add, ...set(Y_AT),
          ...ACC.flatMap((acc, i) => [...get(Y_AT), ...get(N_BYTES), ...i32(i), ...op.i32Mul, ...op.i32Add, ...sumLanes(acc, 'f32'), ...op.f32Store()]),
        ]),
      ]),
    ],
  };
}

export const MATMUL_KERNELS = wasmModule([productsKernel()]);

interface MatmulExports {
  readonly memory: WebAssembly.Memory;
  products(x: number, w: number, y: number, rows: number, n: number, k: number): void;
}

/**
 * matmulReference's arguments and result, x w^T computed by the WASM SIMD kernel; undefined where it
 * cannot run (no WebAssembly or SIMD, or a page that forbids compiling it: wasm-encoding.ts).
 */
export function wasmMatmul(): CpuMatmul | undefined {
  const kernels = instantiated<MatmulExports>(MATMUL_KERNELS);
  if (!kernels) return undefined;
  const offsets = new WeakMap<Float32Array, number>();
  let top = 0;

  /** Where w lies in the module's memory, copied there on its first use; undefined past the limit. */
  const placed = (w: Float32Array): number | undefined => {
    const known = offsets.get(w);
    if (known !== undefined || top + w.byteLength > WEIGHT_BYTES_LIMIT || !reserved(kernels.memory, top + w.byteLength)) return known;
    new Float32Array(kernels.memory.buffer, top, w.length).set(w);
    offsets.set(w, top);
    top += w.byteLength;
    return top - w.byteLength;
  };

  return (x: Float32Array, w: Float32Array, m: number, n: number, k: number, epilogue: CpuEpilogue): Float32Array => {
    const at = k % 4 === 0 ? placed(w) : undefined;
    const rows = Math.ceil(m / 4) * 4;
    const [xAt, yAt] = [top, top + rows * k * 4];
    if (at === undefined || !reserved(kernels.memory, yAt + rows * n * 4)) return matmulReference(x, w, m, n, k, epilogue);
    const xs = new Float32Array(kernels.memory.buffer, xAt, rows * k);
    xs.set(x.subarray(0, m * k));
    xs.fill(0, m * k);
    kernels.products(xAt, at, yAt, rows, n, k);
    return withEpilogue(new Float32Array(kernels.memory.buffer, yAt, m * n), m, n, epilogue);
  };
}
