/**
 * The C2LLM checkpoint's tensors by role: each weight's name in the Hugging Face layout and the shape
 * config.json implies. The loader (checkpoint.ts) checks a checkpoint against it; writers of test and
 * benchmark checkpoints use it instead of repeating the names.
 */
import type { RawTensor } from '../tensor/safetensors';
import type { ModelConfig } from './config';

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

export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** A second layout some checkpoints store (C2LLM's own PMA seed is [1, 1, d]). */
  readonly alsoAccepted?: readonly number[];
}

export const BACKBONE_PREFIX = 'plm_model.model.';
export const PMA_PREFIX = 'mha_pma.';

/** Every weight of a C2LLM model with `config`, its tensor names under the given prefixes. */
export function c2llmTensors(config: ModelConfig, backbone = BACKBONE_PREFIX, pmaPrefix = PMA_PREFIX): ModelWeights<TensorSpec> {
  const { hiddenSize: h, intermediateSize: inter, numHeads, numKvHeads, headDim, compressedDim: d } = config;
  const qDim = numHeads * headDim;
  const kvDim = numKvHeads * headDim;
  const t = (name: string, shape: number[], alsoAccepted?: number[]): TensorSpec => ({ name, shape, alsoAccepted });
  const layers: LayerWeights<TensorSpec>[] = [];
  for (let i = 0; i < config.numLayers; i++) {
    const p = `${backbone}layers.${i}.`;
    layers.push({
      inputNorm: t(`${p}input_layernorm.weight`, [h]),
      qWeight: t(`${p}self_attn.q_proj.weight`, [qDim, h]),
      qBias: t(`${p}self_attn.q_proj.bias`, [qDim]),
      kWeight: t(`${p}self_attn.k_proj.weight`, [kvDim, h]),
      kBias: t(`${p}self_attn.k_proj.bias`, [kvDim]),
      vWeight: t(`${p}self_attn.v_proj.weight`, [kvDim, h]),
      vBias: t(`${p}self_attn.v_proj.bias`, [kvDim]),
      oWeight: t(`${p}self_attn.o_proj.weight`, [h, qDim]),
      postNorm: t(`${p}post_attention_layernorm.weight`, [h]),
      gate: t(`${p}mlp.gate_proj.weight`, [inter, h]),
      up: t(`${p}mlp.up_proj.weight`, [inter, h]),
      down: t(`${p}mlp.down_proj.weight`, [h, inter]),
    });
  }
  const m = `${pmaPrefix}mab.`;
  return {
    embedTokens: t(`${backbone}embed_tokens.weight`, [config.vocabSize, h]),
    layers,
    finalNorm: t(`${backbone}norm.weight`, [h]),
    pma: {
      seed: t(`${pmaPrefix}S`, [d], [1, 1, d]),
      qWeight: t(`${m}fc_q.weight`, [d, d]),
      qBias: t(`${m}fc_q.bias`, [d]),
      kWeight: t(`${m}fc_k.weight`, [d, h]),
      kBias: t(`${m}fc_k.bias`, [d]),
      vWeight: t(`${m}fc_v.weight`, [d, h]),
      vBias: t(`${m}fc_v.bias`, [d]),
      oWeight: t(`${m}fc_o.weight`, [d, d]),
      oBias: t(`${m}fc_o.bias`, [d]),
      ln0Weight: t(`${m}ln0.weight`, [d]),
      ln0Bias: t(`${m}ln0.bias`, [d]),
      ln1Weight: t(`${m}ln1.weight`, [d]),
      ln1Bias: t(`${m}ln1.bias`, [d]),
    },
  };
}

/** The weights in file order: the embedding table, each layer's, the final norm, the PMA head's. */
export function weightList<T>(weights: ModelWeights<T>): T[] {
  return [weights.embedTokens, ...weights.layers.flatMap((l) => Object.values(l) as T[]), weights.finalNorm, ...(Object.values(weights.pma) as T[])];
}
