/**
 * `c2llm quantize --model <dir> --output <dir> [--max-shard-mb N]`: writes the int8 checkpoint layout
 * (model/int8-checkpoint.ts) of a checkpoint: config.json marked with its quantization_config, the
 * tokenizer files, and the tensors in one model.safetensors or, past --max-shard-mb (2048), in shards
 * with a model.safetensors.index.json. Files are written one tensor at a time, each shard under a
 * temporary name until it is complete; an output folder that already holds a checkpoint is refused.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../errors';
import { loadCheckpoint } from '../model/checkpoint';
import { INT8_QUANTIZATION_CONFIG, int8Tensors, modelTensors, shardTensors, type TensorToWrite } from '../model/int8-checkpoint';
import { safetensorsHeader } from '../tensor/safetensors';
import { readJson } from '../model/source';
import { directorySource } from '../node/fs-source';

export const QUANTIZE_USAGE = 'usage: c2llm quantize --model <dir> --output <dir> [--max-shard-mb N]';

async function writeShard(path: string, tensors: readonly TensorToWrite[]): Promise<number> {
  const partial = `${path}.partial`;
  const file = await open(partial, 'w');
  try {
    const header = safetensorsHeader(tensors);
    await file.write(header);
    let written = header.byteLength;
    for (const t of tensors) {
      const bytes = t.bytes();
      await file.write(bytes);
      written += bytes.byteLength;
    }
    await file.close();
    await rename(partial, path);
    return written;
  } catch (error) {
    await file.close().catch(() => undefined);
    throw error;
  }
}

export async function quantizeCommand(argv: string[], log: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { model: { type: 'string' }, output: { type: 'string' }, 'max-shard-mb': { type: 'string', default: '2048' } },
    strict: true,
  });
  if (!values.model || !values.output) throw new InputError(`--model and --output are required\n${QUANTIZE_USAGE}`);
  const maxShardMb = Number(values['max-shard-mb']);
  if (!(maxShardMb > 0)) throw new InputError(`--max-shard-mb must be a positive number, got "${values['max-shard-mb']}"`);
  const output = values.output;
  for (const file of ['model.safetensors', 'model.safetensors.index.json', 'config.json']) {
    if (existsSync(join(output, file))) throw new InputError(`${join(output, file)}: already exists; choose an empty output folder`);
  }
  const source = directorySource(values.model);
  const checkpoint = await loadCheckpoint(source);
  await mkdir(output, { recursive: true });

  const shards = shardTensors(int8Tensors(checkpoint), Math.round(maxShardMb * 2 ** 20));
  const names = shards.length === 1 ? ['model.safetensors'] : shards.map((_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`);
  let total = 0;
  for (const [i, shard] of shards.entries()) {
    total += await writeShard(join(output, names[i]), shard);
    log(`c2llm: wrote ${join(output, names[i])} (${shard.length} tensors)`);
  }
  if (shards.length > 1) {
    const weightMap = Object.fromEntries(shards.flatMap((shard, i) => shard.map((t) => [t.name, names[i]])));
    const dataBytes = shards.flat().reduce((n, t) => n + t.byteLength, 0);
    await writeFile(join(output, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: dataBytes }, weight_map: weightMap }, null, 2));
  }
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) await writeFile(join(output, file), await source.readBytes(file));
  const config = (await readJson(source, 'config.json')) as Record<string, unknown>;
  await writeFile(join(output, 'config.json'), JSON.stringify({ ...config, quantization_config: INT8_QUANTIZATION_CONFIG }, null, 2));
  const stored = modelTensors(checkpoint).reduce((n, t) => n + t.bytes.byteLength + (t.scales?.byteLength ?? 0), 0);
  log(`c2llm: ${output}: ${(total / 2 ** 20).toFixed(1)} MiB of safetensors, from ${(stored / 2 ** 20).toFixed(1)} MiB of model tensors in ${values.model}`);
}
