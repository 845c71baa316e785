/**
 * Symmetric int8 weights with one scale per row (per output channel of a PyTorch [out, in] matrix):
 * value ≈ q * scale[row], scale = max |row| / 127, q = round(value / scale) in [-127, 127]. Shared by
 * the GPU's int8 matrices and the CPU backend's int8 graph, so both compute with the same integers.
 */
export interface QuantizedRows {
  readonly q: Int8Array;
  readonly scales: Float32Array;
}

/**
 * One vector, symmetric, into `out`'s integers: q = round(v / scale), scale = max|v| / `levels` (127 for
 * int8, 32767 for int16), all zeros and scale 0 for an all-zero vector; returns the scale. The search
 * index's int8 vectors and its int16 queries (src/search).
 */
export function quantizeSymmetric(v: ArrayLike<number>, out: Int8Array | Int16Array, levels: number): number {
  let max = 0;
  for (let i = 0; i < out.length; i++) max = Math.max(max, Math.abs(v[i]));
  const scale = max / levels;
  for (let i = 0; i < out.length; i++) out[i] = scale > 0 ? Math.round(v[i] / scale) : 0;
  return scale;
}

/** One row into `out` (its length is the row's): the integers, and the scale returned. */
export function quantizeRowInto(row: Float32Array, out: Int8Array): number {
  let max = 0;
  for (let c = 0; c < out.length; c++) max = Math.max(max, Math.abs(row[c]));
  const scale = Math.fround(max / 127) || 1;
  const inverse = 1 / scale;
  for (let c = 0; c < out.length; c++) out[c] = Math.round(row[c] * inverse);
  return scale;
}

/** A matrix of `rows` x `cols`, its rows given one at a time by `rowAt` (no f32 copy of the whole matrix needed). */
export function quantizeEachRow(rows: number, cols: number, rowAt: (row: number) => Float32Array): QuantizedRows {
  const q = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) scales[r] = quantizeRowInto(rowAt(r), q.subarray(r * cols, (r + 1) * cols));
  return { q, scales };
}

export function quantizeRows(values: Float32Array, rows: number, cols: number): QuantizedRows {
  return quantizeEachRow(rows, cols, (r) => values.subarray(r * cols, (r + 1) * cols));
}
