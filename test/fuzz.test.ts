/**
 * Seeded fuzzing of everything a checkpoint folder holds: safetensors headers, lengths, offsets, dtypes,
 * shapes, data (NaN, infinities, truncation), config.json fields and tokenizer.json. Every case must
 * end in a typed error (a C2llmError) or, where the mutation is harmless, in exactly the unmutated
 * embeddings. A crash (any other exception), non-finite output, or different output without an error
 * fails the test. Mutations that legitimately change the model (a finite weight, rope_theta) are not
 * made: only damage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { Embedder } from '../src/embedder';
import { C2llmError, CheckpointError } from '../src/errors';
import type { CheckpointSource } from '../src/model/source';
import { cosine } from './helpers/compare';
import { checkpointDir } from './helpers/fixtures';
import { random } from './helpers/random';

const CASES = 300;
const TEXTS = ['def add(a, b):\n    return a + b\n', 'sort a list in place'];
const FILES = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];

function memorySource(files: Map<string, Uint8Array>): CheckpointSource {
  return {
    label: 'fuzzed',
    async has(file) {
      return files.has(file);
    },
    async readBytes(file) {
      const bytes = files.get(file);
      if (!bytes) throw new CheckpointError(file, 'file not found');
      return bytes;
    },
  };
}

type Files = Map<string, Uint8Array>;
type Header = Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>;
const text = new TextDecoder();
const encode = (s: string) => new TextEncoder().encode(s);

function splitSafetensors(bytes: Uint8Array): { header: Header; data: Uint8Array; length: number } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(text.decode(bytes.subarray(8, 8 + length))), data: bytes.subarray(8 + length), length };
}

function joinSafetensors(header: object, data: Uint8Array, length?: number): Uint8Array {
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = encode(json);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length ?? head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)];
const tensorNames = (h: Header) => Object.keys(h).filter((n) => n !== '__metadata__');

/** Each mutation damages a copy of the files and says what it did. */
const MUTATIONS: Record<string, (files: Files, rand: () => number) => string> = {
  'header byte': (files, rand) => {
    const st = files.get('model.safetensors')!.slice();
    const { length } = splitSafetensors(st);
    const at = 8 + Math.floor(rand() * length);
    st[at] = Math.floor(rand() * 256);
    files.set('model.safetensors', st);
    return `header byte ${at} set to ${st[at]}`;
  },
  'header length': (files, rand) => {
    const { header, data, length } = splitSafetensors(files.get('model.safetensors')!);
    const delta = pick(rand, [-9, -8, -1, 1, 7, 8, 1000]);
    const bytes = joinSafetensors(header, data);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(Math.max(0, length + delta)), true);
    files.set('model.safetensors', bytes);
    return `header length ${length} ${delta > 0 ? '+' : ''}${delta}`;
  },
  offsets: (files, rand) => {
    const { header, data } = splitSafetensors(files.get('model.safetensors')!);
    const name = pick(rand, tensorNames(header));
    const which = Math.floor(rand() * 2);
    header[name].data_offsets[which] += pick(rand, [-4, -2, 2, 4, 64]);
    files.set('model.safetensors', joinSafetensors(header, data));
    return `data_offsets[${which}] of ${name}`;
  },
  dtype: (files, rand) => {
    const { header, data } = splitSafetensors(files.get('model.safetensors')!);
    const name = pick(rand, tensorNames(header));
    header[name].dtype = pick(rand, ['F16', 'BF16', 'I8', 'F64', 'I32', 'bf16', '', 'F32 ']);
    files.set('model.safetensors', joinSafetensors(header, data));
    return `dtype of ${name} -> ${header[name].dtype}`;
  },
  shape: (files, rand) => {
    const { header, data } = splitSafetensors(files.get('model.safetensors')!);
    const name = pick(rand, tensorNames(header));
    const shape = header[name].shape;
    const change = pick(rand, ['reverse', 'unsqueeze', 'grow', 'shrink', 'drop']);
    if (change === 'reverse') shape.reverse();
    else if (change === 'unsqueeze') shape.unshift(1);
    else if (change === 'grow') shape[0] += 1;
    else if (change === 'shrink') shape[0] = Math.max(0, shape[0] - 1);
    else shape.pop();
    files.set('model.safetensors', joinSafetensors(header, data));
    return `shape of ${name}: ${change} -> [${shape}]`;
  },
  'non-finite weight': (files, rand) => {
    const st = files.get('model.safetensors')!.slice();
    const { header, length } = splitSafetensors(st);
    const name = pick(rand, tensorNames(header).filter((n) => header[n].dtype === 'F32'));
    const [begin, end] = header[name].data_offsets;
    const index = Math.floor(rand() * ((end - begin) / 4));
    const value = pick(rand, [NaN, Infinity, -Infinity]);
    new DataView(st.buffer).setFloat32(8 + length + begin + index * 4, value, true);
    files.set('model.safetensors', st);
    return `${name}[${index}] = ${value}`;
  },
  truncate: (files, rand) => {
    const st = files.get('model.safetensors')!;
    const keep = Math.floor(rand() * st.length);
    files.set('model.safetensors', st.slice(0, keep));
    return `model.safetensors cut to ${keep} bytes`;
  },
  config: (files, rand) => {
    const config = JSON.parse(text.decode(files.get('config.json')!));
    const field = pick(rand, ['hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'head_dim', 'vocab_size', 'compressed_dim', 'pma_num_heads', 'embedding_method', 'pma_norm', 'pma_ln', 'hidden_act']);
    const value = pick(rand, [0, -1, 1, 3, 2.5, 1e9, '32', null, true, 'mean', [], {}]);
    config[field] = value;
    files.set('config.json', encode(JSON.stringify(config)));
    return `config ${field} = ${JSON.stringify(value)}`;
  },
  'config file': (files, rand) => {
    const raw = files.get('config.json')!;
    const variant = pick(rand, ['truncated', 'array', 'empty', 'missing']);
    if (variant === 'missing') files.delete('config.json');
    else files.set('config.json', variant === 'truncated' ? raw.slice(0, Math.floor(rand() * raw.length)) : encode(variant === 'array' ? '[]' : ''));
    return `config.json ${variant}`;
  },
  tokenizer: (files, rand) => {
    const tok = JSON.parse(text.decode(files.get('tokenizer.json')!));
    const variant = pick(rand, ['truncated', 'empty vocab', 'no model', 'unknown type', 'vocab array', 'missing', 'big added id']);
    if (variant === 'missing') files.delete('tokenizer.json');
    else if (variant === 'truncated') files.set('tokenizer.json', files.get('tokenizer.json')!.slice(0, Math.floor(rand() * 1000)));
    else {
      if (variant === 'empty vocab') tok.model.vocab = {};
      if (variant === 'no model') delete tok.model;
      if (variant === 'unknown type') tok.model.type = 'Gibberish';
      if (variant === 'vocab array') tok.model.vocab = [];
      if (variant === 'big added id') tok.added_tokens.push({ id: 1 << 20, content: 'def', single_word: false, lstrip: false, rstrip: false, normalized: false, special: false });
      files.set('tokenizer.json', encode(JSON.stringify(tok)));
    }
    return `tokenizer.json ${variant}`;
  },
};

test(`fuzzed checkpoints (${CASES} seeded cases): typed errors or unchanged output, never a crash or a silent wrong result`, async () => {
  const dir = checkpointDir('tiny-f32-gqa1');
  const original = new Map(FILES.map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]));
  const baseline = await (await Embedder.load(memorySource(original), { device: 'reference' })).embed(TEXTS);
  const rand = random(20261125);
  const counts = { cases: 0, cleanErrors: 0, harmless: 0, crashes: 0, wrongButOk: 0 };
  const failures: string[] = [];
  const names = Object.keys(MUTATIONS);
  for (let i = 0; i < CASES; i++) {
    const files = new Map(original);
    const kind = names[i % names.length];
    const what = MUTATIONS[kind](files, rand);
    counts.cases++;
    try {
      const vectors = await (await Embedder.load(memorySource(files), { device: 'reference' })).embed(TEXTS);
      const same = vectors.length === baseline.length && vectors.every((v, j) => v.every(Number.isFinite) && cosine(v, baseline[j]) >= 0.99999);
      if (same) counts.harmless++;
      else {
        counts.wrongButOk++;
        failures.push(`case ${i} (${what}): exit 0 with different or non-finite embeddings`);
      }
    } catch (error) {
      if (error instanceof C2llmError && !error.message.includes('\n')) counts.cleanErrors++;
      else {
        counts.crashes++;
        failures.push(`case ${i} (${what}): ${(error as Error).name}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
  }
  console.log(`fuzz: ${counts.cases} cases, ${counts.cleanErrors} clean errors, ${counts.harmless} harmless (same output), ${counts.crashes} crashes, ${counts.wrongButOk} wrong-but-exit-0`);
  expect(failures).toEqual([]);
  expect(counts.cleanErrors).toBeGreaterThan(CASES / 2);
});
