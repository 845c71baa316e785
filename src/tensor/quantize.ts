/**
 * Symmetric int8 weights with one scale per row (per output channel of a PyTorch [out, in] matrix):
 * value ≈ q * scale[row], scale = max |row| / 127, q = round(value / scale) in [-127, 127]. Shared by
 * the GPU's int8 matrices and the CPU backend's int8 graph, so both compute with the same integers.
 */
export interface QuantizedRows {
  readonly q: Int8Array;
  readonly scales: Float32Array;
}

export function quantizeRows(values: Float32Array, rows: number, cols: number): QuantizedRows {
  const q = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = values.subarray(r * cols, (r + 1) * cols);
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(row[c]));
    const scale = Math.fround(max / 127) || 1;
    scales[r] = scale;
    const inverse = 1 / scale;
    for (let c = 0; c < cols; c++) q[r * cols + c] = Math.round(row[c] * inverse);
  }
  return { q, scales };
}
