/**
 * `c2llm embed --model <dir> --input <texts.json> [--output <file>] [--device webgpu|cpu|reference|auto]
 *              [--max-length N] [--batch-size N] [--dtype auto|int8]`
 * Writes {"dim": D, "embeddings": [[...], ...]} to --output or stdout; everything else goes to stderr.
 * `c2llm quantize --model <dir> --output <dir>`: the checkpoint in the int8 layout (cli/quantize.ts).
 * Any failure prints one line naming the file and tensor or field, and exits non-zero.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Embedder, type DeviceChoice } from '../embedder';
import { C2llmError, InputError } from '../errors';
import { GpuModel } from '../model/gpu-model';
import { createNodeGpu } from '../node/dawn';
import { directorySource } from '../node/fs-source';
import { QUANTIZE_USAGE, quantizeCommand } from './quantize';

const USAGE = `usage: c2llm embed --model <dir> --input <texts.json> [--output <file>] [--device webgpu|cpu|reference|auto] [--max-length N] [--batch-size N] [--dtype auto|int8]\n       ${QUANTIZE_USAGE.replace('usage: ', '')}`;

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

async function readTexts(file: string): Promise<string[]> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (cause) {
    throw new InputError(`${file}: cannot be read (${(cause as Error).message})`, { cause });
  }
  let texts: unknown;
  try {
    texts = JSON.parse(raw);
  } catch (cause) {
    throw new InputError(`${file}: is not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (!Array.isArray(texts)) throw new InputError(`${file}: must be a JSON array of strings`);
  const bad = texts.findIndex((t) => typeof t !== 'string');
  if (bad >= 0) throw new InputError(`${file}: element ${bad} is ${JSON.stringify(texts[bad])?.slice(0, 40)}, not a string`);
  return texts as string[];
}

async function embedCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      input: { type: 'string' },
      output: { type: 'string' },
      device: { type: 'string', default: 'auto' },
      'max-length': { type: 'string' },
      'batch-size': { type: 'string' },
      dtype: { type: 'string', default: 'auto' },
    },
    strict: true,
  });
  if (!values.model || !values.input) throw new InputError(`--model and --input are required\n${USAGE}`);
  const device = values.device as DeviceChoice;
  if (!['webgpu', 'cpu', 'reference', 'auto'].includes(device)) throw new InputError(`--device must be webgpu, cpu, reference or auto, got "${device}"`);
  const dtype = values.dtype as 'auto' | 'int8';
  if (!['auto', 'int8'].includes(dtype)) throw new InputError(`--dtype must be auto or int8, got "${dtype}"`);
  const texts = await readTexts(values.input);
  const embedder = await Embedder.load(directorySource(values.model), {
    device,
    gpu: device === 'webgpu' || device === 'auto' ? await createNodeGpu() : undefined,
    ort: async () => ({ module: await import('onnxruntime-node'), runtime: 'onnxruntime-node' }),
    dtype,
    maxLength: positiveInt('max-length', values['max-length']),
    batchSize: positiveInt('batch-size', values['batch-size']),
  });
  const { backend, model } = embedder;
  process.stderr.write(`c2llm: ${model.source}: using ${backend.description}, because ${embedder.deviceReason}\n`);
  if (model.unusedTensors.length) process.stderr.write(`c2llm: ignoring ${model.unusedTensors.length} unused tensor(s): ${model.unusedTensors.join(', ')}\n`);
  const started = performance.now();
  const vectors = await embedder.embed(texts);
  const seconds = (performance.now() - started) / 1000;
  if (backend instanceof GpuModel) {
    const { dispatches, submits, passes } = backend.stats;
    process.stderr.write(`c2llm: ${texts.length} texts in ${seconds.toFixed(2)} s; ${passes} forward pass(es), ${dispatches} dispatches, ${submits} submits\n`);
  } else {
    process.stderr.write(`c2llm: ${texts.length} texts in ${seconds.toFixed(2)} s\n`);
  }
  const json = `{"dim":${embedder.dim},"embeddings":[${vectors.map((v) => `[${Array.from(v).join(',')}]`).join(',')}]}\n`;
  embedder.dispose();
  if (values.output) await writeFile(values.output, json);
  else await new Promise<void>((resolve, reject) => process.stdout.write(json, (e) => (e ? reject(e) : resolve())));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'embed') await embedCommand(rest);
    else if (command === 'quantize') await quantizeCommand(rest, (line) => process.stderr.write(`${line}\n`));
    else throw new InputError(command ? `unknown command "${command}"\n${USAGE}` : USAGE);
    return 0;
  } catch (error) {
    const known = error instanceof C2llmError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`c2llm: ${known ? (error as Error).message : (error as Error).stack}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
