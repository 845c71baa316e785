/**
 * The whole model against the float64 goldens of tools/make_fixtures.py, on the CPU reference and on
 * WebGPU (Dawn): cosine >= 0.99999 and max abs <= 1e-4 per vector.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { Embedder } from '../src/embedder';
import { GpuDeviceLostError, GpuError, InputError } from '../src/errors';
import { createNodeGpu } from '../src/node/dawn';
import { MATMUL_WORKGROUPS } from '../src/kernels/matmul-tuning';
import { GpuModel } from '../src/model/gpu-model';
import { OnnxModel } from '../src/model/onnx-model';
import { directorySource } from '../src/node/fs-source';
import { cosine, expectEmbeddingsMatch, INT8_MIN_COSINE } from './helpers/compare';
import { loadCheckpoint } from '../src/model/checkpoint';
import { buildC2llmGraph } from '../src/model/onnx-graph';
import { CHECKPOINTS, TEXTS, checkpointDir, golden } from './helpers/fixtures';
import { testGpu } from './helpers/gpu';

const nodeOrt = async () => ({ module: await import('onnxruntime-node'), runtime: 'onnxruntime-node' });
const embedders: Embedder[] = [];
async function load(name: (typeof CHECKPOINTS)[number], options: Parameters<typeof Embedder.load>[1]): Promise<Embedder> {
  const embedder = await Embedder.load(directorySource(checkpointDir(name)), options);
  embedders.push(embedder);
  return embedder;
}
afterAll(() => embedders.forEach((e) => e.backend.dispose()));

describe.each(CHECKPOINTS)('%s', (name) => {
  const expected = golden(name);

  test('tokenizer matches the reference tokenizer (first 2048 tokens)', async () => {
    const embedder = await load(name, { device: 'reference' });
    TEXTS.forEach((text, i) => expect(Array.from(embedder.tokenize(text)), `text ${i}`).toEqual(expected.tokens[i]));
  });

  test('TypeScript reference matches the goldens', async () => {
    const embedder = await load(name, { device: 'reference' });
    expectEmbeddingsMatch(await embedder.embed(TEXTS), expected.embeddings, `${name} reference`);
  });

  test('CPU backend (onnxruntime-node on the TypeScript-built graph) matches the goldens', async () => {
    const embedder = await load(name, { device: 'cpu', ort: nodeOrt });
    expect(embedder.backend).toBeInstanceOf(OnnxModel);
    expectEmbeddingsMatch(await embedder.embed(TEXTS), expected.embeddings, `${name} onnxruntime`);
  });

  test('CPU backend with int8 linear layers: cosine >= 0.999 against the goldens, saving at least 2 of the 4 bytes per linear weight', async () => {
    const embedder = await load(name, { device: 'cpu', ort: nodeOrt, dtype: 'int8' });
    expect(embedder.backend.description).toMatch(/int8 weights/);
    const vectors = await embedder.embed(TEXTS);
    const worst = Math.min(...vectors.map((v, i) => cosine(v, expected.embeddings[i])));
    console.log(`${name}: int8 worst cosine against the float64 reference ${worst.toFixed(6)}`);
    expect(worst).toBeGreaterThanOrEqual(INT8_MIN_COSINE);
    expect(worst).toBeLessThan(0.999999);
    const checkpoint = await loadCheckpoint(directorySource(checkpointDir(name)));
    // Every linear weight goes from 4 bytes to 1; scales and the quantizing nodes cost a little back,
    // which on these tiny models is noticeable, so the test asks for at least 2 of the 4 bytes per weight saved.
    const { hiddenSize: h, intermediateSize: i, numHeads, numKvHeads, headDim, numLayers, compressedDim: d } = checkpoint.config;
    const perLayer = h * (numHeads + 2 * numKvHeads) * headDim + numHeads * headDim * h + 3 * h * i;
    const linearWeights = numLayers * perLayer + 2 * d * h + d * d;
    const saved = buildC2llmGraph(checkpoint, 'f32').byteLength - buildC2llmGraph(checkpoint, 'int8').byteLength;
    expect(saved).toBeGreaterThan(2 * linearWeights);
  });

  test('WebGPU with int8 weights: cosine >= 0.999 against the goldens, half the weight bytes of bf16', async () => {
    const gpu = await testGpu();
    const exact = await load(name, { device: 'webgpu', gpu: gpu.gpu });
    const embedder = await load(name, { device: 'webgpu', gpu: gpu.gpu, dtype: 'int8' });
    expect(embedder.backend.description).toMatch(/int8 weights/);
    const vectors = await embedder.embed(TEXTS);
    const worst = Math.min(...vectors.map((v, i) => cosine(v, expected.embeddings[i])));
    console.log(`${name}: WebGPU int8 worst cosine against the float64 reference ${worst.toFixed(6)}`);
    expect(worst).toBeGreaterThanOrEqual(INT8_MIN_COSINE);
    expect(worst).toBeLessThan(0.999999);
    // One byte per weight and a 4-byte scale per row (each part's scales padded to 16 bytes), against
    // 2 bytes per weight in bf16: at these tiny widths the scales are a visible share; at C2LLM-0.5B's
    // shapes the bench reports the ratio (0.50).
    const { matrixBytes, matrixWeights, matrixRows } = (embedder.backend as GpuModel).weightLayout;
    const exactLayout = (exact.backend as GpuModel).weightLayout;
    expect(exactLayout.matrixWeights).toBe(matrixWeights);
    expect(matrixBytes).toBeGreaterThanOrEqual(matrixWeights + 4 * matrixRows);
    expect(matrixBytes).toBeLessThanOrEqual(matrixWeights + 4 * matrixRows + 16 * 64);
    console.log(`${name}: int8 matrices ${matrixBytes} bytes, bf16 would be ${2 * matrixWeights} (${(matrixBytes / (2 * matrixWeights)).toFixed(3)})`);
  });

  test('WebGPU matches the goldens, batched and one by one', async () => {
    const gpu = await testGpu();
    const embedder = await load(name, { device: 'webgpu', gpu: gpu.gpu });
    expect(embedder.backend).toBeInstanceOf(GpuModel);
    const batched = await embedder.embed(TEXTS);
    expectEmbeddingsMatch(batched, expected.embeddings, `${name} webgpu batched`);
    const single = [];
    for (const text of TEXTS) single.push((await embedder.embed([text]))[0]);
    expectEmbeddingsMatch(single, expected.embeddings, `${name} webgpu one by one`);
    expectEmbeddingsMatch(single, batched, `${name} batched vs single`);
  });
});

describe('WebGPU engine details', () => {
  test('weights split across many bindings still match (small binding limit)', async () => {
    const gpu = await testGpu();
    const expected = golden('qwen-vocab-bf16');
    // 512 KiB per binding: the 151936 x 16 bf16 table becomes 10 parts; 2048 tokens of 64 floats still fit.
    const embedder = await load('qwen-vocab-bf16', { device: 'webgpu', gpu: gpu.gpu, maxBindingBytes: 1 << 19 });
    const model = embedder.backend as GpuModel;
    expect(model.weightLayout.largestBinding).toBeLessThanOrEqual(1 << 19);
    expect(model.weightLayout.bytes).toBeGreaterThan(151936 * 16 * 2);
    expectEmbeddingsMatch(await embedder.embed(TEXTS), expected.embeddings, 'split bindings');
    expect(model.lastPass.submits).toBe(1);
  });

  test('one submit per forward pass; dispatch count per layer recorded', async () => {
    const gpu = await testGpu();
    const embedder = await load('small-bf16-gqa2', { device: 'webgpu', gpu: gpu.gpu });
    const model = embedder.backend as GpuModel;
    await embedder.embed(TEXTS.slice(0, 8));
    const layers = embedder.model.config.numLayers;
    expect(model.lastPass).toMatchObject({ submits: 1, sequences: 8 });
    expect(MATMUL_WORKGROUPS).toContainEqual(model.matmulWorkgroup);
    // 7 dispatches per layer, plus embedding, final norm, PMA k|v, PMA attention, ln0, fc_o, ln1.
    expect(model.lastPass.dispatches).toBe(7 * layers + 7);
  });

  test('profiling times every dispatch by kernel and counts the linear layers\' flops', async () => {
    const gpu = await testGpu();
    const embedder = await load('small-bf16-gqa2', { device: 'webgpu', gpu: gpu.gpu });
    const model = embedder.backend as GpuModel;
    const sequences = [Uint32Array.of(1, 2, 3), Uint32Array.of(4, 5)];
    const { kernelMs, linearFlops } = await model.profile(sequences);
    const keys = Object.keys(kernelMs);
    for (const kind of ['embedding', 'rmsnorm', 'matmul', 'attention_causal', 'pma_attention', 'layernorm']) {
      expect(keys.some((k) => k.startsWith(kind)), kind).toBe(true);
    }
    expect(Object.values(kernelMs).every((ms) => Number.isFinite(ms) && ms > 0)).toBe(true);
    const { hiddenSize: h, intermediateSize: i, numHeads, numKvHeads, headDim, numLayers, compressedDim: d } = embedder.model.config;
    const perToken = numLayers * (h * (numHeads + 2 * numKvHeads) * headDim + numHeads * headDim * h + 3 * h * i) + 2 * d * h;
    expect(linearFlops).toBe(2 * (5 * perToken + 2 * d * d));
    expect(model.stats.passes).toBe(0);
  });

  test('batches of different sizes give the same vectors', async () => {
    const gpu = await testGpu();
    const small = await load('gqa7-f16', { device: 'webgpu', gpu: gpu.gpu, batchSize: 3 });
    const expected = golden('gqa7-f16');
    expectEmbeddingsMatch(await small.embed(TEXTS), expected.embeddings, 'batch size 3');
  });

  test('empty text gives the seed-only embedding, never NaN', async () => {
    const gpu = await testGpu();
    const embedder = await load('tiny-f32-gqa1', { device: 'webgpu', gpu: gpu.gpu });
    const [empty] = await embedder.embed(['']);
    expect(Array.from(empty).every(Number.isFinite)).toBe(true);
    expectEmbeddingsMatch([empty], [golden('tiny-f32-gqa1').embeddings[0]], 'empty');
  });

  test('a token id outside the vocabulary is a clear error', async () => {
    const gpu = await testGpu();
    const embedder = await load('tiny-f32-gqa1', { device: 'webgpu', gpu: gpu.gpu });
    const vocab = embedder.model.config.vocabSize;
    await expect(embedder.backend.embed([Uint32Array.from([1, vocab])])).rejects.toThrow(InputError);
    await expect(embedder.backend.embed([Uint32Array.from([1, vocab])])).rejects.toThrow(/token id \d+ is outside the model's vocabulary/);
  });

  test('auto picks the CPU backend over a software adapter, and says why', async () => {
    const gpu = await testGpu();
    expect(gpu.isFallbackAdapter).toBe(true);
    const auto = await load('tiny-f32-gqa1', { gpu: gpu.gpu, ort: nodeOrt });
    expect(auto.backend).toBeInstanceOf(OnnxModel);
    expect(auto.deviceReason).toMatch(/is a software fallback; onnxruntime on the CPU is faster/);
    const withoutOrt = await load('tiny-f32-gqa1', { gpu: gpu.gpu });
    expect(withoutOrt.backend).toBeInstanceOf(GpuModel);
    // A page that embeds only queries (the search box) asks for the reference instead: no WASM to fetch.
    const queriesOnly = await load('tiny-f32-gqa1', { gpu: gpu.gpu, ort: nodeOrt, cpuFallback: 'reference' });
    expect(queriesOnly.backend.device).toBe('reference');
    expect(queriesOnly.deviceReason).toMatch(/is a software fallback: the TypeScript reference, as cpuFallback asks/);
    const noAdapter = await load('tiny-f32-gqa1', { ort: nodeOrt, cpuFallback: 'reference' });
    expect(noAdapter.backend.device).toBe('reference');
  });

  test('a lost device is a GpuDeviceLostError, not a hang or a wrong result', async () => {
    const dawn = await createNodeGpu();
    const embedder = await Embedder.load(directorySource(checkpointDir('tiny-f32-gqa1')), { device: 'webgpu', gpu: dawn });
    const model = embedder.backend as GpuModel;
    model.context.device.destroy();
    await model.context.device.lost;
    await expect(embedder.embed(['def f(): pass'])).rejects.toBeInstanceOf(GpuDeviceLostError);
    await expect(embedder.embed(['x'])).rejects.toThrow(/the GPU device was lost/);
    embedder.dispose();
  });

  test('an uncaptured GPU error fails the call it happened in, and the next call works', async () => {
    const dawn = await createNodeGpu();
    const embedder = await Embedder.load(directorySource(checkpointDir('tiny-f32-gqa1')), { device: 'webgpu', gpu: dawn });
    const model = embedder.backend as GpuModel;
    const expected = golden('tiny-f32-gqa1').embeddings;
    // An invalid buffer (MAP_READ with MAP_WRITE) made outside any error scope: an uncapturederror.
    model.context.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.MAP_WRITE, label: 'deliberately invalid' });
    await model.context.device.queue.onSubmittedWorkDone();
    await expect(embedder.embed([TEXTS[2]])).rejects.toBeInstanceOf(GpuError);
    expectEmbeddingsMatch(await embedder.embed([TEXTS[2]]), [expected[2]], 'after a GPU error');
    embedder.dispose();
  });

  test('texts must be strings', async () => {
    const embedder = await load('tiny-f32-gqa1', { device: 'reference' });
    await expect(embedder.embed([1 as unknown as string])).rejects.toThrow(InputError);
  });
});
