/**
 * A checkpoint directory in the Hugging Face C2LLM layout, opened and validated: config.json, the
 * safetensors file(s) (single, or an index plus shards), and the tokenizer files. Every tensor the
 * model needs is found by name, checked against the shape config.json implies, and grouped by layer.
 *
 * The tensor names are c2llm-tensors.ts's; the files are read by shard-reader.ts.
 * `openCheckpoint` gives each weight as a function that reads it when called (ShardReader): the GPU
 * backend uploads tensors as their shard arrives and drops them, so a sharded checkpoint never sits in
 * memory whole. `loadCheckpoint` reads everything, for the backends that keep weights on the CPU.
 */
import { CheckpointError } from '../errors';
import { parseConfig, type ModelConfig } from './config';
import { firstNonFinite, widenToF32, type DType } from '../tensor/dtype';
import type { RawTensor } from '../tensor/safetensors';
import { c2llmTensors, type LayerWeights, type ModelWeights, type PmaWeights, type TensorSpec } from './c2llm-tensors';
import { openShards, type TensorReader } from './shard-reader';
import { readJson, type CheckpointSource } from './source';

/** A weight not read yet: call it once to get it, when its shard has been read (and checked). */
export type TensorRef = () => Promise<RawTensor>;

export type { LayerWeights, ModelWeights, PmaWeights } from './c2llm-tensors';

export interface Checkpoint<T = RawTensor> {
  readonly source: string;
  readonly config: ModelConfig;
  readonly weights: ModelWeights<T>;
  readonly tokenizerJson: object;
  readonly tokenizerConfig: object;
  /** Tensors in the files that the model does not use (such as a 7B checkpoint's lm_head). */
  readonly unusedTensors: readonly string[];
  /** The stored dtype of the weight matrices read so far (that of the last one read). */
  readonly matrixDtype: () => DType | undefined;
}

/** A checkpoint whose weights are read on demand (see ShardReader). */
export type OpenCheckpoint = Checkpoint<TensorRef>;

/** Finds the name prefix in front of a tensor suffix that must exist exactly once (e.g. "plm_model.model."). */
function findPrefix(names: readonly string[], suffix: string, listing: string): string {
  const matches = names.filter((n) => n === suffix || n.endsWith(`.${suffix}`));
  if (matches.length !== 1) {
    const sample = names.slice(0, 8).join(', ');
    const what = matches.length ? `several tensors end in "${suffix}" (${matches.join(', ')})` : `no tensor named "…${suffix}"`;
    throw new CheckpointError(listing, `${what}; found ${names.length} tensors: ${sample}${names.length > 8 ? ', …' : ''}`);
  }
  return matches[0].slice(0, matches[0].length - suffix.length);
}

/** The suffix of the F32 tensor that holds an I8 matrix's row scales: "<name>_scale", shape [rows]. */
export const INT8_SCALE_SUFFIX = '_scale';

/** The exact shape config.json implies; `alsoAccepted` names a second layout some checkpoints use (the PMA seed as [1, 1, d]). */
function checkShape(t: RawTensor, shape: readonly number[], alsoAccepted?: readonly number[]): RawTensor {
  const is = (s: readonly number[]) => t.shape.length === s.length && t.shape.every((d, i) => d === s[i]);
  if (!is(shape) && !(alsoAccepted && is(alsoAccepted))) throw new CheckpointError(t.file, `tensor "${t.name}" has shape [${t.shape}] but config.json implies [${shape}]`);
  const bad = firstNonFinite(t.bytes, t.dtype);
  if (bad >= 0) throw new CheckpointError(t.file, `tensor "${t.name}" holds a non-finite value (NaN or infinity) at index ${bad}: the checkpoint is corrupt`);
  return t;
}

/** An I8 matrix with the row scales stored beside it (written by `c2llm quantize`). */
function withRowScales(t: RawTensor, scale: RawTensor): RawTensor {
  if (t.dtype !== 'I8') throw new CheckpointError(t.file, `tensor "${t.name}" is ${t.dtype} but has row scales "${scale.name}"; only I8 matrices have them`);
  if (scale.dtype !== 'F32') throw new CheckpointError(scale.file, `tensor "${scale.name}" holds the row scales of an I8 matrix and must be F32, not ${scale.dtype}`);
  const scales = widenToF32(scale.bytes, 'F32');
  const bad = scales.findIndex((v) => !(v > 0 && Number.isFinite(v)));
  if (bad >= 0) throw new CheckpointError(scale.file, `tensor "${scale.name}": row ${bad} has scale ${scales[bad]}, not a positive finite number`);
  return { ...t, scales };
}

/** Every weight the model needs, by name, as a TensorRef that checks its shape (and an I8 matrix's scales) when read. */
function planWeights(config: ModelConfig, reader: TensorReader, listing: string): { weights: ModelWeights<TensorRef>; unused: string[]; matrixDtype: () => DType | undefined } {
  const names = [...reader.fileOf.keys()];
  const used = new Set<string>();
  let matrixDtype: DType | undefined;
  const take = (name: string, shape: number[], alsoAccepted?: number[]): TensorRef => {
    if (!reader.fileOf.has(name)) throw new CheckpointError(listing, `tensor "${name}" is missing (the checkpoint has ${names.length} tensors)`);
    used.add(name);
    const scaleName = `${name}${INT8_SCALE_SUFFIX}`;
    const scaled = shape.length === 2 && reader.fileOf.has(scaleName);
    if (scaled) used.add(scaleName);
    return async () => {
      const t = checkShape(await reader.take(name), shape, alsoAccepted);
      if (shape.length === 2) matrixDtype = t.dtype;
      if (scaled) return withRowScales(t, checkShape(await reader.take(scaleName), [shape[0]]));
      if (t.dtype !== 'I8') return t;
      const why = shape.length === 2 ? `its row scales "${scaleName}" are missing` : 'only weight matrices may be stored as int8';
      throw new CheckpointError(t.file, `tensor "${name}" is I8, but ${why}`);
    };
  };
  const backbone = findPrefix(names, 'embed_tokens.weight', listing);
  const pmaPrefix = findPrefix(names, 'mab.fc_q.weight', listing);
  const specs = c2llmTensors(config, backbone, pmaPrefix);
  const ref = (spec: TensorSpec) => take(spec.name, spec.shape as number[], spec.alsoAccepted as number[] | undefined);
  const mapGroup = <K extends string>(group: Readonly<Record<K, TensorSpec>>) => Object.fromEntries(Object.entries(group).map(([k, v]) => [k, ref(v as TensorSpec)])) as Record<K, TensorRef>;
  const weights: ModelWeights<TensorRef> = {
    embedTokens: ref(specs.embedTokens),
    layers: specs.layers.map((l) => mapGroup(l) as LayerWeights<TensorRef>),
    finalNorm: ref(specs.finalNorm),
    pma: mapGroup(specs.pma) as PmaWeights<TensorRef>,
  };
  const unused = names.filter((n) => !used.has(n));
  const extraLayer = unused.find((n) => n.startsWith(`${backbone}layers.${config.numLayers}.`));
  if (extraLayer) {
    throw new CheckpointError(listing, `tensor "${extraLayer}" belongs to a layer past num_hidden_layers (${config.numLayers}) in config.json`);
  }
  reader.want(used);
  return { weights, unused, matrixDtype: () => matrixDtype };
}

/** Reads config and tokenizer files and plans the weights; the weights themselves are read on demand. */
export async function openCheckpoint(source: CheckpointSource): Promise<OpenCheckpoint> {
  const config = parseConfig('config.json', await readJson(source, 'config.json'));
  const tokenizerJson = await readJson(source, 'tokenizer.json');
  const tokenizerConfig = await readJson(source, 'tokenizer_config.json');
  for (const [file, value] of [['tokenizer.json', tokenizerJson], ['tokenizer_config.json', tokenizerConfig]] as const) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CheckpointError(file, 'is not a JSON object');
  }
  const { reader, listing } = await openShards(source);
  const { weights, unused, matrixDtype } = planWeights(config, reader, listing);
  return {
    matrixDtype,
    source: source.label,
    config,
    weights,
    tokenizerJson: tokenizerJson as object,
    tokenizerConfig: tokenizerConfig as object,
    unusedTensors: unused,
  };
}

/** Reads a group of weights (a layer, the PMA head), one after another. */
export async function readGroup<K extends string>(group: Readonly<Record<K, TensorRef>>): Promise<Record<K, RawTensor>> {
  const out = {} as Record<K, RawTensor>;
  for (const key of Object.keys(group) as K[]) out[key] = await group[key]();
  return out;
}

/** Every weight of an opened checkpoint read and checked (each TensorRef can be read once). */
export async function readAllWeights(open: OpenCheckpoint): Promise<Checkpoint> {
  const { embedTokens, layers, finalNorm, pma } = open.weights;
  const weights: ModelWeights = {
    embedTokens: await embedTokens(),
    layers: await sequentially(layers, readGroup),
    finalNorm: await finalNorm(),
    pma: await readGroup(pma),
  };
  return { ...open, weights };
}

/** The whole checkpoint in memory. */
export async function loadCheckpoint(source: CheckpointSource): Promise<Checkpoint> {
  return readAllWeights(await openCheckpoint(source));
}

async function sequentially<T, R>(items: readonly T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await f(item));
  return out;
}
