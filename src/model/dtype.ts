/** The tensor element types a checkpoint may store, and their widening to f32 (exact for all three). */
export type DType = 'F32' | 'F16' | 'BF16';

export const DTYPE_BYTES: Record<DType, number> = { F32: 4, F16: 2, BF16: 2 };

/** How a weight matrix is held on the GPU: a checkpoint dtype, or int8 with a scale per row (model/quantize.ts). */
export type WeightDType = DType | 'I8';

export function isDType(value: unknown): value is DType {
  return value === 'F32' || value === 'F16' || value === 'BF16';
}

/** Safetensors dtype names that are well-formed but not model weights this engine reads. */
export const KNOWN_UNSUPPORTED_DTYPES = new Set(['F64', 'F8_E4M3', 'F8_E5M2', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL']);

function f16ToF32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Little-endian raw tensor bytes -> f32 values. */
export function widenToF32(bytes: Uint8Array, dtype: DType): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.byteLength / DTYPE_BYTES[dtype];
  const out = new Float32Array(count);
  if (dtype === 'F32') {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (dtype === 'BF16') {
    const widened = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) widened[i] = view.getUint16(i * 2, true) << 16;
  } else {
    for (let i = 0; i < count; i++) out[i] = f16ToF32(view.getUint16(i * 2, true));
  }
  return out;
}
