/**
 * The C2LLM model configuration: the Qwen2 backbone keys plus the PMA head's, read from config.json
 * and checked for internal consistency. Shapes of tensors are checked against it in checkpoint.ts.
 */
import { CheckpointError } from '../errors';
import { SHADERS, wgslConst } from '../gpu/shaders';

export interface ModelConfig {
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly rmsNormEps: number;
  readonly ropeTheta: number;
  readonly pmaHeads: number;
  readonly compressedDim: number;
}

/** The largest attention head the kernels hold in registers (Qwen2.5 uses 64 and 128), as the PMA kernel declares it. */
export const MAX_HEAD_DIM = wgslConst(SHADERS.pmaAttention, 'MAX_HEAD_DIM');

/** The PMA head's LayerNorms use PyTorch's default eps. */
export const PMA_LAYER_NORM_EPS = 1e-5;

export function parseConfig(file: string, json: unknown): ModelConfig {
  const fail = (detail: string): never => {
    throw new CheckpointError(file, detail);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('is not a JSON object');
  const raw = json as Record<string, unknown>;
  const int = (key: string, fallback?: number): number => {
    const v = raw[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) fail(`field "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const positive = (key: string, fallback?: number): number => {
    const v = raw[key] ?? fallback;
    if (typeof v !== 'number' || !(v > 0)) fail(`field "${key}" must be a positive number, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const expect = (key: string, allowed: unknown[], fallback: unknown) => {
    const v = raw[key] ?? fallback;
    if (!allowed.includes(v)) fail(`field "${key}" is ${JSON.stringify(v)}; this engine supports ${allowed.map((a) => JSON.stringify(a)).join(' or ')}`);
  };

  expect('embedding_method', ['pma'], 'pma');
  expect('pma_norm_mode', ['post_normal'], 'post_normal');
  expect('pma_ln', [true], true);
  expect('pma_norm', [false], false);
  expect('hidden_act', ['silu'], 'silu');

  const hiddenSize = int('hidden_size');
  const numHeads = int('num_attention_heads');
  const numKvHeads = int('num_key_value_heads', numHeads);
  const headDim = int('head_dim', Math.floor(hiddenSize / numHeads));
  const pmaHeads = int('pma_num_heads');
  const compressedDim = int('compressed_dim', hiddenSize);
  if (numHeads % numKvHeads !== 0) fail(`num_attention_heads (${numHeads}) is not a multiple of num_key_value_heads (${numKvHeads})`);
  if (raw.head_dim === undefined && hiddenSize % numHeads !== 0) fail(`hidden_size (${hiddenSize}) is not a multiple of num_attention_heads (${numHeads})`);
  if (headDim % 4 !== 0 || headDim > MAX_HEAD_DIM) fail(`head_dim ${headDim} must be a multiple of 4 and at most ${MAX_HEAD_DIM}`);
  if (compressedDim % pmaHeads !== 0) fail(`compressed_dim (${compressedDim}) is not a multiple of pma_num_heads (${pmaHeads})`);
  if (compressedDim / pmaHeads > MAX_HEAD_DIM) fail(`compressed_dim / pma_num_heads must be at most ${MAX_HEAD_DIM}`);

  return {
    hiddenSize,
    intermediateSize: int('intermediate_size'),
    numLayers: int('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    vocabSize: int('vocab_size'),
    rmsNormEps: positive('rms_norm_eps', 1e-6),
    ropeTheta: positive('rope_theta', 10000),
    pmaHeads,
    compressedDim,
  };
}
