/**
 * Seeded fuzzing of index files, the input people download from others: byte flips in every section,
 * header edits (counts, offsets, dims, scales as text), truncation, extension and spliced sections, each
 * decoded (decodeIndex), searched in every mode (CodeIndex) and merged with a sound index
 * (mergeIndexData). Every case must end in an IndexFileError, or in an index that keeps every promise
 * the format makes: finite scores, results best first, paths and lines from the index, unit vectors.
 * Any other exception is a crash and fails the test.
 */
import { expect, test } from 'vitest';
import { C2llmError, IndexFileError } from '../src/errors';
import { CodeIndex } from '../src/search/code-index';
import { buildIndexData, mergeIndexData, type EmbeddedFile } from '../src/search/index-build';
import { decodeIndex, encodeIndex, type IndexData, type IndexHeader } from '../src/search/index-file';
import { indexPathProblem } from '../src/search/index-trust';
import { random } from './helpers/random';

const CASES = 400;
const DIM = 16;
const header: IndexHeader = { model: { id: 'fuzz', fingerprint: 'sha256:fuzz' }, dim: DIM, chunker: { version: 1, maxLines: 60, mergeLines: 20, overlapLines: 10 } };

function unit(rand: () => number): Float32Array {
  const v = Float32Array.from({ length: DIM }, () => rand() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function files(prefix: string, rand: () => number): EmbeddedFile[] {
  const words = ['parse', 'date', 'cache', 'retry', 'socket', 'buffer', 'stream', 'sort'];
  return Array.from({ length: 6 }, (_, f) => {
    const chunks = Array.from({ length: 3 }, (_, j) => ({ startLine: j * 4 + 1, endLine: j * 4 + 3, text: `${words[(f + j) % 8]} ${words[(f * j) % 8]} value_${f}` }));
    const vectors = new Float32Array(chunks.length * DIM);
    chunks.forEach((_, j) => vectors.set(unit(rand), j * DIM));
    return { path: `${prefix}/f${f}.ts`, language: 'typescript', hash: String(f).padStart(64, 'a'), chunks, vectors };
  });
}

type Mutation = (bytes: Uint8Array, rand: () => number) => Uint8Array;
const dataStart = (bytes: Uint8Array) => 16 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
const pick = <T>(items: readonly T[], rand: () => number) => items[Math.floor(rand() * items.length)];

const MUTATIONS: Record<string, Mutation> = {
  'flip bytes in the data': (bytes, rand) => {
    const out = bytes.slice();
    const start = dataStart(out);
    for (let i = 0; i < 1 + Math.floor(rand() * 4); i++) out[start + Math.floor(rand() * (out.length - start))] ^= 1 << Math.floor(rand() * 8);
    return out;
  },
  'flip a byte in the header': (bytes, rand) => {
    const out = bytes.slice();
    out[16 + Math.floor(rand() * (dataStart(out) - 16))] ^= 1 << Math.floor(rand() * 7);
    return out;
  },
  'edit a header number': (bytes, rand) => {
    const out = bytes.slice();
    const json = new TextDecoder().decode(out.subarray(16, dataStart(out)));
    const numbers = [...json.matchAll(/\d+/g)];
    const target = pick(numbers, rand);
    const replacement = String(pick([0, 1, 7, 8, 255, 65535, 2 ** 31, Number(target[0]) + 8, Number(target[0]) - 1], rand)).slice(0, target[0].length).padStart(target[0].length, '0');
    out.set(new TextEncoder().encode(replacement), 16 + target.index!);
    return out;
  },
  truncate: (bytes, rand) => bytes.slice(0, Math.floor(rand() * bytes.length)),
  'extend with junk': (bytes, rand) => {
    const out = new Uint8Array(bytes.length + 1 + Math.floor(rand() * 64));
    out.set(bytes);
    for (let i = bytes.length; i < out.length; i++) out[i] = Math.floor(rand() * 256);
    return out;
  },
  'overwrite a run with one value': (bytes, rand) => {
    const out = bytes.slice();
    const start = dataStart(out) + Math.floor(rand() * (out.length - dataStart(out)));
    out.fill(pick([0, 0x7f, 0x80, 0xff], rand), start, Math.min(out.length, start + 4 + Math.floor(rand() * 64)));
    return out;
  },
};

/** The promises a decoded index keeps, checked through search in every mode and a merge. */
function exercise(data: IndexData, sound: IndexData, rand: () => number): void {
  for (const file of data.files) {
    expect(indexPathProblem(file.path), file.path).toBeUndefined();
    expect(file.hash).toMatch(/^[0-9a-f]{64}$/);
  }
  for (let i = 0; i < data.chunks.length; i++) {
    const q = data.vectors.subarray(i * data.dim, (i + 1) * data.dim);
    expect(q.includes(-128), `vector ${i} holds -128`).toBe(false);
    expect(Math.abs(data.scales[i] * Math.hypot(...q) - 1), `vector ${i} is not a unit vector`).toBeLessThanOrEqual(0.02);
  }
  const index = new CodeIndex(data);
  for (const mode of ['dense', 'lexical', 'hybrid'] as const) {
    const results = index.search({ vector: unit(rand), text: 'parse date retry' }, 10, mode);
    results.forEach((r, i) => {
      expect(Number.isFinite(r.score), `${mode} score ${r.score}`).toBe(true);
      if (i > 0) expect(r.score).toBeLessThanOrEqual(results[i - 1].score);
      expect(data.files.some((f) => f.path === r.path)).toBe(true);
      expect(r.startLine >= 1 && r.endLine >= r.startLine).toBe(true);
    });
  }
  try {
    const merged = mergeIndexData([{ name: 'sound', data: sound }, { name: 'fuzzed', data }]);
    expect(merged.chunks.length).toBe(sound.chunks.length + data.chunks.length);
  } catch (error) {
    if (!(error instanceof IndexFileError)) throw error;
  }
}

test(`fuzzed index files (${CASES} seeded cases): an IndexFileError or a sound index, never a crash`, () => {
  const rand = random(2024);
  const sound = buildIndexData(header, files('lib', rand), true);
  const other = buildIndexData(header, files('src', rand), true);
  const bytes = encodeIndex(sound);
  const outcomes: Record<string, { refused: number; sound: number }> = {};
  for (let i = 0; i < CASES; i++) {
    const [name, mutate] = pick(Object.entries(MUTATIONS), rand);
    const mutated = mutate(bytes, rand);
    const outcome = (outcomes[name] ??= { refused: 0, sound: 0 });
    let data: IndexData;
    try {
      data = decodeIndex('fuzzed.c2idx', mutated);
    } catch (error) {
      if (!(error instanceof IndexFileError)) throw new Error(`case ${i} (${name}): decodeIndex crashed: ${(error as Error).stack}`);
      expect((error as Error).message).toMatch(/^fuzzed\.c2idx: /);
      outcome.refused++;
      continue;
    }
    try {
      exercise(data, other, rand);
    } catch (error) {
      if (error instanceof C2llmError) throw new Error(`case ${i} (${name}): a decoded index failed in use: ${(error as Error).message}`);
      throw new Error(`case ${i} (${name}): ${(error as Error).message}`);
    }
    outcome.sound++;
  }
  console.log(`index fuzz: ${JSON.stringify(outcomes)}`);
  const refused = Object.values(outcomes).reduce((n, o) => n + o.refused, 0);
  expect(refused).toBeGreaterThan(CASES / 2);
});
