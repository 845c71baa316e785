/**
 * Weight matrices on the GPU, kept in their stored dtype (BF16 and F16 packed two per u32) or
 * quantized to int8 with a scale per row (tensor/quantize.ts), and split by rows into parts where one
 * would exceed the adapter's storage-binding limit. Several tensors can be stacked into one matrix
 * (q|k|v, gate|up) so that one matmul computes them all.
 */
import { CheckpointError } from '../errors';
import { DTYPE_BYTES, widenToF32, type DType, type FloatDType } from '../tensor/dtype';
import { quantizeRowInto } from '../tensor/quantize';
import type { RawTensor } from '../tensor/safetensors';
import { bytesOf, concat, tensorValues } from '../tensor/tensor-values';

export interface WeightPart {
  readonly buffer: GPUBuffer;
  /** int8 parts: one f32 scale per row of the part (bound as the readers' `weight_scales`). */
  readonly scales?: GPUBuffer;
  readonly rowStart: number;
  readonly rows: number;
}

export interface WeightMatrix {
  readonly dtype: DType;
  readonly rows: number;
  readonly cols: number;
  readonly parts: readonly WeightPart[];
}

/** The bytes of a part's rows in the matrix's dtype (BF16 and F16 two to a u32, int8 four): what its kernels read. */
export function partBytes(matrix: Pick<WeightMatrix, 'dtype' | 'cols'>, part: Pick<WeightPart, 'rows'>): number {
  return part.rows * matrix.cols * DTYPE_BYTES[matrix.dtype];
}

/** Rows per part so that a part fits in `maxBindingBytes`. */
export function rowsPerPart(cols: number, dtype: DType, maxBindingBytes: number, label: string): number {
  const rowBytes = cols * DTYPE_BYTES[dtype];
  const rows = Math.floor((maxBindingBytes - 4) / rowBytes);
  if (rows < 1) throw new CheckpointError(label, `one row of ${rowBytes} bytes does not fit in a storage binding of ${maxBindingBytes} bytes`);
  return rows;
}

/**
 * How several tensors become one matrix: `stacked` puts them one after another (q|k|v); `interleaved`
 * alternates their rows (gate0, up0, gate1, up1, ...), so that one matmul tile holds both halves of a
 * SwiGLU pair.
 */
export type RowLayout = 'stacked' | 'interleaved';

/** Rows are multiples of this in every part but the last, so no matmul tile straddles two parts. */
const PART_ROW_ALIGNMENT = 4;

export interface MatrixOptions {
  readonly layout?: RowLayout;
  /** Quantize to int8 with a scale per row (any stored float dtype); otherwise keep the stored dtype. */
  readonly int8?: boolean;
  /** Reorders the combined rows: row r of the matrix is row rowOrder(r) of the stacked/interleaved tensors. */
  readonly rowOrder?: (row: number) => number;
}

/**
 * Uploads tensors as one matrix; all must share the column count. Mixed dtypes are widened to F32.
 * I8 tensors (an int8 checkpoint) are copied with their row scales as they are, never requantized.
 */
export function uploadMatrix(device: GPUDevice, label: string, tensors: readonly RawTensor[], maxBindingBytes: number, options: MatrixOptions = {}): WeightMatrix {
  const { layout = 'stacked', rowOrder = (r: number) => r } = options;
  const cols = tensors[0].shape[tensors[0].shape.length - 1];
  const sameDtype = tensors.every((t) => t.dtype === tensors[0].dtype);
  const sourceDtype: DType = sameDtype ? tensors[0].dtype : 'F32';
  const sources = tensors.map((t) => (sameDtype ? t.bytes : bytesOf(tensorValues(t))));
  const sourceRowBytes = cols * DTYPE_BYTES[sourceDtype];
  const sourceRows = sources.map((s) => s.byteLength / sourceRowBytes);
  if (layout === 'interleaved' && sourceRows.some((r) => r !== sourceRows[0])) throw new CheckpointError(label, `interleaved tensors must have the same number of rows, got ${sourceRows}`);
  const rows = sourceRows.reduce((a, b) => a + b, 0);
  const starts = sourceRows.map((_, i) => sourceRows.slice(0, i).reduce((a, b) => a + b, 0));
  /** Which tensor, and which row of it, row r of the combined matrix comes from. */
  const locate = (destination: number): { source: number; at: number } => {
    const r = rowOrder(destination);
    if (layout === 'interleaved') return { source: r % sources.length, at: Math.floor(r / sources.length) };
    const source = starts.findLastIndex((s) => s <= r);
    return { source, at: r - starts[source] };
  };
  const rowBytesOf = ({ source, at }: { source: number; at: number }) => sources[source].subarray(at * sourceRowBytes, (at + 1) * sourceRowBytes);
  const dtype: DType = options.int8 || sourceDtype === 'I8' ? 'I8' : sourceDtype;
  const rowBytes = cols * DTYPE_BYTES[dtype];
  const fit = rowsPerPart(cols, dtype, maxBindingBytes, label);
  const perPart = fit >= PART_ROW_ALIGNMENT ? fit - (fit % PART_ROW_ALIGNMENT) : fit;
  const parts: WeightPart[] = [];
  for (let rowStart = 0; rowStart < rows; rowStart += perPart) {
    const partRows = Math.min(perPart, rows - rowStart);
    const size = Math.ceil((partRows * rowBytes) / 4) * 4;
    const buffer = device.createBuffer({ label: `${label}[${rowStart}..]`, size, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
    const target = new Uint8Array(buffer.getMappedRange());
    let scales: GPUBuffer | undefined;
    if (dtype === 'I8') {
      const rowScales = new Float32Array(partRows);
      for (let r = 0; r < partRows; r++) {
        const where = locate(rowStart + r);
        if (sourceDtype === 'I8') {
          target.set(rowBytesOf(where), r * rowBytes);
          rowScales[r] = tensors[where.source].scales![where.at];
        } else {
          rowScales[r] = quantizeRowInto(widenToF32(rowBytesOf(where), sourceDtype as FloatDType), new Int8Array(target.buffer, target.byteOffset + r * rowBytes, cols));
        }
      }
      scales = uploadF32(device, `${label}[${rowStart}..].scales`, rowScales, GPUBufferUsage.STORAGE);
    } else {
      for (let r = 0; r < partRows; r++) target.set(rowBytesOf(locate(rowStart + r)), r * rowBytes);
    }
    buffer.unmap();
    parts.push({ buffer, scales, rowStart, rows: partRows });
  }
  return { dtype, rows, cols, parts };
}

/** Uploads small f32 vectors (norm weights, biases), concatenated; element i is element order(i) of the concatenation. */
export function uploadVector(device: GPUDevice, label: string, tensors: readonly RawTensor[], order?: (i: number) => number): GPUBuffer {
  const values = concat(tensors.map(tensorValues));
  return uploadF32(device, label, order ? values.map((_, i) => values[order(i)]) : values, GPUBufferUsage.STORAGE);
}


export function uploadF32(device: GPUDevice, label: string, values: Float32Array | Uint32Array, usage: GPUBufferUsageFlags): GPUBuffer {
  const buffer = device.createBuffer({ label, size: vec4Aligned(values.byteLength), usage, mappedAtCreation: true });
  new Uint8Array(buffer.getMappedRange()).set(bytesOf(values));
  buffer.unmap();
  return buffer;
}

/** Buffer sizes in whole vec4s (at least one), so kernels may bind any activation as array<vec4f>. */
export function vec4Aligned(bytes: number): number {
  return Math.max(16, Math.ceil(bytes / 16) * 16);
}

export function destroyMatrix(matrix: WeightMatrix): void {
  for (const part of matrix.parts) {
    part.buffer.destroy();
    part.scales?.destroy();
  }
}
