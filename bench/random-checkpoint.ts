/**
 * Writes a checkpoint with the real shapes of C2LLM-0.5B (hidden 896, intermediate 4864, 14/2 heads of 64,
 * vocabulary 151936, PMA 896/32) or C2LLM-7B (hidden 3584, intermediate 18944, 28/4 heads of 128,
 * vocabulary 152064, PMA 3584/32) and a chosen layer count, random BF16 weights, in the Hugging Face
 * layout, for benchmarks. Reused when already present.
 */
import { existsSync, mkdirSync, copyFileSync, writeFileSync, openSync, writeSync, closeSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { quantizeCommand } from '../src/cli/quantize';
import { c2llmTensors, weightList } from '../src/model/c2llm-tensors';
import type { ModelConfig } from '../src/model/config';

export const C2LLM_SHAPES = {
  '0.5b': { layers: 24, hidden: 896, intermediate: 4864, heads: 14, kvHeads: 2, headDim: 64, vocab: 151936, compressed: 896, pmaHeads: 32, tied: true },
  '7b': { layers: 28, hidden: 3584, intermediate: 18944, heads: 28, kvHeads: 4, headDim: 128, vocab: 152064, compressed: 3584, pmaHeads: 32, tied: false },
};
export type C2llmSize = keyof typeof C2LLM_SHAPES;
type Shapes = (typeof C2LLM_SHAPES)[C2llmSize];

/** The config of `s`'s shapes with `layers` layers, as the loader reads it. */
function configFor(s: Shapes, layers: number): ModelConfig {
  return {
    hiddenSize: s.hidden, intermediateSize: s.intermediate, numLayers: layers, numHeads: s.heads, numKvHeads: s.kvHeads, headDim: s.headDim,
    vocabSize: s.vocab, rmsNormEps: 1e-6, ropeTheta: 1e6, pmaHeads: s.pmaHeads, compressedDim: s.compressed,
  };
}

/**
 * Every tensor's name and stored shape, from the loader's own schema (the PMA seed stored as [1, 1, d], as
 * C2LLM does), and an untied model's output head, which C2LLM stores and never uses.
 */
function tensorsFor(s: Shapes, layers: number): Array<[string, number[]]> {
  const used = weightList(c2llmTensors(configFor(s, layers))).map((t): [string, number[]] => [t.name, [...(t.alsoAccepted ?? t.shape)]]);
  return s.tied ? used : [...used, ['plm_model.lm_head.weight', [s.vocab, s.hidden]]];
}

/** Random bf16 values: uniform in [-scale, scale), or around 1 for norm weights. */
function randomBf16(count: number, scale: number, around: number, seed: number): Uint16Array {
  const out = new Uint16Array(count);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    f[0] = around + ((state >>> 0) / 4294967296 - 0.5) * 2 * scale;
    out[i] = u[0] >>> 16;
  }
  return out;
}

export function writeRandomCheckpoint(dir: string, layers: number, tokenizerDir: string, size: C2llmSize = '0.5b'): string {
  if (existsSync(join(dir, 'model.safetensors'))) return dir;
  mkdirSync(dir, { recursive: true });
  const s = C2LLM_SHAPES[size];
  const tensors = tensorsFor(s, layers);
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, shape] of tensors) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 2;
    header[name] = { dtype: 'BF16', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const fd = openSync(join(dir, 'model.safetensors'), 'w');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeSync(fd, length);
  writeSync(fd, json);
  tensors.forEach(([name, shape], i) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const isNorm = /layernorm|norm\.weight|ln\d\.weight/.test(name);
    const fanIn = shape.length === 2 ? shape[1] : 1;
    const values = randomBf16(count, isNorm ? 0.1 : shape.length === 2 ? Math.sqrt(3 / fanIn) : 0.1, isNorm ? 1 : 0, 1234 + i);
    writeSync(fd, new Uint8Array(values.buffer));
  });
  closeSync(fd);
  const config = {
    architectures: ['C2LLMForEmbedding'], model_type: 'qwen2', hidden_size: s.hidden, intermediate_size: s.intermediate,
    num_hidden_layers: layers, num_attention_heads: s.heads, num_key_value_heads: s.kvHeads, rms_norm_eps: 1e-6, rope_theta: 1e6,
    vocab_size: s.vocab, tie_word_embeddings: s.tied, torch_dtype: 'bfloat16', embedding_method: 'pma', pma_num_heads: s.pmaHeads,
    pma_ln: true, pma_norm: false, pma_norm_mode: 'post_normal', compressed_dim: s.compressed, padding_side: 'left',
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(tokenizerDir, file), join(dir, file));
  return dir;
}

/** The same checkpoint in the int8 layout (`c2llm quantize`), beside it; reused when already present. */
export async function writeInt8Checkpoint(dir: string, log: (line: string) => void): Promise<string> {
  const out = `${dir}-int8`;
  if (!existsSync(join(out, 'config.json'))) await quantizeCommand(['--model', dir, '--output', out], log);
  return out;
}

/** The safetensors bytes (what a browser downloads) of the bf16 checkpoint and its int8 layout. */
export function checkpointSizes(bf16Dir: string, int8Dir: string): string {
  const bytes = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.safetensors')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  const [bf16, int8] = [bytes(bf16Dir), bytes(int8Dir)];
  return `safetensors ${(bf16 / 2 ** 20).toFixed(1)} MiB as bf16, ${(int8 / 2 ** 20).toFixed(1)} MiB in the int8 layout (${(int8 / bf16).toFixed(3)})`;
}
