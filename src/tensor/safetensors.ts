/**
 * A strict safetensors reader. Layout: u64 little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}`, then the data,
 * with offsets relative to the first byte after the header. Every field, offset and size is validated
 * before any tensor data is touched; tensors are views into the file's bytes, never copies.
 */
import { CheckpointError } from '../errors';
import { DTYPE_BYTES, isDType, KNOWN_UNSUPPORTED_DTYPES, type DType } from './dtype';

export interface RawTensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
  /** The file it was read from, for error messages. */
  readonly file: string;
  /** I8 matrices: the scale of each row, from the checkpoint's "<name>_scale" tensor (model/checkpoint.ts). */
  readonly scales?: Float32Array;
}

const MAX_HEADER_BYTES = 100 * 1024 * 1024;

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Where one tensor's bytes lie: `begin`..`end` from the first byte after the header. */
export interface TensorLayout {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** The u64 little-endian header length at the start of a safetensors file (its first 8 bytes), checked. */
export function headerLength(file: string, first8: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || first8.byteLength < 8) throw new CheckpointError(file, `file is ${fileSize} bytes, shorter than the 8-byte header length`);
  const length = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) throw new CheckpointError(file, `header length ${length} is larger than ${MAX_HEADER_BYTES} bytes`);
  if (8 + Number(length) > fileSize) {
    throw new CheckpointError(file, `header length ${length} runs past the end of the file (${fileSize} bytes): truncated or not safetensors`);
  }
  return Number(length);
}

/**
 * Every tensor's place from a safetensors header (`header`: the JSON bytes after the length) in a file of
 * `fileSize` bytes, validated without touching tensor data: dtypes, shapes, offsets, sizes, and that the
 * tensors tile the data exactly. `file` is the name used in every error message.
 */
export function parseSafetensorsHeader(file: string, header: Uint8Array, fileSize: number): { dataStart: number; tensors: Map<string, TensorLayout> } {
  const fail = (detail: string): never => {
    throw new CheckpointError(file, detail);
  };
  const dataStart = 8 + header.byteLength;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(header));
  } catch (cause) {
    throw new CheckpointError(file, `header is not valid UTF-8 JSON (${(cause as Error).message})`, { cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('header is not a JSON object');

  const dataLength = fileSize - dataStart;
  const tensors = new Map<string, TensorLayout>();
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const ok = typeof entry === 'object' && entry !== null && Object.values(entry).every((v) => typeof v === 'string');
      if (!ok) fail('__metadata__ must be an object of strings');
      continue;
    }
    const where = `tensor "${name}"`;
    if (typeof entry !== 'object' || entry === null) fail(`${where}: entry is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (!isDType(dtype)) {
      const known = typeof dtype === 'string' && KNOWN_UNSUPPORTED_DTYPES.has(dtype);
      fail(`${where}: ${known ? 'unsupported' : 'unknown'} dtype ${JSON.stringify(dtype)} (supported: BF16, F16, F32, and I8 for weight matrices with a per-row scale)`);
    }
    if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) fail(`${where}: shape must be an array of non-negative integers`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
      fail(`${where}: data_offsets must be two non-negative integers`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) fail(`${where}: data_offsets [${begin}, ${end}] begin after they end`);
    if (end > dataLength) fail(`${where}: data_offsets end ${end} is past the end of the data (${dataLength} bytes): file truncated?`);
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    const expected = elements * DTYPE_BYTES[dtype as DType];
    if (end - begin !== expected) {
      fail(`${where}: data_offsets span ${end - begin} bytes but shape [${shape}] of ${dtype} needs ${expected}`);
    }
    tensors.set(name, { name, dtype: dtype as DType, shape: shape as number[], begin, end });
  }
  // As the reference implementation requires: the tensors tile the data exactly, in offset order,
  // with nothing before, between or after them (a header length one byte off shifts every tensor).
  const ranges = [...tensors.values()].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const [i, cur] of ranges.entries()) {
    if (cur.begin < covered) fail(`tensors "${ranges[i - 1].name}" and "${cur.name}" overlap (bytes ${cur.begin}..${covered})`);
    if (cur.begin > covered) fail(`${cur.begin - covered} bytes before tensor "${cur.name}" belong to no tensor: the tensors must cover the data contiguously`);
    covered = cur.end;
  }
  if (covered !== dataLength) fail(`${dataLength - covered} bytes after the last tensor belong to no tensor: the header length or the offsets are wrong`);
  return { dataStart, tensors };
}

/** Parses one whole safetensors file; tensors are views into `data`. `file` is the name used in every error message. */
export function parseSafetensors(file: string, data: Uint8Array): Map<string, RawTensor> {
  const length = headerLength(file, data, data.byteLength);
  const { dataStart, tensors } = parseSafetensorsHeader(file, data.subarray(8, 8 + length), data.byteLength);
  const out = new Map<string, RawTensor>();
  for (const t of tensors.values()) out.set(t.name, { name: t.name, dtype: t.dtype, shape: t.shape, bytes: data.subarray(dataStart + t.begin, dataStart + t.end), file });
  return out;
}

export interface TensorEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/**
 * The bytes in front of a safetensors file's data (the u64 header length and the JSON header, padded
 * with spaces to 8 bytes) for `tensors` laid out one after another in the given order.
 */
export function safetensorsHeader(tensors: readonly TensorEntry[], metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  return out;
}
