import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Embedder } from '../src/embedder';
import { CheckpointError } from '../src/errors';
import { createNodeGpu } from '../src/node/dawn';
import { loadCheckpoint } from '../src/model/checkpoint';
import { directorySource } from '../src/node/fs-source';
import { modelFingerprint } from '../src/node/model-fingerprint';
import { checkpointDir, copyCheckpoint } from './helpers/fixtures';

async function loadError(dir: string): Promise<CheckpointError> {
  const error = await loadCheckpoint(directorySource(dir)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  return error as CheckpointError;
}

function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
}

/** Rewrites one tensor's header entry of a single-file checkpoint, keeping the data. */
function editHeader(file: string, edit: (header: Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>) => void): void {
  const bytes = readFileSync(file);
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8'));
  edit(header);
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(file, Buffer.concat([prefix, json, bytes.subarray(8 + length)]));
}

/** Overwrites element `index` of one tensor of a single-file F32 checkpoint with `value`. */
function setF32(file: string, tensor: string, index: number, value: number): void {
  const bytes = readFileSync(file);
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8'));
  bytes.writeFloatLE(value, 8 + length + header[tensor].data_offsets[0] + index * 4);
  writeFileSync(file, bytes);
}

describe('loadCheckpoint', () => {
  test('loads a single-file and a sharded checkpoint', async () => {
    const single = await loadCheckpoint(directorySource(checkpointDir('small-bf16-gqa2')));
    expect(single.config).toMatchObject({ hiddenSize: 128, numHeads: 4, numKvHeads: 2, headDim: 32, compressedDim: 96, numLayers: 2 });
    expect(single.weights.layers).toHaveLength(2);
    const sharded = await loadCheckpoint(directorySource(checkpointDir('qwen-vocab-bf16')));
    expect(sharded.weights.embedTokens.file).toBe('model-00001-of-00002.safetensors');
    expect(sharded.weights.layers[3].down.file).toBe('model-00002-of-00002.safetensors');
  });

  test.each([NaN, Infinity, -Infinity])('a weight of %s is a corrupt checkpoint on every device, naming the tensor and the first bad index', async (value) => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    setF32(join(dir, 'model.safetensors'), 'plm_model.model.layers.0.mlp.down_proj.weight', 37, value);
    const message = /model\.safetensors: tensor "plm_model\.model\.layers\.0\.mlp\.down_proj\.weight" holds a non-finite value \(NaN or infinity\) at index 37/;
    expect((await loadError(dir)).message).toMatch(message);
    const nodeOrt = async () => ({ module: await import('onnxruntime-node'), runtime: 'onnxruntime-node' });
    for (const options of [{ device: 'reference' }, { device: 'cpu', ort: nodeOrt }, { device: 'cpu', ort: nodeOrt, dtype: 'int8' }, { device: 'webgpu', gpu: await createNodeGpu() }] as const) {
      await expect(Embedder.load(directorySource(dir), options), options.device).rejects.toThrow(message);
    }
  });

  test('weights that make the output non-finite (all-zero final LayerNorm) fail the call instead of returning NaN', async () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    for (const name of ['mha_pma.mab.ln1.weight', 'mha_pma.mab.ln1.bias']) for (let i = 0; i < 64; i++) setF32(join(dir, 'model.safetensors'), name, i, 0);
    const embedder = await Embedder.load(directorySource(dir), { device: 'reference' });
    await expect(embedder.embed(['def f(): pass'])).rejects.toThrow(/the embedding of text 0 is not finite \(NaN or infinity\): the weights are degenerate/);
  });

  test('a finite but huge weight that makes f32 normalisation overflow fails the call (norm 0, not 1) instead of returning a zero vector', async () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    setF32(join(dir, 'model.safetensors'), 'mha_pma.mab.ln1.bias', 3, 3e38);
    // In float64 the reference gets the true answer, the unit vector along dimension 3.
    const reference = await Embedder.load(directorySource(dir), { device: 'reference' });
    expect((await reference.embed(['def f(): pass']))[0][3]).toBeCloseTo(1, 6);
    const nodeOrt = async () => ({ module: await import('onnxruntime-node'), runtime: 'onnxruntime-node' });
    for (const options of [{ device: 'cpu', ort: nodeOrt }, { device: 'webgpu', gpu: await createNodeGpu() }] as const) {
      const embedder = await Embedder.load(directorySource(dir), options);
      await expect(embedder.embed(['def f(): pass']), options.device).rejects.toThrow(/the embedding of text 0 has norm 0\.00, not 1: the weights are degenerate/);
      embedder.dispose();
    }
  });

  test('a tokenizer with an empty vocabulary, or one that gives ids past vocab_size, is refused', async () => {
    const empty = copyCheckpoint('tiny-f32-gqa1');
    editJson(join(empty, 'tokenizer.json'), (t) => ((t.model as { vocab: object }).vocab = {}));
    await expect(Embedder.load(directorySource(empty), { device: 'reference' })).rejects.toThrow(/tokenizer\.json: field "model\.vocab" is missing or empty/);
    const past = copyCheckpoint('tiny-f32-gqa1');
    editJson(join(past, 'tokenizer.json'), (t) => {
      (t.added_tokens as object[]).push({ id: 99999, content: '<|past|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
    });
    const embedder = await Embedder.load(directorySource(past), { device: 'reference' });
    await expect(embedder.embed(['ok', 'x <|past|>'])).rejects.toThrow(/tokenizer\.json: gives token id 99999 \(text 1, token \d+\), past config\.json's vocab_size/);
  });

  test('a norm weight stored as [1, N] instead of [N] is refused', async () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    editHeader(join(dir, 'model.safetensors'), (h) => {
      const t = h['plm_model.model.norm.weight'];
      t.shape = [1, ...t.shape];
    });
    expect((await loadError(dir)).message).toMatch(/tensor "plm_model\.model\.norm\.weight" has shape \[1,32\] but config\.json implies \[32\]/);
  });

  test('a missing file is named', async () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    rmSync(join(dir, 'model.safetensors'));
    const error = await loadError(dir);
    expect(error.message).toMatch(/model\.safetensors: file not found/);
  });

  test('a config.json that is a FIFO or a folder is named at once, by the loader and by the fingerprint, not waited on', async () => {
    for (const make of [(path: string) => execFileSync('mkfifo', [path]), (path: string) => mkdirSync(path)]) {
      const dir = copyCheckpoint('tiny-f32-gqa1');
      rmSync(join(dir, 'config.json'));
      make(join(dir, 'config.json'));
      const error = await loadError(dir);
      expect(error).toBeInstanceOf(CheckpointError);
      expect(error.message).toMatch(/config\.json: is not a regular file \(a folder, device or pipe\); a checkpoint is a folder of regular files/);
      // Its fingerprint, which search reads before loading, says the same.
      await expect(modelFingerprint(dir, mkdtempSync(join(tmpdir(), 'c2llm-digests-')))).rejects.toThrow(/config\.json: is not a regular file/);
    }
  });

  test('a missing tensor is named, with what was found', async () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    editHeader(join(dir, 'model.safetensors'), (h) => {
      h['plm_model.model.layers.0.mlp.up_proj.bias_renamed'] = h['plm_model.model.layers.0.mlp.up_proj.weight'];
      delete h['plm_model.model.layers.0.mlp.up_proj.weight'];
    });
    const error = await loadError(dir);
    expect(error.message).toMatch(/model\.safetensors: tensor "plm_model\.model\.layers\.0\.mlp\.up_proj\.weight" is missing \(the checkpoint has \d+ tensors\)/);
  });

  test('a tensor of the wrong shape names tensor and file', async () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    editHeader(join(dir, 'model.safetensors'), (h) => {
      const t = h['plm_model.model.layers.0.mlp.down_proj.weight'];
      t.shape = [t.shape[1], t.shape[0]];
    });
    const error = await loadError(dir);
    expect(error.message).toMatch(/^model\.safetensors: tensor "plm_model\.model\.layers\.0\.mlp\.down_proj\.weight" has shape \[44,32\] but config\.json implies \[32,44\]/);
  });

  test('a wrong dtype in the header is named', async () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    editHeader(join(dir, 'model.safetensors'), (h) => {
      h['mha_pma.mab.fc_o.bias'].dtype = 'Q4_K';
    });
    const error = await loadError(dir);
    expect(error.message).toMatch(/model\.safetensors: tensor "mha_pma\.mab\.fc_o\.bias": unknown dtype "Q4_K"/);
  });

  test('a truncated shard is named', async () => {
    const dir = copyCheckpoint('qwen-vocab-bf16');
    const file = join(dir, 'model-00002-of-00002.safetensors');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    const error = await loadError(dir);
    expect(error.message).toMatch(/^model-00002-of-00002\.safetensors: tensor ".*": data_offsets end \d+ is past the end of the data/);
  });

  test('a config that contradicts the tensors names the field', async () => {
    const dir = copyCheckpoint('small-bf16-gqa2');
    editJson(join(dir, 'config.json'), (c) => (c.intermediate_size = 200));
    const error = await loadError(dir);
    expect(error.message).toMatch(/tensor "plm_model\.model\.layers\.0\.mlp\.gate_proj\.weight" has shape \[236,128\] but config\.json implies \[200,128\]/);
  });

  test('a config with fewer layers than the checkpoint', async () => {
    const dir = copyCheckpoint('small-bf16-gqa2');
    editJson(join(dir, 'config.json'), (c) => (c.num_hidden_layers = 1));
    const error = await loadError(dir);
    expect(error.message).toMatch(/layers\.1\..*belongs to a layer past num_hidden_layers \(1\)/);
  });

  test('an invalid config field', async () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    editJson(join(dir, 'config.json'), (c) => (c.num_key_value_heads = 3));
    const error = await loadError(dir);
    expect(error.message).toMatch(/^config\.json: num_attention_heads \(2\) is not a multiple of num_key_value_heads \(3\)/);
  });

  test('an unsupported pooling mode', async () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    editJson(join(dir, 'config.json'), (c) => (c.pma_norm_mode = 'pre_gptj'));
    const error = await loadError(dir);
    expect(error.message).toMatch(/^config\.json: field "pma_norm_mode" is "pre_gptj"/);
  });

  test('a shard index that points at a missing file', async () => {
    const dir = copyCheckpoint('qwen-vocab-bf16');
    rmSync(join(dir, 'model-00001-of-00002.safetensors'));
    const error = await loadError(dir);
    expect(error.message).toMatch(/model-00001-of-00002\.safetensors: file not found/);
  });
});
