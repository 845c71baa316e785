import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CheckpointError } from '../src/errors';
import { loadCheckpoint } from '../src/model/checkpoint';
import { directorySource } from '../src/node/fs-source';
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

describe('loadCheckpoint', () => {
  test('loads a single-file and a sharded checkpoint', async () => {
    const single = await loadCheckpoint(directorySource(checkpointDir('small-bf16-gqa2')));
    expect(single.config).toMatchObject({ hiddenSize: 128, numHeads: 4, numKvHeads: 2, headDim: 32, compressedDim: 96, numLayers: 2 });
    expect(single.weights.layers).toHaveLength(2);
    const sharded = await loadCheckpoint(directorySource(checkpointDir('qwen-vocab-bf16')));
    expect(sharded.weights.embedTokens.file).toBe('model-00001-of-00002.safetensors');
    expect(sharded.weights.layers[3].down.file).toBe('model-00002-of-00002.safetensors');
  });

  test('a missing file is named', async () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    rmSync(join(dir, 'model.safetensors'));
    const error = await loadError(dir);
    expect(error.message).toMatch(/model\.safetensors: file not found/);
  });

  test('a missing tensor is named, with what was found', async () => {
    const dir = copyCheckpoint('tiny-f32-gqa1');
    editHeader(join(dir, 'model.safetensors'), (h) => {
      h['plm_model.model.layers.0.mlp.up_proj.bias_renamed'] = h['plm_model.model.layers.0.mlp.up_proj.weight'];
      delete h['plm_model.model.layers.0.mlp.up_proj.weight'];
    });
    const error = await loadError(dir);
    expect(error.message).toMatch(/model\.safetensors: tensor "plm_model\.model\.layers\.0\.mlp\.up_proj\.weight" is missing/);
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
