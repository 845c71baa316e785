/** A checkpoint tensor's values as f32: float dtypes widened exactly, I8 matrices times their row scales. */
import { CheckpointError } from '../errors';
import { DTYPE_BYTES, widenToF32 } from './dtype';
import type { RawTensor } from './safetensors';

function rowScales(t: RawTensor): Float32Array {
  if (!t.scales) throw new CheckpointError(t.file, `tensor "${t.name}" is I8 without row scales`);
  return t.scales;
}

/** All values, row-major. */
export function tensorValues(t: RawTensor): Float32Array {
  if (t.dtype !== 'I8') return widenToF32(t.bytes, t.dtype);
  const scales = rowScales(t);
  const q = new Int8Array(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const cols = q.length / scales.length;
  return Float32Array.from(q, (v, i) => v * scales[Math.floor(i / cols)]);
}

/** The values of row `row` of a matrix. */
export function rowValues(t: RawTensor, row: number): Float32Array {
  const cols = t.shape[t.shape.length - 1];
  const bytes = t.bytes.subarray(row * cols * DTYPE_BYTES[t.dtype], (row + 1) * cols * DTYPE_BYTES[t.dtype]);
  if (t.dtype !== 'I8') return widenToF32(bytes, t.dtype);
  const scale = rowScales(t)[row];
  return Float32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), (v) => v * scale);
}

/** A typed array's bytes, as a view (no copy). */
export function bytesOf(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** The arrays one after another in one Float32Array. */
export function concat(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}
