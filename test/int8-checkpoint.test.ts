/**
 * The int8 checkpoint layout (`c2llm quantize`): half the download of bf16, read straight into int8 GPU
 * matrices with the same integers that quantizing at load gives, usable by every backend, and strict
 * about its scale tensors.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { quantizeCommand } from '../src/cli/quantize';
import { Embedder } from '../src/embedder';
import { CheckpointError, InputError } from '../src/errors';
import { loadCheckpoint, openCheckpoint } from '../src/model/checkpoint';
import { GpuModel } from '../src/model/gpu-model';
import { modelTensors } from '../src/model/int8-checkpoint';
import { parseSafetensors, safetensorsHeader, type RawTensor } from '../src/tensor/safetensors';
import { directorySource } from '../src/node/fs-source';
import { cosine, expectEmbeddingsMatch, INT8_MIN_COSINE } from './helpers/compare';
import { TEXTS, checkpointDir, golden, type CheckpointName } from './helpers/fixtures';
import { testGpu } from './helpers/gpu';

const work = mkdtempSync(join(tmpdir(), 'c2llm-int8-'));
const nodeOrt = async () => ({ module: await import('onnxruntime-node'), runtime: 'onnxruntime-node' });
const embedders: Embedder[] = [];
afterAll(() => embedders.forEach((e) => e.dispose()));

let outputs = 0;
async function quantized(name: CheckpointName, extra: string[] = []): Promise<string> {
  const output = join(work, `${name}-${outputs++}`);
  await quantizeCommand(['--model', checkpointDir(name), '--output', output, ...extra], () => undefined);
  return output;
}

async function load(dir: string, options: Parameters<typeof Embedder.load>[1]): Promise<Embedder> {
  const embedder = await Embedder.load(directorySource(dir), options);
  embedders.push(embedder);
  return embedder;
}

const safetensorsBytes = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.safetensors')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

describe('c2llm quantize', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await quantized('small-bf16-gqa2');
  });

  test('stores every matrix as I8 with F32 row scales and halves the bf16 matrix bytes', async () => {
    const source = await loadCheckpoint(directorySource(checkpointDir('small-bf16-gqa2')));
    const int8 = await loadCheckpoint(directorySource(dir));
    const matrices = modelTensors(int8).filter((t) => t.shape.length === 2);
    expect(matrices.map((t) => t.dtype)).toEqual(matrices.map(() => 'I8'));
    for (const t of matrices) expect(t.scales).toHaveLength(t.shape[0]);
    const vectors = modelTensors(int8).filter((t) => t.shape.length !== 2);
    expect(vectors.map((t) => t.dtype)).toEqual(vectors.map(() => 'BF16'));
    const bf16MatrixBytes = modelTensors(source).filter((t) => t.shape.length === 2).reduce((n, t) => n + t.bytes.byteLength, 0);
    const int8MatrixBytes = matrices.reduce((n, t) => n + t.bytes.byteLength + 4 * t.shape[0], 0);
    const rows = matrices.reduce((n, t) => n + t.shape[0], 0);
    expect(int8MatrixBytes).toBe(bf16MatrixBytes / 2 + 4 * rows);
    const [before, after] = [safetensorsBytes(checkpointDir('small-bf16-gqa2')), safetensorsBytes(dir)];
    console.log(`small-bf16-gqa2: safetensors ${before} bytes as bf16, ${after} as int8 (${(after / before).toFixed(3)})`);
    expect(after / before).toBeLessThan(0.56);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).quantization_config.quant_method).toBe('c2llm-int8');
  });

  test('WebGPU reads it straight into int8 matrices: the same embeddings as quantizing the bf16 checkpoint at load', async () => {
    const gpu = await testGpu();
    const fromInt8 = await load(dir, { device: 'webgpu', gpu: gpu.gpu });
    const atLoad = await load(checkpointDir('small-bf16-gqa2'), { device: 'webgpu', gpu: gpu.gpu, dtype: 'int8' });
    expect(fromInt8.backend.description).toMatch(/int8 weights/);
    const [a, b] = [await fromInt8.embed(TEXTS), await atLoad.embed(TEXTS)];
    expectEmbeddingsMatch(a, b.map((v) => Array.from(v)), 'int8 checkpoint vs int8 at load');
    const layouts = [fromInt8, atLoad].map((e) => (e.backend as GpuModel).weightLayout);
    expect(layouts[0].matrixBytes).toBe(layouts[1].matrixBytes);
    const worst = Math.min(...a.map((v, i) => cosine(v, golden('small-bf16-gqa2').embeddings[i])));
    console.log(`small-bf16-gqa2 int8 checkpoint on WebGPU: worst cosine against the float64 reference ${worst.toFixed(6)}`);
    expect(worst).toBeGreaterThanOrEqual(INT8_MIN_COSINE);
  });

  test('the CPU backend and the reference compute with its dequantized weights', async () => {
    const expected = golden('small-bf16-gqa2').embeddings;
    for (const options of [{ device: 'cpu', ort: nodeOrt }, { device: 'reference' }] as const) {
      const vectors = await (await load(dir, options)).embed(TEXTS);
      const worst = Math.min(...vectors.map((v, i) => cosine(v, expected[i])));
      expect(worst, options.device).toBeGreaterThanOrEqual(INT8_MIN_COSINE);
    }
  });

  test('shards past --max-shard-mb with an index, and quantizing again changes nothing', async () => {
    const sharded = await quantized('qwen-vocab-bf16', ['--max-shard-mb', '1']);
    const index = JSON.parse(readFileSync(join(sharded, 'model.safetensors.index.json'), 'utf8'));
    expect(new Set(Object.values(index.weight_map)).size).toBeGreaterThan(1);
    const gpu = await testGpu();
    const vectors = await (await load(sharded, { device: 'webgpu', gpu: gpu.gpu })).embed(TEXTS);
    const worst = Math.min(...vectors.map((v, i) => cosine(v, golden('qwen-vocab-bf16').embeddings[i])));
    expect(worst).toBeGreaterThanOrEqual(INT8_MIN_COSINE);
    const again = join(work, 'again');
    await quantizeCommand(['--model', sharded, '--output', again], () => undefined);
    const [first, second] = await Promise.all([sharded, again].map((d) => loadCheckpoint(directorySource(d))));
    modelTensors(second).forEach((t, i) => expect(Buffer.compare(t.bytes, modelTensors(first)[i].bytes), t.name).toBe(0));
  });

  test('refuses an output folder that already holds a checkpoint', async () => {
    await expect(quantizeCommand(['--model', checkpointDir('tiny-f32-gqa1'), '--output', dir], () => undefined)).rejects.toThrow(InputError);
    expect(existsSync(join(dir, 'model.safetensors.partial'))).toBe(false);
  });
});

describe('int8 checkpoint errors name the tensor', () => {
  /** A copy of the quantized small checkpoint with its tensors edited. */
  async function edited(edit: (tensors: RawTensor[]) => RawTensor[]): Promise<string> {
    const dir = await quantized('small-bf16-gqa2');
    const file = join(dir, 'model.safetensors');
    const tensors = edit([...parseSafetensors(file, new Uint8Array(readFileSync(file))).values()]);
    writeFileSync(file, Buffer.concat([safetensorsHeader(tensors), ...tensors.map((t) => t.bytes)]));
    return dir;
  }
  async function loadError(dir: string): Promise<string> {
    const error = await loadCheckpoint(directorySource(dir)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as Error).message;
  }
  const o = 'plm_model.model.layers.0.self_attn.o_proj.weight';

  test('a matrix without its scales', async () => {
    expect(await loadError(await edited((ts) => ts.filter((t) => t.name !== `${o}_scale`)))).toMatch(`tensor "${o}" is I8, but its row scales "${o}_scale" are missing`);
  });

  test('scales that are not F32, or not positive', async () => {
    const asBf16 = (t: RawTensor): RawTensor => ({ ...t, dtype: 'BF16', bytes: t.bytes.subarray(0, t.bytes.byteLength / 2) });
    expect(await loadError(await edited((ts) => ts.map((t) => (t.name === `${o}_scale` ? asBf16(t) : t))))).toMatch(`"${o}_scale" holds the row scales of an I8 matrix and must be F32, not BF16`);
    const zeroFirst = (t: RawTensor): RawTensor => ({ ...t, bytes: Uint8Array.from(t.bytes, (b, i) => (i < 4 ? 0 : b)) });
    expect(await loadError(await edited((ts) => ts.map((t) => (t.name === `${o}_scale` ? zeroFirst(t) : t))))).toMatch(`"${o}_scale": row 0 has scale 0`);
  });

  test('a vector stored as I8', async () => {
    const norm = 'plm_model.model.layers.1.input_layernorm.weight';
    const asI8 = (t: RawTensor): RawTensor => ({ ...t, dtype: 'I8', bytes: t.bytes.subarray(0, t.bytes.byteLength / 2) });
    expect(await loadError(await edited((ts) => ts.map((t) => (t.name === norm ? asI8(t) : t))))).toMatch(`tensor "${norm}" is I8, but only weight matrices may be stored as int8`);
  });
});

describe('weights are read shard by shard as the model takes them', () => {
  test('at most two shards are held: the one being taken from and the one read ahead', async () => {
    const dir = await quantized('small-bf16-gqa2', ['--max-shard-mb', '0.04']);
    const weightMap: Record<string, string> = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8')).weight_map;
    const shards = [...new Set(Object.values(weightMap))];
    expect(shards.length).toBeGreaterThan(4);
    const started: string[] = [];
    const inner = directorySource(dir);
    const open = await openCheckpoint({ ...inner, readBytes: (file) => (file.endsWith('.safetensors') && started.push(file), inner.readBytes(file)) });
    const { embedTokens, layers, finalNorm, pma } = open.weights;
    const refs = [embedTokens, ...layers.flatMap((l) => Object.values(l)), finalNorm, ...Object.values(pma)];
    const taken = new Set<string>();
    const done = (shard: string) => Object.entries(weightMap).every(([name, file]) => file !== shard || taken.has(name));
    let mostHeld = 0;
    for (const ref of refs) {
      const tensor = await ref();
      // A matrix's ref takes its row scales too.
      for (const name of [tensor.name, `${tensor.name}_scale`]) if (name in weightMap) taken.add(name);
      const held = started.filter((shard) => !done(shard));
      expect(held.length, `after ${tensor.name}: ${held}`).toBeLessThanOrEqual(2);
      mostHeld = Math.max(mostHeld, held.length);
    }
    expect(mostHeld).toBe(2);
    expect(started).toEqual(shards);
    await expect(embedTokens()).rejects.toThrow(/already taken/);
  });
});
