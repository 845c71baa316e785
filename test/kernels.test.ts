/**
 * Every kernel on a real WebGPU device against its CPU reference, on shapes that are not multiples
 * of 4 or of the workgroup size, with more than one workgroup size.
 */
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { PipelineCache } from '../src/gpu/pipelines';
import { attentionReference, attentionSpec, recordAttention } from '../src/kernels/attention';
import { embeddingReference, embeddingSpec, recordEmbedding } from '../src/kernels/embedding';
import { matmulReference, matmulSpec, recordMatmul, type MatmulEpilogue } from '../src/kernels/matmul';
import { allowedWorkgroups, MATMUL_WORKGROUPS, tuneMatmulWorkgroup } from '../src/kernels/matmul-tuning';
import { layerNormReference, layerNormSpec, recordLayerNorm, recordRmsNorm, rmsNormReference, rmsNormSpec } from '../src/kernels/norms';
import { pmaAttentionReference, pmaAttentionSpec, recordPmaAttention } from '../src/kernels/pma-attention';
import { ropeReference, ropeTable, rotaryPairOrder } from '../src/model/rope';
import { uploadMatrix } from '../src/kernels/weights';
import { DTYPE_BYTES, widenToF32, type FloatDType } from '../src/tensor/dtype';
import { quantizeRows } from '../src/tensor/quantize';
import type { RawTensor } from '../src/tensor/safetensors';
import { expectClose } from './helpers/compare';
import { GpuFixture } from './helpers/gpu';

let gpu: GpuFixture;
beforeAll(async () => {
  gpu = await GpuFixture.create();
});
afterEach(() => gpu.destroy());

function random(count: number, seed: number, scale = 1): Float32Array {
  let state = seed * 2654435761 + 1;
  return Float32Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648 - 0.5) * 2 * scale;
  });
}

/** A tensor of random values stored in `dtype` (rounded as a checkpoint would store them). */
function tensor(dtype: FloatDType, shape: number[], seed: number): RawTensor {
  const values = random(shape.reduce((a, b) => a * b, 1), seed);
  let bytes: Uint8Array;
  if (dtype === 'F32') bytes = new Uint8Array(values.buffer);
  else if (dtype === 'BF16') bytes = new Uint8Array(Uint16Array.from(new Uint32Array(values.buffer), (u) => u >>> 16).buffer);
  else bytes = new Uint8Array(Uint16Array.from(values, (v) => toF16(v)).buffer);
  expect(bytes.byteLength).toBe(values.length * DTYPE_BYTES[dtype]);
  return { name: `t${seed}`, dtype, shape, bytes, file: 'test' };
}

function toF16(v: number): number {
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24);
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}

const maxDim = () => gpu.gpu.limits.maxComputeWorkgroupsPerDimension;

describe('matmul', () => {
  const cases: Array<[FloatDType, MatmulEpilogue, [number, number]]> = [
    ['F32', { bias: true, relu: false, accumulate: false }, [16, 4]],
    ['BF16', { bias: false, relu: false, accumulate: true }, [8, 8]],
    ['F16', { bias: true, relu: true, accumulate: true }, [16, 4]],
    ['BF16', { bias: true, relu: false, accumulate: false }, [4, 16]],
  ];
  // k = 27 takes the one-k-at-a-time path; k = 28 the four-at-a-time path.
  const depths = [27, 28];
  for (const [dtype, epilogue, workgroup] of cases) for (const k of depths) {
    test(`${dtype} ${JSON.stringify(epilogue)} workgroup ${workgroup}, k ${k}, split into row parts`, async () => {
      const [m, n] = [13, 37];
      const w = tensor(dtype, [n, k], 1);
      // A binding of 10 rows holds 8 (parts are whole tiles of 4 rows): five parts, the last one short.
      const matrix = uploadMatrix(gpu.gpu.device, 'w', [w], 10 * k * DTYPE_BYTES[dtype] + 4);
      expect(matrix.parts.map((p) => p.rows)).toEqual([8, 8, 8, 8, 5]);
      matrix.parts.forEach((p) => gpu.track(p.buffer));
      const x = random(m * k, 2);
      const bias = random(n, 3);
      const initial = random(m * n, 4);
      const kernel = await gpu.kernel(matmulSpec(dtype, epilogue, workgroup));
      const out = gpu.upload(initial.slice());
      const rec = gpu.recorder();
      recordMatmul(rec, kernel, { x: gpu.upload(x), weight: matrix, bias: gpu.upload(bias), out, m });
      const actual = await gpu.submitAndRead(rec, out, m * n);
      const expected = matmulReference(x, widenToF32(w.bytes, dtype), m, n, k, { ...epilogue, biasValues: bias, into: initial.slice() });
      expectClose(actual, expected);
    });
  }

  for (const k of [27, 28]) {
    test(`SwiGLU epilogue over interleaved gate and up rows, k ${k}, split into parts`, async () => {
      const [m, width] = [7, 45]; // 90 output columns: the last tile holds a single (gate, up) pair
      const gate = tensor('BF16', [width, k], 21);
      const up = tensor('BF16', [width, k], 22);
      const matrix = uploadMatrix(gpu.gpu.device, 'gate_up', [gate, up], 30 * k * 2 + 4, { layout: 'interleaved' });
      expect(matrix.parts.map((p) => p.rows)).toEqual([28, 28, 28, 6]);
      matrix.parts.forEach((p) => gpu.track(p.buffer));
      const x = random(m * k, 23);
      const kernel = await gpu.kernel(matmulSpec('BF16', { bias: false, relu: false, accumulate: false, swiglu: true }));
      const out = gpu.zeros(m * width);
      const rec = gpu.recorder();
      recordMatmul(rec, kernel, { x: gpu.upload(x), weight: matrix, bias: gpu.zeros(1), out, m });
      const actual = await gpu.submitAndRead(rec, out, m * width);
      const plain = { bias: false, relu: false, accumulate: false };
      const g = matmulReference(x, widenToF32(gate.bytes, 'BF16'), m, width, k, plain);
      const u = matmulReference(x, widenToF32(up.bytes, 'BF16'), m, width, k, plain);
      expectClose(actual, g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * u[i]));
    });
  }

  for (const k of depths) {
    test(`int8 weights with per-row scales (quantized from BF16), k ${k}, split into row parts`, async () => {
      const [m, n] = [13, 37];
      const w = tensor('BF16', [n, k], 31);
      const matrix = uploadMatrix(gpu.gpu.device, 'w', [w], 10 * k + 4, { int8: true });
      expect(matrix.dtype).toBe('I8');
      expect(matrix.parts.map((p) => p.rows)).toEqual([8, 8, 8, 8, 5]);
      matrix.parts.forEach((p) => [p.buffer, p.scales!].forEach((b) => gpu.track(b)));
      const x = random(m * k, 32);
      const bias = random(n, 33);
      const epilogue = { bias: true, relu: false, accumulate: false };
      const kernel = await gpu.kernel(matmulSpec('I8', epilogue));
      const out = gpu.zeros(m * n);
      const rec = gpu.recorder();
      recordMatmul(rec, kernel, { x: gpu.upload(x), weight: matrix, bias: gpu.upload(bias), out, m });
      const actual = await gpu.submitAndRead(rec, out, m * n);
      const { q, scales } = quantizeRows(widenToF32(w.bytes, 'BF16'), n, k);
      const dequantized = Float32Array.from(q, (v, i) => v * scales[Math.floor(i / k)]);
      expectClose(actual, matmulReference(x, dequantized, m, n, k, { ...epilogue, biasValues: bias }));
    });
  }

  test('workgroup tuning times every shape the adapter allows and keeps the fastest', async () => {
    const w = tensor('BF16', [64, 32], 41);
    const matrix = uploadMatrix(gpu.gpu.device, 'w', [w], 1 << 20);
    matrix.parts.forEach((p) => gpu.track(p.buffer));
    const cache = new PipelineCache(gpu.gpu.device);
    const { workgroup, timings } = await tuneMatmulWorkgroup(gpu.gpu, cache, matrix, 16);
    const allowed = allowedWorkgroups(gpu.gpu.limits);
    expect(allowed).toEqual(MATMUL_WORKGROUPS);
    expect(Object.keys(timings)).toEqual(allowed.map((wg) => wg.join('x')));
    expect(timings[workgroup.join('x')]).toBe(Math.min(...Object.values(timings)));
    expect(allowedWorkgroups({ ...gpu.gpu.limits, maxComputeWorkgroupSizeY: 8 })).toEqual([[16, 4], [8, 8], [64, 1]]);
  });

  test('row offsets and strides (the MLP row chunks)', async () => {
    const [m, n, k] = [5, 9, 11];
    const w = tensor('F32', [n, k], 5);
    const matrix = uploadMatrix(gpu.gpu.device, 'w', [w], 1 << 20);
    matrix.parts.forEach((p) => gpu.track(p.buffer));
    const x = random((m + 3) * k, 6);
    const kernel = await gpu.kernel(matmulSpec('F32', { bias: false, relu: false, accumulate: false }));
    const out = gpu.zeros((m + 2) * n);
    const rec = gpu.recorder();
    recordMatmul(rec, kernel, { x: gpu.upload(x), xOffset: 3 * k, weight: matrix, bias: gpu.zeros(1), out, outOffset: 2 * n, m });
    const actual = await gpu.submitAndRead(rec, out, (m + 2) * n);
    const expected = matmulReference(x.subarray(3 * k), widenToF32(w.bytes, 'F32'), m, n, k, { bias: false, relu: false, accumulate: false });
    expectClose(actual.subarray(0, 2 * n), new Float32Array(2 * n));
    expectClose(actual.subarray(2 * n), expected);
  });
});

describe('embedding', () => {
  for (const dtype of ['F32', 'BF16', 'F16'] as const) {
    test(`${dtype} table split into parts, odd hidden size`, async () => {
      const [vocab, hidden] = [23, 7];
      const table = tensor(dtype, [vocab, hidden], 7);
      const matrix = uploadMatrix(gpu.gpu.device, 'table', [table], 6 * hidden * DTYPE_BYTES[dtype] + 4);
      expect(matrix.parts.map((p) => p.rows)).toEqual([4, 4, 4, 4, 4, 3]);
      matrix.parts.forEach((p) => gpu.track(p.buffer));
      const ids = Uint32Array.from([0, 22, 5, 6, 11, 12, 17, 18, 3, 3, 21]);
      const kernel = await gpu.kernel(embeddingSpec(dtype, 32));
      const out = gpu.zeros(ids.length * hidden);
      const rec = gpu.recorder();
      recordEmbedding(rec, kernel, maxDim(), { table: matrix, tokenIds: gpu.upload(ids), out, tokens: ids.length });
      const actual = await gpu.submitAndRead(rec, out, ids.length * hidden);
      expectClose(actual, embeddingReference(widenToF32(table.bytes, dtype), hidden, ids), 0, 0);
    });
  }

  test('int8 table with per-row scales, split into parts, odd hidden size', async () => {
    const [vocab, hidden] = [23, 7];
    const table = tensor('F16', [vocab, hidden], 8);
    const matrix = uploadMatrix(gpu.gpu.device, 'table', [table], 6 * hidden + 4, { int8: true });
    expect(matrix.parts.map((p) => p.rows)).toEqual([4, 4, 4, 4, 4, 3]);
    matrix.parts.forEach((p) => [p.buffer, p.scales!].forEach((b) => gpu.track(b)));
    const ids = Uint32Array.from([0, 22, 5, 6, 11, 12, 17, 18, 3, 3, 21]);
    const kernel = await gpu.kernel(embeddingSpec('I8'));
    const out = gpu.zeros(ids.length * hidden);
    const rec = gpu.recorder();
    recordEmbedding(rec, kernel, maxDim(), { table: matrix, tokenIds: gpu.upload(ids), out, tokens: ids.length });
    const actual = await gpu.submitAndRead(rec, out, ids.length * hidden);
    const { q, scales } = quantizeRows(widenToF32(table.bytes, 'F16'), vocab, hidden);
    const dequantized = Float32Array.from(q, (v, i) => v * scales[Math.floor(i / hidden)]);
    expectClose(actual, embeddingReference(dequantized, hidden, ids), 0, 0);
  });
});

describe('norms', () => {
  test('buffers are bound by the names the WGSL declares; an unknown name is an error naming it', async () => {
    const kernel = await gpu.kernel(rmsNormSpec(32));
    expect(kernel.bindings).toEqual({ x: 1, weight: 2, y: 3 });
    const buffer = gpu.zeros(4);
    expect(() => gpu.recorder().dispatch(kernel, { rows: 1, cols: 4, eps: 1e-6 }, { x: buffer, weight: buffer, out: buffer }, [1], { x: 16, weight: 16, out: 16 })).toThrow(
      /kernel rmsnorm\S*: its WGSL declares no storage binding "out" \(it has x, weight, y\)/,
    );
  });

  test('the kernel guard: a buffer smaller than the dispatch needs is an error naming the kernel and the binding', async () => {
    const kernel = await gpu.kernel(rmsNormSpec(32));
    const [rows, cols] = [3, 8];
    const short = gpu.zeros(rows * cols - 4);
    expect(() => recordRmsNorm(gpu.recorder(), kernel, { x: gpu.zeros(rows * cols), weight: gpu.zeros(cols), out: short, rows, cols, eps: 1e-6 })).toThrow(
      /kernel rmsnorm\S*: binding "y" holds \d+ bytes, the dispatch needs 96/,
    );
    const buffer = gpu.zeros(4);
    expect(() => gpu.recorder().dispatch(kernel, { rows: 1, cols: 4, eps: 1e-6 }, { x: buffer, weight: buffer, y: buffer }, [1], { x: 16, weight: 16 })).toThrow(
      /kernel rmsnorm\S*: binding "y" is bound without the bytes it needs/,
    );
  });

  for (const workgroup of [32, 64]) {
    test(`rmsnorm, workgroup ${workgroup}`, async () => {
      const [rows, cols] = [7, 101];
      const x = random(rows * cols, 8, 3);
      const w = random(cols, 9);
      const kernel = await gpu.kernel(rmsNormSpec(workgroup));
      const out = gpu.zeros(rows * cols);
      const rec = gpu.recorder();
      recordRmsNorm(rec, kernel, { x: gpu.upload(x), weight: gpu.upload(w), out, rows, cols, eps: 1e-6 });
      expectClose(await gpu.submitAndRead(rec, out, rows * cols), rmsNormReference(x, w, rows, cols, 1e-6));
    });

    for (const l2 of [false, true]) {
      test(`layernorm${l2 ? ' + L2' : ''}, workgroup ${workgroup}`, async () => {
        const [rows, cols] = [5, 77];
        const x = random(rows * cols, 10, 2);
        const w = random(cols, 11);
        const b = random(cols, 12);
        const kernel = await gpu.kernel(layerNormSpec(l2, workgroup));
        const out = gpu.zeros(rows * cols);
        const rec = gpu.recorder();
        recordLayerNorm(rec, kernel, { x: gpu.upload(x), weight: gpu.upload(w), bias: gpu.upload(b), out, rows, cols, eps: 1e-5 });
        expectClose(await gpu.submitAndRead(rec, out, rows * cols), layerNormReference(x, w, b, rows, cols, 1e-5, l2));
      });
    }
  }
});

describe('rotary epilogue, attention', () => {
  // Three packed sequences of 5, 1 and 9 tokens; 6 query heads over 2 kv heads, head_dim 12.
  const lengths = [5, 1, 9];
  const tokens = lengths.reduce((a, b) => a + b, 0);
  const positions = Uint32Array.from(lengths.flatMap((l) => Array.from({ length: l }, (_, i) => i)));
  const seqStart = Uint32Array.from(lengths.flatMap((l, s) => Array(l).fill(lengths.slice(0, s).reduce((a, b) => a + b, 0))));
  const shape = { tokens, heads: 6, kvHeads: 2, headDim: 12 };
  const rowStride = (shape.heads + 2 * shape.kvHeads) * shape.headDim;

  for (const workgroup of [32, 64]) {
    test(`q|k|v projection with bias and the rotary epilogue, ${workgroup === 32 ? 'int8' : 'bf16'} weights in row parts`, async () => {
      // Rows in rotaryPairOrder on upload; the output comes out in the same order, so the expected
      // values are the plain projection, then RoPE, then that reordering of the columns.
      const k = 20;
      const w = tensor('BF16', [rowStride, k], 16);
      const bias = random(rowStride, 17);
      const x = random(tokens * k, 18);
      const order = rotaryPairOrder(shape.heads + shape.kvHeads, shape.headDim);
      const int8 = workgroup === 32;
      const matrix = uploadMatrix(gpu.gpu.device, 'qkv', [w], 12 * k * 2 + 4, { rowOrder: order, int8 });
      matrix.parts.forEach((p) => [p.buffer, p.scales].forEach((b) => b && gpu.track(b)));
      const table = ropeTable(16, shape.headDim, 1e6);
      const epilogue = { bias: true, relu: false, accumulate: false, rotary: { headDim: shape.headDim, columns: (shape.heads + shape.kvHeads) * shape.headDim } };
      const kernel = await gpu.kernel(matmulSpec(matrix.dtype, epilogue));
      const out = gpu.zeros(tokens * rowStride);
      const rec = gpu.recorder();
      const rotary = { positions: gpu.upload(positions), table: gpu.upload(table) };
      recordMatmul(rec, kernel, { x: gpu.upload(x), weight: matrix, bias: gpu.upload(bias.map((_, i) => bias[order(i)])), out, m: tokens, rotary });
      const actual = await gpu.submitAndRead(rec, out, tokens * rowStride);
      let weights = widenToF32(w.bytes, 'BF16');
      if (int8) {
        const { q, scales } = quantizeRows(weights, rowStride, k);
        weights = Float32Array.from(q, (v, i) => v * scales[Math.floor(i / k)]);
      }
      const plain = matmulReference(x, weights, tokens, rowStride, k, { bias: true, relu: false, accumulate: false, biasValues: bias });
      ropeReference(plain, positions, table, { tokens, rotatedHeads: shape.heads + shape.kvHeads, headDim: shape.headDim, rowStride });
      expectClose(actual, plain.map((_, i) => plain[i - (i % rowStride) + order(i % rowStride)]));
    });

    test(`causal GQA attention over packed sequences, workgroup ${workgroup}`, async () => {
      const qkv = random(tokens * rowStride, 14, 2);
      const kernel = await gpu.kernel(attentionSpec(shape.headDim, workgroup));
      const out = gpu.zeros(tokens * shape.heads * shape.headDim);
      const rec = gpu.recorder();
      recordAttention(rec, kernel, { ...shape, qkv: gpu.upload(qkv), seqStart: gpu.upload(seqStart), out });
      expectClose(await gpu.submitAndRead(rec, out, tokens * shape.heads * shape.headDim), attentionReference(qkv, seqStart, shape));
    });

  }

  // Several key and query blocks per sequence, sequences starting mid-block, and the model's head sizes.
  for (const [headDim, heads, kvHeads] of [[64, 14, 2], [128, 4, 1], [16, 2, 2]]) {
    test(`attention across key blocks, head_dim ${headDim}`, async () => {
      const blockLengths = [37, 3, 70];
      const n = blockLengths.reduce((a, b) => a + b, 0);
      const starts = Uint32Array.from(blockLengths.flatMap((l, s) => Array(l).fill(blockLengths.slice(0, s).reduce((a, b) => a + b, 0))));
      const blockShape = { tokens: n, heads, kvHeads, headDim };
      const qkv = random(n * (heads + 2 * kvHeads) * headDim, 15, 2);
      const kernel = await gpu.kernel(attentionSpec(headDim));
      const out = gpu.zeros(n * heads * headDim);
      const rec = gpu.recorder();
      recordAttention(rec, kernel, { ...blockShape, qkv: gpu.upload(qkv), seqStart: gpu.upload(starts), out });
      expectClose(await gpu.submitAndRead(rec, out, n * heads * headDim), attentionReference(qkv, starts, blockShape));
    });
  }

  test('PMA attention, including an empty sequence', async () => {
    const pmaLengths = [3, 0, 6];
    const starts = Uint32Array.from([0, 3, 3]);
    const dim = 96;
    const kv = random(9 * 2 * dim, 16, 3);
    const query = random(dim, 17, 3);
    const seed = random(dim, 18);
    const pmaShape = { sequences: 3, heads: 32, dim };
    for (const workgroup of [32, 64]) {
      const kernel = await gpu.kernel(pmaAttentionSpec(workgroup));
      const out = gpu.zeros(3 * dim);
      const rec = gpu.recorder();
      const lens = Uint32Array.from(pmaLengths);
      recordPmaAttention(rec, kernel, { ...pmaShape, query: gpu.upload(query), seed: gpu.upload(seed), kv: gpu.upload(kv), seqStart: gpu.upload(starts), seqLen: gpu.upload(lens), out });
      const actual = await gpu.submitAndRead(rec, out, 3 * dim);
      const expected = pmaAttentionReference(query, seed, kv, starts, lens, pmaShape);
      expectClose(actual, expected);
      expectClose(actual.subarray(dim, 2 * dim), seed, 0, 0);
    }
  });
});
