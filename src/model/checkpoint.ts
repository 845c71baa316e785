/**
 * A checkpoint directory in the Hugging Face C2LLM layout, loaded and validated: config.json, the
 * safetensors file(s) (single, or an index plus shards), and the tokenizer files. Every tensor the
 * model needs is found by name, checked against the shape config.json implies, and grouped by layer.
 */
import { CheckpointError } from '../errors';
import { parseConfig, type ModelConfig } from './config';
import { parseSafetensors, type RawTensor } from './safetensors';
import { readJson, type CheckpointSource } from './source';

export interface LayerWeights {
  readonly inputNorm: RawTensor;
  readonly qWeight: RawTensor;
  readonly qBias: RawTensor;
  readonly kWeight: RawTensor;
  readonly kBias: RawTensor;
  readonly vWeight: RawTensor;
  readonly vBias: RawTensor;
  readonly oWeight: RawTensor;
  readonly postNorm: RawTensor;
  readonly gate: RawTensor;
  readonly up: RawTensor;
  readonly down: RawTensor;
}

export interface PmaWeights {
  readonly seed: RawTensor;
  readonly qWeight: RawTensor;
  readonly qBias: RawTensor;
  readonly kWeight: RawTensor;
  readonly kBias: RawTensor;
  readonly vWeight: RawTensor;
  readonly vBias: RawTensor;
  readonly oWeight: RawTensor;
  readonly oBias: RawTensor;
  readonly ln0Weight: RawTensor;
  readonly ln0Bias: RawTensor;
  readonly ln1Weight: RawTensor;
  readonly ln1Bias: RawTensor;
}

export interface ModelWeights {
  readonly embedTokens: RawTensor;
  readonly layers: readonly LayerWeights[];
  readonly finalNorm: RawTensor;
  readonly pma: PmaWeights;
}

export interface Checkpoint {
  readonly source: string;
  readonly config: ModelConfig;
  readonly weights: ModelWeights;
  readonly tokenizerJson: object;
  readonly tokenizerConfig: object;
  /** Tensors in the files that the model does not use (such as a 7B checkpoint's lm_head). */
  readonly unusedTensors: readonly string[];
}

const INDEX_FILE = 'model.safetensors.index.json';
const SINGLE_FILE = 'model.safetensors';

async function readAllTensors(source: CheckpointSource): Promise<{ tensors: Map<string, RawTensor>; listing: string }> {
  if (!(await source.has(INDEX_FILE))) {
    return { tensors: parseSafetensors(SINGLE_FILE, await source.readBytes(SINGLE_FILE)), listing: SINGLE_FILE };
  }
  const index = (await readJson(source, INDEX_FILE)) as { weight_map?: unknown };
  const map = index?.weight_map;
  if (typeof map !== 'object' || map === null || Object.values(map).some((f) => typeof f !== 'string')) {
    throw new CheckpointError(INDEX_FILE, 'field "weight_map" must map tensor names to file names');
  }
  const weightMap = map as Record<string, string>;
  const tensors = new Map<string, RawTensor>();
  for (const file of [...new Set(Object.values(weightMap))]) {
    if (file.includes('/') || file.includes('\\') || file.startsWith('.')) {
      throw new CheckpointError(INDEX_FILE, `shard name "${file}" must be a plain file name`);
    }
    for (const [name, tensor] of parseSafetensors(file, await source.readBytes(file))) {
      if (weightMap[name] !== file) throw new CheckpointError(file, `tensor "${name}" is not listed for this file in ${INDEX_FILE}`);
      tensors.set(name, tensor);
    }
  }
  for (const [name, file] of Object.entries(weightMap)) {
    if (!tensors.has(name)) throw new CheckpointError(file, `tensor "${name}" is listed in ${INDEX_FILE} but not in the file`);
  }
  return { tensors, listing: INDEX_FILE };
}

/** Finds the name prefix in front of a tensor suffix that must exist exactly once (e.g. "plm_model.model."). */
function findPrefix(tensors: Map<string, RawTensor>, suffix: string, listing: string): string {
  const matches = [...tensors.keys()].filter((n) => n === suffix || n.endsWith(`.${suffix}`));
  if (matches.length !== 1) {
    const sample = [...tensors.keys()].slice(0, 8).join(', ');
    const what = matches.length ? `several tensors end in "${suffix}" (${matches.join(', ')})` : `no tensor named "…${suffix}"`;
    throw new CheckpointError(listing, `${what}; found ${tensors.size} tensors: ${sample}${tensors.size > 8 ? ', …' : ''}`);
  }
  return matches[0].slice(0, matches[0].length - suffix.length);
}

function collectWeights(config: ModelConfig, tensors: Map<string, RawTensor>, listing: string) {
  const used = new Set<string>();
  const take = (name: string, shape: number[]): RawTensor => {
    const t = tensors.get(name);
    if (!t) throw new CheckpointError(listing, `tensor "${name}" is missing (the checkpoint has ${tensors.size} tensors)`);
    const elements = shape.reduce((a, b) => a * b, 1);
    const actual = t.shape.reduce((a, b) => a * b, 1);
    const same = t.shape.length === shape.length ? t.shape.every((d, i) => d === shape[i]) : actual === elements && shape.length === 1;
    if (!same) {
      throw new CheckpointError(t.file, `tensor "${name}" has shape [${t.shape}] but config.json implies [${shape}]`);
    }
    used.add(name);
    return t;
  };
  const { hiddenSize: h, intermediateSize: inter, numHeads, numKvHeads, headDim, compressedDim: d } = config;
  const qDim = numHeads * headDim;
  const kvDim = numKvHeads * headDim;
  const backbone = findPrefix(tensors, 'embed_tokens.weight', listing);
  const pmaPrefix = findPrefix(tensors, 'mab.fc_q.weight', listing);
  const layers: LayerWeights[] = [];
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
  const weights: ModelWeights = {
    embedTokens: take(`${backbone}embed_tokens.weight`, [config.vocabSize, h]),
    layers,
    finalNorm: take(`${backbone}norm.weight`, [h]),
    pma: {
      seed: take(`${pmaPrefix}S`, [d]),
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
  const unused = [...tensors.keys()].filter((n) => !used.has(n));
  const extraLayer = unused.find((n) => n.startsWith(`${backbone}layers.${config.numLayers}.`));
  if (extraLayer) {
    throw new CheckpointError(listing, `tensor "${extraLayer}" belongs to a layer past num_hidden_layers (${config.numLayers}) in config.json`);
  }
  return { weights, unused };
}

export async function loadCheckpoint(source: CheckpointSource): Promise<Checkpoint> {
  const config = parseConfig('config.json', await readJson(source, 'config.json'));
  const tokenizerJson = await readJson(source, 'tokenizer.json');
  const tokenizerConfig = await readJson(source, 'tokenizer_config.json');
  for (const [file, value] of [['tokenizer.json', tokenizerJson], ['tokenizer_config.json', tokenizerConfig]] as const) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CheckpointError(file, 'is not a JSON object');
  }
  const { tensors, listing } = await readAllTensors(source);
  const { weights, unused } = collectWeights(config, tensors, listing);
  return {
    source: source.label,
    config,
    weights,
    tokenizerJson: tokenizerJson as object,
    tokenizerConfig: tokenizerConfig as object,
    unusedTensors: unused,
  };
}
