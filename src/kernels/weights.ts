/**
 * Weight matrices on the GPU, kept in their stored dtype (BF16 and F16 packed two per u32) and split
 * by rows into parts where one would exceed the adapter's storage-binding limit. Several tensors can
 * be stacked into one matrix (q|k|v, gate|up) so that one matmul computes them all.
 */
import { CheckpointError } from '../errors';
import { DTYPE_BYTES, widenToF32, type DType } from '../model/dtype';
import type { RawTensor } from '../model/safetensors';

export interface WeightPart {
  readonly buffer: GPUBuffer;
  readonly rowStart: number;
  readonly rows: number;
}

export interface WeightMatrix {
  readonly dtype: DType;
  readonly rows: number;
  readonly cols: number;
  readonly parts: readonly WeightPart[];
}

/** Rows per part so that a part fits in `maxBindingBytes`. */
export function rowsPerPart(cols: number, dtype: DType, maxBindingBytes: number, label: string): number {
  const rowBytes = cols * DTYPE_BYTES[dtype];
  const rows = Math.floor((maxBindingBytes - 4) / rowBytes);
  if (rows < 1) throw new CheckpointError(label, `one row of ${rowBytes} bytes does not fit in a storage binding of ${maxBindingBytes} bytes`);
  return rows;
}

function f32Bytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** Uploads tensors stacked along rows; all must share the column count. Mixed dtypes are widened to F32. */
export function uploadMatrix(device: GPUDevice, label: string, tensors: readonly RawTensor[], maxBindingBytes: number): WeightMatrix {
  const cols = tensors[0].shape[tensors[0].shape.length - 1];
  const sameDtype = tensors.every((t) => t.dtype === tensors[0].dtype);
  const dtype: DType = sameDtype ? tensors[0].dtype : 'F32';
  const sources = tensors.map((t) => (sameDtype ? t.bytes : f32Bytes(widenToF32(t.bytes, t.dtype))));
  const rowBytes = cols * DTYPE_BYTES[dtype];
  const rows = sources.reduce((sum, s) => sum + s.byteLength / rowBytes, 0);
  const perPart = rowsPerPart(cols, dtype, maxBindingBytes, label);
  const parts: WeightPart[] = [];
  for (let rowStart = 0; rowStart < rows; rowStart += perPart) {
    const partRows = Math.min(perPart, rows - rowStart);
    const size = Math.ceil((partRows * rowBytes) / 4) * 4;
    const buffer = device.createBuffer({ label: `${label}[${rowStart}..]`, size, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
    const target = new Uint8Array(buffer.getMappedRange());
    let written = 0;
    let sourceRow = 0;
    for (const source of sources) {
      const sourceRows = source.byteLength / rowBytes;
      const from = Math.max(rowStart, sourceRow);
      const to = Math.min(rowStart + partRows, sourceRow + sourceRows);
      if (from < to) {
        target.set(source.subarray((from - sourceRow) * rowBytes, (to - sourceRow) * rowBytes), written);
        written += (to - from) * rowBytes;
      }
      sourceRow += sourceRows;
    }
    buffer.unmap();
    parts.push({ buffer, rowStart, rows: partRows });
  }
  return { dtype, rows, cols, parts };
}

/** Uploads small f32 vectors (norm weights, biases), concatenated. */
export function uploadVector(device: GPUDevice, label: string, tensors: readonly RawTensor[]): GPUBuffer {
  const values = tensors.map((t) => widenToF32(t.bytes, t.dtype));
  return uploadF32(device, label, concat(values), GPUBufferUsage.STORAGE);
}

export function concat(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

export function uploadF32(device: GPUDevice, label: string, values: Float32Array | Uint32Array, usage: GPUBufferUsageFlags): GPUBuffer {
  const buffer = device.createBuffer({ label, size: vec4Aligned(values.byteLength), usage, mappedAtCreation: true });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  buffer.unmap();
  return buffer;
}

/** Buffer sizes in whole vec4s (at least one), so kernels may bind any activation as array<vec4f>. */
export function vec4Aligned(bytes: number): number {
  return Math.max(16, Math.ceil(bytes / 16) * 16);
}

export function destroyMatrix(matrix: WeightMatrix): void {
  for (const part of matrix.parts) part.buffer.destroy();
}
