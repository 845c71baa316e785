import { describe, expect, test } from 'vitest';
import { CheckpointError } from '../src/errors';
import { firstNonFinite, widenToF32 } from '../src/tensor/dtype';
import { parseSafetensors } from '../src/tensor/safetensors';
import { tensorValues } from '../src/tensor/tensor-values';

function build(header: object, data: Uint8Array, headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

function expectError(bytes: Uint8Array, pattern: RegExp): void {
  let error: unknown;
  try {
    parseSafetensors('model.safetensors', bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CheckpointError);
  expect((error as Error).name).toBe('CheckpointError');
  expect((error as Error).message).toMatch(/^model\.safetensors: /);
  expect((error as Error).message).toMatch(pattern);
}

describe('parseSafetensors', () => {
  test('reads tensors as views with dtype and shape', () => {
    const bytes = build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, __metadata__: { format: 'pt' } }, f32([1.5, -2]));
    const a = parseSafetensors('model.safetensors', bytes).get('a')!;
    expect(a.shape).toEqual([2]);
    expect(Array.from(tensorValues(a))).toEqual([1.5, -2]);
  });

  test('widens BF16 and F16 exactly', () => {
    const bf16 = new Uint8Array(new Uint16Array([0x3fc0, 0xc000]).buffer); // 1.5, -2
    const f16 = new Uint8Array(new Uint16Array([0x3e00, 0x0001, 0xfc00]).buffer); // 1.5, 2^-24, -inf
    expect(Array.from(widenToF32(bf16, 'BF16'))).toEqual([1.5, -2]);
    expect(Array.from(widenToF32(f16, 'F16'))).toEqual([1.5, 2 ** -24, -Infinity]);
  });

  test('a file shorter than the length field', () => expectError(new Uint8Array(5), /shorter than the 8-byte header length/));

  test('a header length past the end of the file', () => {
    expectError(build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32([1]), 10_000), /header length 10000 runs past the end/);
  });

  test('a truncated file (data cut short)', () => {
    const whole = build({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32([1, 2, 3, 4]));
    expectError(whole.subarray(0, whole.length - 6), /tensor "a": data_offsets end 16 is past the end of the data \(10 bytes\)/);
  });

  test('overlapping tensors', () => {
    const header = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } };
    expectError(build(header, f32([1, 2, 3])), /tensors "a" and "b" overlap/);
  });

  test('a header length one byte short (the JSON is space-padded) shifts every tensor: refused', () => {
    const json = `${JSON.stringify({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } })}  `;
    const header = new TextEncoder().encode(json);
    const out = new Uint8Array(8 + header.length + 8);
    new DataView(out.buffer).setBigUint64(0, BigInt(header.length - 1), true);
    out.set(header, 8);
    out.set(f32([1, 2]), 8 + header.length);
    expectError(out, /1 bytes after the last tensor belong to no tensor/);
  });

  test('a gap between tensors, or data before the first one', () => {
    const gap = { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } };
    expectError(build(gap, f32([1, 2, 3])), /4 bytes before tensor "b" belong to no tensor/);
    expectError(build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32([1, 2])), /4 bytes before tensor "a"/);
  });

  test('finds the first non-finite value of each float dtype', () => {
    expect(firstNonFinite(f32([1, 2, NaN, Infinity]), 'F32')).toBe(2);
    expect(firstNonFinite(new Uint8Array(new Uint16Array([0x3fc0, 0x7f80]).buffer), 'BF16')).toBe(1);
    expect(firstNonFinite(new Uint8Array(new Uint16Array([0x3e00, 0x7c00, 0x7e00]).buffer), 'F16')).toBe(1);
    expect(firstNonFinite(f32([0, -1e38, 3.4e38]), 'F32')).toBe(-1);
  });

  test('an unknown dtype', () => expectError(build({ a: { dtype: 'F17', shape: [1], data_offsets: [0, 4] } }, f32([1])), /tensor "a": unknown dtype "F17"/));

  test('a known but unsupported dtype', () => expectError(build({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /tensor "a": unsupported dtype "I64"/));

  test('offsets that disagree with shape and dtype', () => {
    expectError(build({ a: { dtype: 'BF16', shape: [3], data_offsets: [0, 8] } }, f32([1, 2])), /spans? 8 bytes but shape \[3\] of BF16 needs 6/);
  });

  test('a malformed shape', () => expectError(build({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32([1])), /shape must be an array of non-negative integers/));

  test('a header that is not JSON', () => {
    const bytes = new Uint8Array(8 + 3);
    new DataView(bytes.buffer).setBigUint64(0, 3n, true);
    bytes.set([0x7b, 0x7b, 0x7d], 8);
    expectError(bytes, /header is not valid UTF-8 JSON/);
  });
});
