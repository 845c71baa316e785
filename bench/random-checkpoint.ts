/**
 * Checkpoints with the real shapes of C2LLM-0.5B (hidden 896, intermediate 4864, 14/2 heads of 64,
 * vocabulary 151936, PMA 896/32) or C2LLM-7B (hidden 3584, intermediate 18944, 28/4 heads of 128,
 * vocabulary 152064, PMA 3584/32, an unused lm_head), a chosen layer count and random weights, in the
 * Hugging Face layout, for benchmarks; each reused when already present.
 * - writeRandomCheckpoint: random BF16 (the benches here, which also time `c2llm quantize` on it).
 * - writeRandomInt8Checkpoint: the int8 layout written directly (model/int8-checkpoint.ts), random I8 rows
 *   with power-of-two row scales, so that writeBf16OfInt8's BF16 form holds exactly the same values
 *   (q · 2^e, |q| ≤ 127, is a BF16 number): both dtypes run the same model, and C2LLM-7B's 7.7 GB need no
 *   quantizing pass (the GPU machine, bench/gpu-machine/).
 */
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quantizeCommand } from '../src/cli/quantize';
import { INT8_SCALE_SUFFIX } from '../src/model/checkpoint';
import { writeAllSync } from '../src/node/atomic-write';
import { c2llmTensors, weightList } from '../src/model/c2llm-tensors';
import type { ModelConfig } from '../src/model/config';
import { INT8_QUANTIZATION_CONFIG, type TensorToWrite } from '../src/model/int8-checkpoint';
import { DTYPE_BYTES, type DType } from '../src/tensor/dtype';
import { safetensorsHeader } from '../src/tensor/safetensors';

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

/** The tensors the model uses: name and stored shape, from the loader's own schema (the PMA seed stored as [1, 1, d], as C2LLM does). */
function tensorsFor(s: Shapes, layers: number): Array<[string, number[]]> {
  return weightList(c2llmTensors(configFor(s, layers))).map((t) => [t.name, [...(t.alsoAccepted ?? t.shape)]]);
}

/** An untied model's output head, which C2LLM stores and never uses. */
const LM_HEAD = 'plm_model.lm_head.weight';

/** A tensor whose bytes are made when written (one tensor in memory at a time). */
function lazyTensor(name: string, dtype: DType, shape: number[], bytes: () => Uint8Array): TensorToWrite {
  return { name, dtype, shape, byteLength: shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype], bytes };
}

function writeSafetensors(path: string, tensors: readonly TensorToWrite[]): void {
  const fd = openSync(path, 'w');
  try {
    writeAllSync(fd, safetensorsHeader(tensors));
    for (const t of tensors) writeAllSync(fd, t.bytes());
  } finally {
    closeSync(fd);
  }
}

function writeConfig(dir: string, s: Shapes, layers: number, tokenizerDir: string, extra: Record<string, unknown> = {}): void {
  const config = {
    architectures: ['C2LLMForEmbedding'], model_type: 'qwen2', hidden_size: s.hidden, intermediate_size: s.intermediate,
    num_hidden_layers: layers, num_attention_heads: s.heads, num_key_value_heads: s.kvHeads, rms_norm_eps: 1e-6, rope_theta: 1e6,
    vocab_size: s.vocab, tie_word_embeddings: s.tied, torch_dtype: 'bfloat16', embedding_method: 'pma', pma_num_heads: s.pmaHeads,
    pma_ln: true, pma_norm: false, pma_norm_mode: 'post_normal', compressed_dim: s.compressed, padding_side: 'left', ...extra,
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(tokenizerDir, file), join(dir, file));
}

/** A xorshift32 stream of uniform numbers in [0, 1). */
function uniform(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** Random bf16 values: uniform in [-scale, scale), or around 1 for norm weights. */
function randomBf16(count: number, scale: number, around: number, seed: number): Uint16Array {
  const out = new Uint16Array(count);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const next = uniform(seed);
  for (let i = 0; i < count; i++) {
    f[0] = around + (next() - 0.5) * 2 * scale;
    out[i] = u[0] >>> 16;
  }
  return out;
}

const isNorm = (name: string) => /layernorm|norm\.weight|ln\d\.weight/.test(name);
const bytesOf = (values: ArrayBufferView) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** A tensor's random BF16 values as writeRandomCheckpoint has always written them (seed 1234 + its position). */
function randomBf16Tensor(name: string, shape: number[], position: number): Uint16Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const fanIn = shape.length === 2 ? shape[1] : 1;
  return randomBf16(count, isNorm(name) ? 0.1 : shape.length === 2 ? Math.sqrt(3 / fanIn) : 0.1, isNorm(name) ? 1 : 0, 1234 + position);
}

/** C2LLM-0.5B's shapes with `layers` layers, random BF16 weights. */
export function writeRandomCheckpoint(dir: string, layers: number, tokenizerDir: string): string {
  if (existsSync(join(dir, 'model.safetensors'))) return dir;
  mkdirSync(dir, { recursive: true });
  const s = C2LLM_SHAPES['0.5b'];
  const tensors = tensorsFor(s, layers).map(([name, shape], i) => lazyTensor(name, 'BF16', shape, () => bytesOf(randomBf16Tensor(name, shape, i))));
  writeSafetensors(join(dir, 'model.safetensors'), tensors);
  writeConfig(dir, s, layers, tokenizerDir);
  return dir;
}

/** A random I8 matrix's values, uniform in [-127, 127]. */
function randomInt8(count: number, seed: number): Int8Array {
  const q = new Int8Array(count);
  const next = uniform(seed);
  for (let i = 0; i < count; i++) q[i] = Math.floor(next() * 255) - 127;
  return q;
}

/**
 * Its row scales: powers of two near √(3 / cols) / 127 (halved, kept or doubled by row mod 3, so that
 * rows differ in scale), for a variance near 1 / cols.
 */
function powerOfTwoScales(rows: number, cols: number): Float32Array {
  const exponent = Math.round(Math.log2(Math.sqrt(3 / cols) / 127));
  return Float32Array.from({ length: rows }, (_, r) => 2 ** (exponent + (r % 3) - 1));
}

/**
 * The int8 layout's tensors of `s` with `layers` layers: each matrix as I8 with its "_scale" F32 rows, the
 * rest BF16; `asBf16` gives every matrix as BF16 instead, the same values.
 */
function int8LayoutTensors(s: Shapes, layers: number, asBf16: boolean): TensorToWrite[] {
  return tensorsFor(s, layers).flatMap(([name, shape], i): TensorToWrite[] => {
    if (shape.length !== 2) return [lazyTensor(name, 'BF16', shape, () => bytesOf(randomBf16Tensor(name, shape, i)))];
    const [rows, cols] = shape;
    const values = () => randomInt8(rows * cols, 1234 + i);
    if (asBf16) return [lazyTensor(name, 'BF16', shape, () => bytesOf(dequantizedBf16(values(), powerOfTwoScales(rows, cols), cols)))];
    return [
      lazyTensor(name, 'I8', shape, () => bytesOf(values())),
      lazyTensor(`${name}${INT8_SCALE_SUFFIX}`, 'F32', [rows], () => bytesOf(powerOfTwoScales(rows, cols))),
    ];
  });
}

/** q · scale as BF16: exact, since the scale is a power of two and |q| ≤ 127 needs 7 bits of a BF16's 8. */
function dequantizedBf16(q: Int8Array, scales: Float32Array, cols: number): Uint16Array {
  const out = new Uint16Array(q.length);
  const f = new Float32Array(1);
  const bits = new Uint32Array(f.buffer);
  for (let i = 0; i < q.length; i++) {
    f[0] = q[i] * scales[Math.floor(i / cols)];
    out[i] = bits[0] >>> 16;
  }
  return out;
}

/** `size`'s shapes with `layers` layers in the int8 layout, random I8 rows with power-of-two scales. */
export function writeRandomInt8Checkpoint(dir: string, layers: number, tokenizerDir: string, size: C2llmSize): string {
  if (existsSync(join(dir, 'model.safetensors'))) return dir;
  mkdirSync(dir, { recursive: true });
  const s = C2LLM_SHAPES[size];
  writeSafetensors(join(dir, 'model.safetensors'), int8LayoutTensors(s, layers, false));
  writeConfig(dir, s, layers, tokenizerDir, { quantization_config: INT8_QUANTIZATION_CONFIG });
  return dir;
}

/** writeRandomInt8Checkpoint's model as BF16, the same values; an untied model also gets its unused lm_head, as C2LLM-7B stores it. */
export function writeBf16OfInt8(dir: string, layers: number, tokenizerDir: string, size: C2llmSize): string {
  if (existsSync(join(dir, 'model.safetensors'))) return dir;
  mkdirSync(dir, { recursive: true });
  const s = C2LLM_SHAPES[size];
  const lmHead = s.tied ? [] : [lazyTensor(LM_HEAD, 'BF16', [s.vocab, s.hidden], () => bytesOf(randomBf16(s.vocab * s.hidden, 0.05, 0, 99)))];
  writeSafetensors(join(dir, 'model.safetensors'), [...int8LayoutTensors(s, layers, true), ...lmHead]);
  writeConfig(dir, s, layers, tokenizerDir);
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
