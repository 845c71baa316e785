/** Linear layers: out (=|+=) act(x W^T + bias), weights in their stored dtype, split into row parts. */
import type { DType } from '../tensor/dtype';
import type { KernelSpec, CompiledKernel } from '../gpu/pipelines';
import { type Binding, type PassRecorder } from '../gpu/recorder';
import { SHADERS, wgslConst, withRotaryEpilogue, withWeightReader } from '../gpu/shaders';
import { partBytes, type WeightMatrix } from './weights';

export interface MatmulEpilogue {
  readonly bias: boolean;
  readonly relu: boolean;
  readonly accumulate: boolean;
  /** Rows of W alternate gate and up; out = silu(gate) * up, half as wide. Not combined with the others. */
  readonly swiglu?: boolean;
  /**
   * RoPE on the first `columns` output columns (q and k heads of `headDim`), after the bias; W's and the
   * bias's rows must be in rotaryPairOrder (model/rope.ts).
   */
  readonly rotary?: { readonly headDim: number; readonly columns: number };
}

export const MATMUL_TILE = wgslConst(SHADERS.matmul, 'TILE');

/** The pipeline key of a matmul variant, without building its source (for lookups on the hot path). */
export function matmulKey(dtype: DType, epilogue: MatmulEpilogue, workgroup: readonly [number, number] = [16, 4]): string {
  const { rotary } = epilogue;
  const flags = [epilogue.bias && 'bias', rotary && `rotary${rotary.headDim}x${rotary.columns}`, epilogue.relu && 'relu', epilogue.accumulate && 'acc', epilogue.swiglu && 'swiglu'].filter(Boolean).join('_');
  return `matmul_${dtype.toLowerCase()}_wg${workgroup[0]}x${workgroup[1]}${flags ? `_${flags}` : ''}`;
}

export function matmulSpec(dtype: DType, epilogue: MatmulEpilogue, workgroup: readonly [number, number] = [16, 4]): KernelSpec {
  if (epilogue.swiglu && (epilogue.bias || epilogue.relu || epilogue.accumulate || epilogue.rotary)) throw new Error('the swiglu epilogue is not combined with bias, relu, accumulate or rotary');
  const { rotary } = epilogue;
  const constants: Record<string, number | boolean> = { WORKGROUP_X: workgroup[0], WORKGROUP_Y: workgroup[1], ADD_BIAS: epilogue.bias, RELU: epilogue.relu, ACCUMULATE: epilogue.accumulate, SWIGLU: Boolean(epilogue.swiglu) };
  if (rotary) Object.assign(constants, { ROTARY_HEAD_DIM: rotary.headDim, ROTARY_COLUMNS: rotary.columns });
  return {
    key: matmulKey(dtype, epilogue, workgroup),
    source: withWeightReader(dtype, withRotaryEpilogue(Boolean(rotary), SHADERS.matmul)),
    constants,
  };
}

export interface MatmulArgs {
  /** Input activations, [m, k] f32 starting at element xOffset. */
  readonly x: Binding;
  readonly xOffset?: number;
  readonly weight: WeightMatrix;
  /** f32 bias of weight.rows values; bind any buffer when the kernel has no bias. */
  readonly bias: Binding;
  readonly out: Binding;
  readonly outOffset?: number;
  /** Row stride of out in elements (defaults to its width: weight.rows, or half of it for swiglu). */
  readonly outStride?: number;
  readonly m: number;
  /** For a kernel with the rotary epilogue: each row's token position and the (cos, sin) table. */
  readonly rotary?: { readonly positions: Binding; readonly table: Binding };
}

export function recordMatmul(rec: PassRecorder, kernel: CompiledKernel, args: MatmulArgs): void {
  const { weight, m } = args;
  const wx = kernel.constants.WORKGROUP_X as number;
  const wy = kernel.constants.WORKGROUP_Y as number;
  for (const part of weight.parts) {
    const params = {
      m,
      n: part.rows,
      k_len: weight.cols,
      x_offset: args.xOffset ?? 0,
      y_offset: args.outOffset ?? 0,
      y_stride: args.outStride ?? (kernel.constants.SWIGLU ? weight.rows / 2 : weight.rows),
      y_col: part.rowStart,
    };
    const groupsX = Math.ceil(part.rows / MATMUL_TILE / wx);
    const groupsY = Math.ceil(m / MATMUL_TILE / wy);
    const lastColumn = kernel.constants.SWIGLU ? (part.rowStart + part.rows) / 2 : part.rowStart + part.rows;
    const bytes = {
      weights: partBytes(weight, part),
      weight_scales: 4 * part.rows,
      x: 4 * (params.x_offset + m * weight.cols),
      bias: kernel.constants.ADD_BIAS ? 4 * weight.rows : 0,
      out: 4 * (params.y_offset + (m - 1) * params.y_stride + lastColumn),
      rotary_positions: 4 * m,
      rotary_table: 0,
    };
    rec.dispatch(
      kernel,
      params,
      { weights: part.buffer, x: args.x, bias: args.bias, out: args.out, rotary_positions: args.rotary?.positions, rotary_table: args.rotary?.table, weight_scales: part.scales },
      [groupsX, groupsY],
      bytes,
    );
  }
}

/** The rows of x the CPU reference takes at a time, dotFourRows's four (x is padded with zero rows to a multiple). */
const REFERENCE_ROWS = 4;

/**
 * x's rows r to r + 3 (x [_, k]) against w's row from wAt, into sums: the weight row is read once for
 * four rows, and the four running sums do not wait on each other, where one sum runs at a multiply-add
 * per add's latency. Each sum adds in the order of a plain dot product.
 */
function dotFourRows(x: Float32Array, r: number, w: Float32Array, wAt: number, k: number, sums: Float64Array): void {
  const a0 = r * k;
  const a1 = a0 + k;
  const a2 = a1 + k;
  const a3 = a2 + k;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let p = 0; p < k; p++) {
    const weight = w[wAt + p];
    s0 += x[a0 + p] * weight;
    s1 += x[a1 + p] * weight;
    s2 += x[a2 + p] * weight;
    s3 += x[a3 + p] * weight;
  }
  sums[0] = s0;
  sums[1] = s1;
  sums[2] = s2;
  sums[3] = s3;
}

/** x [m, k] w^T ([n, k]) as [m, n] float64 sums, each in a plain dot product's order. */
function productsReference(x: Float32Array, w: Float32Array, m: number, n: number, k: number): Float64Array {
  const rows = new Float32Array(Math.ceil(m / REFERENCE_ROWS) * REFERENCE_ROWS * k);
  rows.set(x.subarray(0, m * k));
  const products = new Float64Array(m * n);
  const sums = new Float64Array(REFERENCE_ROWS);
  for (let j = 0; j < n; j++) {
    for (let r = 0; r < m; r += REFERENCE_ROWS) {
      dotFourRows(rows, r, w, j * k, k, sums);
      for (let i = r; i < Math.min(r + REFERENCE_ROWS, m); i++) products[i * n + j] = sums[i - r];
    }
  }
  return products;
}

/** What the CPU linear layers take besides x and w: the epilogue, with the bias's values and the output to accumulate into. */
export type CpuEpilogue = MatmulEpilogue & { biasValues?: Float32Array; into?: Float32Array };

/**
 * The epilogue over x w^T's [m, n] `products`: act(products + bias) (+ y when accumulating); with swiglu,
 * the columns alternate gate and up (each rounded to f32, as a stored product is) and y is [m, n / 2] =
 * silu(gate) * up.
 */
export function withEpilogue(products: Float64Array | Float32Array, m: number, n: number, epilogue: CpuEpilogue): Float32Array {
  if (epilogue.swiglu) {
    const y = new Float32Array((m * n) / 2);
    for (let i = 0; i < y.length; i++) {
      const [gate, up] = [Math.fround(products[2 * i]), Math.fround(products[2 * i + 1])];
      y[i] = (gate / (1 + Math.exp(-gate))) * up;
    }
    return y;
  }
  const y = epilogue.into ?? new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = products[i * n + j];
      if (epilogue.bias && epilogue.biasValues) sum += epilogue.biasValues[j];
      if (epilogue.relu) sum = Math.max(sum, 0);
      y[i * n + j] = epilogue.accumulate ? y[i * n + j] + sum : sum;
    }
  }
  return y;
}

/**
 * CPU reference: x [m, k], w [n, k] -> y [m, n] = act(x w^T + bias) (+ y when accumulating); with
 * swiglu, w's rows alternate gate and up and y is [m, n / 2] = silu(gate) * up.
 */
export function matmulReference(x: Float32Array, w: Float32Array, m: number, n: number, k: number, epilogue: CpuEpilogue): Float32Array {
  return withEpilogue(productsReference(x, w, m, n, k), m, n, epilogue);
}

/** A CPU linear layer with matmulReference's arguments: the reference itself, or matmul-wasm.ts's. */
export type CpuMatmul = typeof matmulReference;
