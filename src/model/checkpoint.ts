/**
 * A checkpoint directory in the Hugging Face C2LLM layout, opened and validated: config.json, the
 * safetensors file(s) (single, or an index plus shards), and the tokenizer files. Every tensor the
 * model needs is found by name, checked against the shape config.json implies, and grouped by layer.
 *
 * `openCheckpoint` gives each weight as a function that reads it when called (ShardReader): the GPU
 * backend uploads tensors as their shard arrives and drops them, so a sharded checkpoint never sits in
 * memory whole. `loadCheckpoint` reads everything, for the backends that keep weights on the CPU.
 */
import { CheckpointError } from '../errors';
import { parseConfig, type ModelConfig } from './config';
import { firstNonFinite, widenToF32, type DType } from '../tensor/dtype';
import { parseSafetensors, type RawTensor } from '../tensor/safetensors';
import { readJson, type CheckpointSource } from './source';

export interface LayerWeights<T = RawTensor> {
  readonly inputNorm: T;
  readonly qWeight: T;
  readonly qBias: T;
  readonly kWeight: T;
  readonly kBias: T;
  readonly vWeight: T;
  readonly vBias: T;
  readonly oWeight: T;
  readonly postNorm: T;
  readonly gate: T;
  readonly up: T;
  readonly down: T;
}

export interface PmaWeights<T = RawTensor> {
  readonly seed: T;
  readonly qWeight: T;
  readonly qBias: T;
  readonly kWeight: T;
  readonly kBias: T;
  readonly vWeight: T;
  readonly vBias: T;
  readonly oWeight: T;
  readonly oBias: T;
  readonly ln0Weight: T;
  readonly ln0Bias: T;
  readonly ln1Weight: T;
  readonly ln1Bias: T;
}

export interface ModelWeights<T = RawTensor> {
  readonly embedTokens: T;
  readonly layers: readonly LayerWeights<T>[];
  readonly finalNorm: T;
  readonly pma: PmaWeights<T>;
}

/** A weight not read yet: call it once to get it, when its shard has been read (and checked). */
export type TensorRef = () => Promise<RawTensor>;

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

const INDEX_FILE = 'model.safetensors.index.json';
const SINGLE_FILE = 'model.safetensors';

function isPlainFileName(file: string): boolean {
  return !(file.includes('/') || file.includes('\\') || file.startsWith('.'));
}

/**
 * The checkpoint's safetensors files, read one at a time as their tensors are asked for. Each tensor
 * is handed over once (`take`) and forgotten here, and unused tensors are never kept, so a file's bytes
 * can be collected once its tensors have been taken and dropped. While a file's tensors are being
 * taken, the next file (in index order) is read ahead, and no further: at most two files are held.
 */
class ShardReader {
  private readonly ready = new Map<string, RawTensor>();
  private readonly reads = new Map<string, Promise<void>>();
  /** Per file, the wanted tensors not taken yet. */
  private readonly untaken = new Map<string, Set<string>>();

  /** A file read before the wanted tensors were known (a single-file checkpoint's names come from it). */
  private preread?: { file: string; tensors: Map<string, RawTensor> };

  constructor(
    private readonly source: CheckpointSource,
    /** Tensor name -> file; every name the checkpoint has (the index's weight_map when sharded). */
    readonly fileOf: ReadonlyMap<string, string>,
    private readonly files: readonly string[],
    preread?: { file: string; tensors: Map<string, RawTensor> },
  ) {
    if (preread) this.reads.set(preread.file, Promise.resolve());
    this.preread = preread;
  }

  /** Declares the tensors the model will take; the others are dropped as their files are read. */
  want(names: Iterable<string>): void {
    for (const name of names) {
      const file = this.fileOf.get(name)!;
      if (!this.untaken.has(file)) this.untaken.set(file, new Set());
      this.untaken.get(file)!.add(name);
    }
    if (this.preread) {
      this.keep(this.preread.tensors);
      this.preread = undefined;
    }
  }

  async take(name: string): Promise<RawTensor> {
    const file = this.fileOf.get(name)!;
    await this.read(file);
    const tensor = this.ready.get(name);
    if (!tensor) throw new CheckpointError(file, `tensor "${name}" was already taken`);
    this.ready.delete(name);
    const left = this.untaken.get(file)!;
    left.delete(name);
    if (left.size === 0) this.readAhead();
    return tensor;
  }

  private keep(tensors: Map<string, RawTensor>): void {
    for (const [name, tensor] of tensors) if (this.untaken.get(tensor.file)?.has(name)) this.ready.set(name, tensor);
  }

  private read(file: string): Promise<void> {
    let read = this.reads.get(file);
    if (!read) {
      read = this.source.readBytes(file).then((bytes) => {
        const tensors = parseSafetensors(file, bytes);
        for (const name of tensors.keys()) {
          if (this.fileOf.get(name) !== file) throw new CheckpointError(file, `tensor "${name}" is not listed for this file in ${INDEX_FILE}`);
        }
        for (const [name, listed] of this.fileOf) {
          if (listed === file && !tensors.has(name)) throw new CheckpointError(file, `tensor "${name}" is listed in ${INDEX_FILE} but not in the file`);
        }
        this.keep(tensors);
        this.readAhead();
      });
      read.catch(() => undefined); // a read ahead that fails is reported to whoever takes from it
      this.reads.set(file, read);
    }
    return read;
  }

  /** Starts reading the next unread file if fewer than two files hold untaken tensors. */
  private readAhead(): void {
    const held = this.files.filter((f) => this.reads.has(f) && (this.untaken.get(f)?.size ?? 0) > 0).length;
    const next = this.files.find((f) => !this.reads.has(f) && (this.untaken.get(f)?.size ?? 0) > 0);
    if (next && held < 2) void this.read(next);
  }
}

async function openShards(source: CheckpointSource): Promise<{ reader: ShardReader; listing: string }> {
  if (!(await source.has(INDEX_FILE))) {
    const tensors = parseSafetensors(SINGLE_FILE, await source.readBytes(SINGLE_FILE));
    const fileOf = new Map([...tensors.keys()].map((name) => [name, SINGLE_FILE]));
    return { reader: new ShardReader(source, fileOf, [SINGLE_FILE], { file: SINGLE_FILE, tensors }), listing: SINGLE_FILE };
  }
  const index = (await readJson(source, INDEX_FILE)) as { weight_map?: unknown };
  const map = index?.weight_map;
  if (typeof map !== 'object' || map === null || Object.values(map).some((f) => typeof f !== 'string')) {
    throw new CheckpointError(INDEX_FILE, 'field "weight_map" must map tensor names to file names');
  }
  const weightMap = map as Record<string, string>;
  const files = [...new Set(Object.values(weightMap))];
  const bad = files.find((f) => !isPlainFileName(f));
  if (bad !== undefined) throw new CheckpointError(INDEX_FILE, `shard name "${bad}" must be a plain file name`);
  return { reader: new ShardReader(source, new Map(Object.entries(weightMap)), files), listing: INDEX_FILE };
}

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
function planWeights(config: ModelConfig, reader: ShardReader, listing: string): { weights: ModelWeights<TensorRef>; unused: string[]; matrixDtype: () => DType | undefined } {
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
  const { hiddenSize: h, intermediateSize: inter, numHeads, numKvHeads, headDim, compressedDim: d } = config;
  const qDim = numHeads * headDim;
  const kvDim = numKvHeads * headDim;
  const backbone = findPrefix(names, 'embed_tokens.weight', listing);
  const pmaPrefix = findPrefix(names, 'mab.fc_q.weight', listing);
  const layers: LayerWeights<TensorRef>[] = [];
  for (let i = 0; i < config.numLayers; i++) {
    const p = `${backbone}layers.${i}.`;
    layers.push({
      inputNorm: take(`${p}input_layernorm.weight`, [h]),
      qWeight: take(`${p}self_attn.q_proj.weight`, [qDim, h]),
      qBias: take(`${p}self_attn.q_proj.bias`, [qDim]),
      kWeight: take(`${p}self_attn.k_proj.weight`, [kvDim, h]),
      kBias: take(`${p}self_attn.k_proj.bias`, [kvDim]),
      vWeight: take(`${p}self_attn.v_proj.weight`, [kvDim, h]),
      vBias: take(`${p}self_attn.v_proj.bias`, [kvDim]),
      oWeight: take(`${p}self_attn.o_proj.weight`, [h, qDim]),
      postNorm: take(`${p}post_attention_layernorm.weight`, [h]),
      gate: take(`${p}mlp.gate_proj.weight`, [inter, h]),
      up: take(`${p}mlp.up_proj.weight`, [inter, h]),
      down: take(`${p}mlp.down_proj.weight`, [h, inter]),
    });
  }
  const m = `${pmaPrefix}mab.`;
  const weights: ModelWeights<TensorRef> = {
    embedTokens: take(`${backbone}embed_tokens.weight`, [config.vocabSize, h]),
    layers,
    finalNorm: take(`${backbone}norm.weight`, [h]),
    pma: {
      seed: take(`${pmaPrefix}S`, [d], [1, 1, d]),
      qWeight: take(`${m}fc_q.weight`, [d, d]),
      qBias: take(`${m}fc_q.bias`, [d]),
      kWeight: take(`${m}fc_k.weight`, [d, h]),
      kBias: take(`${m}fc_k.bias`, [d]),
      vWeight: take(`${m}fc_v.weight`, [d, h]),
      vBias: take(`${m}fc_v.bias`, [d]),
      oWeight: take(`${m}fc_o.weight`, [d, d]),
      oBias: take(`${m}fc_o.bias`, [d]),
      ln0Weight: take(`${m}ln0.weight`, [d]),
      ln0Bias: take(`${m}ln0.bias`, [d]),
      ln1Weight: take(`${m}ln1.weight`, [d]),
      ln1Bias: take(`${m}ln1.bias`, [d]),
    },
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
