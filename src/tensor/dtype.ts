/**
 * The tensor element types a checkpoint may store, and the widening of the float ones to f32 (exact for
 * all three). I8 holds weight matrices quantized per row (tensor/quantize.ts), each with an F32 scale
 * tensor beside it (model/checkpoint.ts); GPU matrices use the same names for how they are held.
 */
export type FloatDType = 'F32' | 'F16' | 'BF16';
export type DType = FloatDType | 'I8';

export const DTYPE_BYTES: Record<DType, number> = { F32: 4, F16: 2, BF16: 2, I8: 1 };

export function isDType(value: unknown): value is DType {
  return value === 'F32' || value === 'F16' || value === 'BF16' || value === 'I8';
}

/** Safetensors dtype names that are well-formed but not model weights this engine reads. */
export const KNOWN_UNSUPPORTED_DTYPES = new Set(['F64', 'F8_E4M3', 'F8_E5M2', 'I64', 'I32', 'I16', 'U8', 'BOOL']);

function f16ToF32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Little-endian raw tensor bytes -> f32 values. */
export function widenToF32(bytes: Uint8Array, dtype: FloatDType): Float32Array {
  const count = bytes.byteLength / DTYPE_BYTES[dtype];
  const aligned = LITTLE_ENDIAN_HOST && bytes.byteOffset % DTYPE_BYTES[dtype] === 0;
  if (dtype === 'F32') {
    return aligned ? new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer) : readWith(bytes, count, (v, i) => v.getFloat32(i * 4, true));
  }
  if (dtype === 'BF16') {
    const out = new Float32Array(count);
    const widened = new Uint32Array(out.buffer);
    if (aligned) {
      const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, count);
      for (let i = 0; i < count; i++) widened[i] = halves[i] << 16;
    } else {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < count; i++) widened[i] = view.getUint16(i * 2, true) << 16;
    }
    return out;
  }
  return readWith(bytes, count, (v, i) => f16ToF32(v.getUint16(i * 2, true)));
}

function readWith(bytes: Uint8Array, count: number, read: (view: DataView, i: number) => number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = read(view, i);
  return out;
}

/** The index of the first NaN or infinity in raw little-endian tensor bytes, or -1 (I8 is always finite). */
export function firstNonFinite(bytes: Uint8Array, dtype: DType): number {
  if (dtype === 'I8') return -1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.byteLength / DTYPE_BYTES[dtype];
  if (dtype === 'F32') {
    for (let i = 0; i < count; i++) if ((view.getUint32(i * 4, true) & 0x7f800000) === 0x7f800000) return i;
  } else {
    const exponent = dtype === 'BF16' ? 0x7f80 : 0x7c00;
    for (let i = 0; i < count; i++) if ((view.getUint16(i * 2, true) & exponent) === exponent) return i;
  }
  return -1;
}
