/**
 * `c2llm quantize --model <dir> --output <dir> [--max-shard-mb N]`: writes the int8 checkpoint layout
 * (model/int8-checkpoint.ts) of a checkpoint: config.json marked with its quantization_config, the
 * tokenizer files, and the tensors in one model.safetensors or, past --max-shard-mb (2048), in shards
 * with a model.safetensors.index.json. Everything is written into a temporary folder beside the output
 * (`<output>.partial`), every write checked for its full length, and the folder is renamed to the output
 * only when complete: an interrupted run leaves no output, and a re-run removes the leftover and starts
 * clean. An output folder that already exists and is not empty is refused.
 */
import type { CommandHelp } from './command-help';
import { existsSync, statSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../errors';
import { loadCheckpoint, type Checkpoint } from '../model/checkpoint';
import { INT8_QUANTIZATION_CONFIG, int8Tensors, modelTensors, shardTensors, type TensorToWrite } from '../model/int8-checkpoint';
import { safetensorsHeader } from '../tensor/safetensors';
import { readJson, type CheckpointSource } from '../model/source';
import { writeAll } from '../node/atomic-write';
import { directorySource } from '../node/fs-source';
import { refuseModelFile } from './load-model';
import { OUTPUT_OPTION } from './flag-values';

export const QUANTIZE_USAGE = 'usage: c2llm quantize --model <dir> --output <dir> [--max-shard-mb N]';
const DEFAULT_MAX_SHARD_MB = 2048;

export const QUANTIZE_OPTIONS = { model: { type: 'string' }, output: OUTPUT_OPTION, 'max-shard-mb': { type: 'string', default: String(DEFAULT_MAX_SHARD_MB) } } as const;

export const QUANTIZE_HELP: CommandHelp = {
  usage: QUANTIZE_USAGE,
  does:
    'Writes a checkpoint in the int8 layout: every weight matrix as int8 with one scale per row, the rest as stored. ' +
    'About half the download of bf16; every device reads it, and its embeddings are those of --dtype int8.',
  flags: [
    ['--model <dir>', "the checkpoint's folder (config.json, model.safetensors or its shards, tokenizer files)"],
    ['-o, --output <dir>', 'the folder to write, new or empty; written whole or not at all'],
    ['--max-shard-mb N', `the largest weight file, past which the weights are sharded (default ${DEFAULT_MAX_SHARD_MB})`],
  ],
  examples: ['c2llm quantize --model models/c2llm-nano --output models/c2llm-nano-int8'],
};

async function writeShard(path: string, tensors: readonly TensorToWrite[]): Promise<number> {
  const file = await open(path, 'w');
  try {
    const header = safetensorsHeader(tensors);
    await writeAll(file, header);
    let written = header.byteLength;
    for (const t of tensors) {
      const bytes = t.bytes();
      await writeAll(file, bytes);
      written += bytes.byteLength;
    }
    await file.sync();
    return written;
  } finally {
    await file.close();
  }
}

async function writeText(path: string, text: string | Uint8Array): Promise<void> {
  const file = await open(path, 'w');
  try {
    await writeAll(file, typeof text === 'string' ? new TextEncoder().encode(text) : text);
    await file.sync();
  } finally {
    await file.close();
  }
}

export async function quantizeCommand(argv: string[], log: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: QUANTIZE_OPTIONS,
    strict: true,
  });
  if (!values.model || !values.output) throw new InputError(`--model and --output are required\n${QUANTIZE_USAGE}`);
  const maxShardMb = Number(values['max-shard-mb']);
  if (!(maxShardMb > 0)) throw new InputError(`--max-shard-mb must be a positive number, got "${values['max-shard-mb']}"`);
  const output = values.output.replace(/\/+$/, '');
  const existing = await stat(output).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new InputError(`${output}: is a file; choose a new or empty output folder`);
  if (existing && (await readdir(output)).length > 0) throw new InputError(`${output}: already exists and is not empty; choose a new or empty output folder`);
  await refuseModelFile(values.model);
  const source = directorySource(values.model);
  const checkpoint = await loadCheckpoint(source);
  const partial = `${output}.partial`;
  if (existsSync(partial)) log(`c2llm: removing ${partial}, left by an interrupted run`);
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    await writeCheckpoint(partial, checkpoint, source, maxShardMb, log);
    await rm(output, { recursive: true, force: true });
    await rename(partial, output);
  } catch (cause) {
    await rm(partial, { recursive: true, force: true });
    throw new InputError(`${output}: could not be written (${(cause as Error).message}); nothing was left behind`, { cause });
  }
  const total = (await readdir(output)).filter((f) => f.endsWith('.safetensors')).reduce((n, f) => n + statSync(join(output, f)).size, 0);
  const stored = modelTensors(checkpoint).reduce((n, t) => n + t.bytes.byteLength + (t.scales?.byteLength ?? 0), 0);
  log(`c2llm: ${output}: ${(total / 2 ** 20).toFixed(1)} MiB of safetensors, from ${(stored / 2 ** 20).toFixed(1)} MiB of model tensors in ${values.model}`);
}

async function writeCheckpoint(output: string, checkpoint: Checkpoint, source: CheckpointSource, maxShardMb: number, log: (line: string) => void): Promise<void> {
  const shards = shardTensors(int8Tensors(checkpoint), Math.round(maxShardMb * 2 ** 20));
  const names = shards.length === 1 ? ['model.safetensors'] : shards.map((_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`);
  for (const [i, shard] of shards.entries()) {
    await writeShard(join(output, names[i]), shard);
    log(`c2llm: wrote ${names[i]} (${shard.length} tensors)`);
  }
  if (shards.length > 1) {
    const weightMap = Object.fromEntries(shards.flatMap((shard, i) => shard.map((t) => [t.name, names[i]])));
    const dataBytes = shards.flat().reduce((n, t) => n + t.byteLength, 0);
    await writeText(join(output, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: dataBytes }, weight_map: weightMap }, null, 2));
  }
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) await writeText(join(output, file), await source.readBytes(file));
  const config = (await readJson(source, 'config.json')) as Record<string, unknown>;
  await writeText(join(output, 'config.json'), JSON.stringify({ ...config, quantization_config: INT8_QUANTIZATION_CONFIG }, null, 2));
}
