/**
 * The split index layout (src/search/split-index.ts, split-code-index.ts, node/split-index-folder.ts):
 * with every partition probed it ranks exactly as the one file it is cut from; a query fetches only part
 * of it; every damaged part is an IndexFileError naming the file; k-means partitions cover every row;
 * the folder is written whole (manifest last, stale parts removed) and never into a foreign folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { IndexFileError, InputError } from '../src/errors';
import { CodeIndex } from '../src/search/code-index';
import { buildIndexData, quantizeVector, type EmbeddedFile } from '../src/search/index-build';
import type { IndexHeader } from '../src/search/index-file';
import { kmeans } from '../src/search/kmeans';
import { SplitCodeIndex } from '../src/search/split-code-index';
import { encodeManifest, MANIFEST_NAME, splitIndex, type SplitManifest } from '../src/search/split-index';
import { DATA_MIN_LINES } from '../src/search/chunk-kind';
import { openSplitIndex, writeSplitIndex } from '../src/node/split-index-folder';
import { random, randomUnit } from './helpers/random';

const dim = 32;
const header: IndexHeader = { model: { id: 'test-model', fingerprint: 'sha256:abc' }, dim, chunker: { version: 1, maxLines: 60, mergeLines: 20, overlapLines: 10 } };
const WORDS = ['parse', 'date', 'cache', 'evict', 'retry', 'backoff', 'socket', 'buffer', 'token', 'stream', 'hash', 'sort', 'merge', 'split', 'index', 'query'];

const unit = (rand: () => number) => randomUnit(rand, dim);

/** 600 chunks in 120 files around 12 topics, texts of topic words. */
function corpus(): EmbeddedFile[] {
  const rand = random(11);
  const topics = Array.from({ length: 12 }, () => unit(rand));
  return Array.from({ length: 120 }, (_, f) => {
    const vectors = new Float32Array(5 * dim);
    const texts = Array.from({ length: 5 }, (_, j) => {
      const topic = (f * 5 + j) % 12;
      const v = topics[topic].map((x) => x + 0.6 * (rand() * 2 - 1) / Math.sqrt(dim / 3));
      const norm = Math.hypot(...v);
      vectors.set(v.map((x) => x / norm), j * dim);
      return Array.from({ length: 3 + Math.floor(rand() * 12) }, () => WORDS[(topic + Math.floor(rand() * 8)) % WORDS.length]).join(' ');
    });
    return { path: `src/m${String(f).padStart(3, '0')}.${f % 2 ? 'ts' : 'py'}`, language: f % 2 ? 'typescript' : 'python', hash: String(f).padStart(64, 'c'), chunks: texts.map((text, j) => ({ startLine: j * 10 + 1, endLine: j * 10 + 8, text })), vectors };
  });
}

function inMemory(files: Map<string, Uint8Array>) {
  return async (name: string) => {
    const bytes = files.get(name);
    if (!bytes) throw new Error(`${name}: not found`);
    return bytes;
  };
}

/** A split layout's parts with its manifest edited. */
function withManifest(parts: Map<string, Uint8Array>, edit: (manifest: Record<string, any>) => void): Map<string, Uint8Array> {
  const manifest = JSON.parse(new TextDecoder().decode(parts.get(MANIFEST_NAME)!));
  edit(manifest);
  return new Map([...parts, [MANIFEST_NAME, new TextEncoder().encode(JSON.stringify(manifest))]]);
}

const data = buildIndexData(header, corpus(), true);
const { manifest, files } = splitIndex(data);
const all = new Map([...files, [MANIFEST_NAME, encodeManifest(manifest)]]);
const partitions = manifest.partitions.starts.length - 1;

describe('split index', () => {
  test('k-means: every row in one partition, deterministic', () => {
    const rand = random(3);
    const vectors = new Float32Array(200 * dim);
    for (let i = 0; i < 200; i++) vectors.set(unit(rand), i * dim);
    const a = kmeans(vectors, dim, 14);
    expect(a.assignment.every((p) => p < 14)).toBe(true);
    expect(kmeans(vectors, dim, 14).assignment).toEqual(a.assignment);
    expect(() => kmeans(vectors, dim, 201)).toThrow(RangeError);
  });

  test('with every partition probed: dense results equal the one file\'s; lexical and hybrid agree but for near-ties of byte-stored BM25 weights', async () => {
    const single = new CodeIndex(data);
    const split = await SplitCodeIndex.open('x', inMemory(all));
    const rand = random(5);
    const key = (r: { path: string; startLine: number }) => `${r.path}:${r.startLine}`;
    const overlap: Record<string, number[]> = { lexical: [], hybrid: [] };
    for (let q = 0; q < 20; q++) {
      const vector = unit(rand);
      const text = `${WORDS[q % 16]} ${WORDS[(q * 7) % 16]}`;
      for (const mode of ['dense', 'lexical', 'hybrid'] as const) {
        const want = single.search({ vector, text }, 10, mode);
        const got = await split.search({ vector, text }, 10, mode, { probes: partitions });
        if (mode === 'dense') {
          // The one file scores with the query in int16 (dense-scorer.ts), the split layout in f32.
          expect(got.map((r) => [key(r), r.language, r.text])).toEqual(want.map((r) => [key(r), r.language, r.text]));
          got.forEach((r, i) => expect(r.score).toBeCloseTo(want[i].score, 4));
          continue;
        }
        const scores = new Map(want.map((r) => [key(r), r.score]));
        overlap[mode].push(got.filter((r) => scores.has(key(r))).length / want.length);
        // BM25's term-frequency part is stored in a byte: lexical scores within 1%.
        if (mode === 'lexical') got.filter((r) => scores.has(key(r))).forEach((r) => expect(Math.abs(r.score - scores.get(key(r))!)).toBeLessThanOrEqual(0.01 * r.score));
      }
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    console.log(`split against one file, every partition probed: top-10 overlap lexical ${mean(overlap.lexical).toFixed(3)}, hybrid ${mean(overlap.hybrid).toFixed(3)}`);
    expect(mean(overlap.lexical)).toBeGreaterThanOrEqual(0.9);
    expect(mean(overlap.hybrid)).toBeGreaterThanOrEqual(0.9);
  });

  test('a query fetches part of the index: the nearest partitions, its words\' shards, its results\' records', async () => {
    const split = await SplitCodeIndex.open('x', inMemory(all));
    const total = [...all.values()].reduce((n, b) => n + b.byteLength, 0);
    await split.search({ vector: unit(random(9)), text: 'retry backoff' }, 10, 'hybrid', { probes: 2 });
    const partitionFiles = [...split.fetched.keys()].filter((f) => f.startsWith('p'));
    expect(partitionFiles).toHaveLength(2);
    expect(split.fetchedBytes).toBeLessThan(total / 2);
  });

  test('damaged parts are IndexFileErrors naming the file', async () => {
    const damaged = (name: string, edit: (bytes: Uint8Array) => Uint8Array) => new Map([...all].map(([n, b]) => [n, n === name ? edit(b.slice()) : b]));
    const partition = [...files.keys()].find((n) => n.startsWith('p0-'))!;
    const terms = [...files.keys()].find((n) => n.startsWith('t0-'))!;
    const records = [...files.keys()].find((n) => n.startsWith('r0-'))!;
    const search = async (parts: Map<string, Uint8Array>) => (await SplitCodeIndex.open('site', inMemory(parts))).search({ vector: unit(random(1)), text: WORDS.join(' ') }, 600, 'hybrid', { probes: partitions });
    await expect(SplitCodeIndex.open('site', inMemory(damaged(MANIFEST_NAME, () => new TextEncoder().encode('{"format":"other"}'))))).rejects.toThrow(/site\/manifest.json: field "format"/);
    await expect(search(damaged(partition, (b) => b.subarray(0, b.byteLength - 3)))).rejects.toThrow(new RegExp(`site/${partition}: .*truncated`));
    await expect(search(damaged(partition, (b) => (b[8 + 4 * (manifest.partitions.starts[1])] = 0x80, b)))).rejects.toThrow(IndexFileError);
    await expect(search(damaged(terms, (b) => b.subarray(0, b.byteLength - 1)))).rejects.toThrow(new RegExp(`site/${terms}`));

    await expect(search(damaged(records, () => new TextEncoder().encode('[{"path":"../../etc/passwd","language":"x","startLine":1,"endLine":1,"text":""}]')))).rejects.toThrow(/has an empty, '.' or '..' part|must be an array of/);
    const manifestEdit = (edit: (m: Record<string, any>) => void) => withManifest(all, edit);
    await expect(SplitCodeIndex.open('site', inMemory(manifestEdit((m) => (m.partitions.starts[1] = -1))))).rejects.toThrow(/partitions.starts/);
    await expect(SplitCodeIndex.open('site', inMemory(manifestEdit((m) => (m.records.hash = '../../x'))))).rejects.toThrow(/records.hash/);
    await expect(SplitCodeIndex.open('site', inMemory(manifestEdit((m) => (m.partitions.supportingFrom[0] = m.partitions.starts[1] + 1))))).rejects.toThrow(/partitions.supportingFrom/);
    await expect(SplitCodeIndex.open('site', inMemory(manifestEdit((m) => m.partitions.supportingFrom.pop())))).rejects.toThrow(/partitions.supportingFrom/);
  });

  test('tests, examples and documents: last in their partitions, demoted in hybrid as the one file demotes them; a manifest without supportingFrom demotes none', async () => {
    // The corpus again, a third of its files moved under tests/, examples/ or renamed to .md.
    const moved = corpus().map((f, i) => ({ ...f, path: [f.path, `tests/${f.path.slice(4)}`, `examples/${f.path.slice(4)}`, f.path.replace(/\.\w+$/, '.md')][i % 6 < 4 ? i % 4 : 0] }));
    const isMoved = (path: string) => /^(tests|examples)\/|\.md$/.test(path);
    const movedData = buildIndexData(header, moved, true);
    const cut = splitIndex(movedData);
    const parts = new Map([...cut.files, [MANIFEST_NAME, encodeManifest(cut.manifest)]]);
    const { starts, supportingFrom } = cut.manifest.partitions;
    expect(supportingFrom).toHaveLength(starts.length - 1);
    const supportingCount = supportingFrom!.reduce((n, from, i) => n + starts[i + 1] - from, 0);
    expect(supportingCount).toBe(movedData.chunks.filter((c) => isMoved(movedData.files[c.file].path)).length);

    const single = new CodeIndex(movedData);
    const split = await SplitCodeIndex.open('x', inMemory(parts));
    const old = await SplitCodeIndex.open('old', inMemory(withManifest(parts, (m) => delete m.partitions.supportingFrom)));
    const rand = random(6);
    const key = (r: { path: string; startLine: number }) => `${r.path}:${r.startLine}`;
    const supportingIn = (results: { path: string }[]) => results.filter((r) => isMoved(r.path)).length;
    const counts = { one: 0, split: 0, old: 0, asked: 0 };
    const overlap: number[] = [];
    for (let q = 0; q < 12; q++) {
      const vector = unit(rand);
      const text = `${WORDS[q % 16]} ${WORDS[(q * 5) % 16]}`;
      const search = (index: SplitCodeIndex, words = text) => index.search({ vector, text: words }, 10, 'hybrid', { probes: starts.length - 1 });
      const one = single.search({ vector, text }, 10, 'hybrid');
      const got = await search(split);
      overlap.push(got.filter((r) => one.some((o) => key(o) === key(r))).length / one.length);
      expect(supportingIn(got), `query ${q}`).toBe(supportingIn(one));
      counts.one += supportingIn(one);
      counts.split += supportingIn(got);
      counts.old += supportingIn(await search(old));
      counts.asked += supportingIn(await search(split, `${text} unit tests`));
    }
    console.log(`tests, examples and documents in the top 10 of 12 queries: one file ${counts.one}, split ${counts.split}, split without supportingFrom ${counts.old}, asked for ${counts.asked}`);
    expect(overlap.reduce((a, b) => a + b, 0) / overlap.length).toBeGreaterThanOrEqual(0.9);
    expect(counts.split).toBeLessThan(counts.old);
    expect(counts.split).toBeLessThan(counts.asked);
  });

  // Every third chunk's words written as comments in its file's language, or as the items of a list (ten lines at least, chunk-kind.ts's DATA_MIN_LINES).
  const asComments = (words: string[], language: string) => words.map((w) => `${language === 'python' ? '#' : '//'} ${w}`).join('\n');
  const asList = (words: string[]) => Array.from({ length: Math.max(words.length, DATA_MIN_LINES) }, (_, i) => `    "${words[i % words.length]}",`).join('\n');
  test.each([
    // A layout written before the field: one before proseFrom had no dataFrom either.
    { kind: 'comments', field: 'proseFrom', before: ['dataFrom', 'proseFrom'], write: asComments, written: /^(#|\/\/) /, end: (p: SplitManifest['partitions'], i: number) => p.supportingFrom![i] },
    { kind: 'data', field: 'dataFrom', before: ['dataFrom'], write: asList, written: /^ {4}"/, end: (p: SplitManifest['partitions'], i: number) => p.proseFrom![i] },
  ] as const)('code that is mostly $kind: after the other code of its partition, demoted in hybrid as the one file demotes it; none without texts or without $field', async ({ kind, field, before, write, written, end }) => {
    const commented = corpus().map((f, i) => ({
      ...f,
      chunks: f.chunks.map((c, j) => ((i + j) % 3 ? c : { ...c, text: write(c.text.split(' '), f.language) })),
    }));
    const commentedData = buildIndexData(header, commented, true);
    const isProse = (r: { text?: string }) => written.test(r.text ?? '');
    const cut = splitIndex(commentedData);
    const { starts } = cut.manifest.partitions;
    const from = cut.manifest.partitions[field];
    expect(from).toHaveLength(starts.length - 1);
    expect(from!.reduce((n, first, i) => n + end(cut.manifest.partitions, i) - first, 0)).toBe(commented.reduce((n, f, i) => n + f.chunks.filter((_, j) => (i + j) % 3 === 0).length, 0));
    expect(splitIndex({ ...commentedData, texts: undefined }).manifest.partitions[field]).toBeUndefined();

    const parts = new Map([...cut.files, [MANIFEST_NAME, encodeManifest(cut.manifest)]]);
    const single = new CodeIndex(commentedData);
    const split = await SplitCodeIndex.open('x', inMemory(parts));
    const old = await SplitCodeIndex.open('old', inMemory(withManifest(parts, (m) => before.forEach((name) => delete m.partitions[name]))));
    const rand = random(8);
    const counts = { one: 0, split: 0, old: 0 };
    for (let q = 0; q < 12; q++) {
      const vector = unit(rand);
      const text = `${WORDS[q % 16]} ${WORDS[(q * 7) % 16]}`;
      const search = (index: SplitCodeIndex) => index.search({ vector, text }, 10, 'hybrid', { probes: starts.length - 1 });
      const one = single.search({ vector, text }, 10, 'hybrid').filter(isProse).length;
      const got = (await search(split)).filter(isProse).length;
      // BM25's weights are quantized in the split layout, so a chunk at the tenth place may differ.
      expect(Math.abs(got - one), `query ${q}`).toBeLessThanOrEqual(1);
      counts.one += one;
      counts.split += got;
      counts.old += (await search(old)).filter(isProse).length;
    }
    console.log(`chunks of ${kind} in the top 10 of 12 queries: one file ${counts.one}, split ${counts.split}, split without ${field} ${counts.old}`);
    expect(Math.abs(counts.split - counts.one)).toBeLessThanOrEqual(1);
    expect(counts.split).toBeLessThan(counts.old);
    await expect(SplitCodeIndex.open('site', inMemory(withManifest(parts, (m) => (m.partitions[field][0] = end(m.partitions, 0) + 1))))).rejects.toThrow(new RegExp(`partitions.${field}`));
    await expect(SplitCodeIndex.open('site', inMemory(withManifest(parts, (m) => m.partitions[field].pop())))).rejects.toThrow(new RegExp(`partitions.${field}`));
  });

  test('a query that is one name: the chunk that defines it first, as in the one file, read from the records of its first lexical chunks; none without texts', async () => {
    // The corpus with one definition of a name and 30 chunks that call it, some several times.
    const files = corpus();
    files[7] = { ...files[7], chunks: files[7].chunks.map((c, j) => (j === 2 ? { ...c, text: 'def decode_frame(buffer):\n    return token stream' } : c)) };
    for (let f = 20; f < 50; f++) files[f] = { ...files[f], chunks: files[f].chunks.map((c, j) => (j === 0 ? { ...c, text: `${c.text}\nx = decode_frame(buffer)${f % 3 ? '' : ' + decode_frame(stream)'}` } : c)) };
    const data = buildIndexData(header, files, true);
    const cut = splitIndex(data);
    const probes = cut.manifest.partitions.starts.length - 1;
    const parts = new Map([...cut.files, [MANIFEST_NAME, encodeManifest(cut.manifest)]]);
    const vector = unit(random(12));
    const first = async (index: SplitCodeIndex | CodeIndex, text: string, mode: 'hybrid' | 'lexical' = 'hybrid') => {
      const results = index instanceof CodeIndex ? index.search({ vector, text }, 10, mode) : await index.search({ vector, text }, 10, mode, { probes });
      return `${results[0].path}:${results[0].startLine}`;
    };
    const split = await SplitCodeIndex.open('x', inMemory(parts));
    expect(await first(split, 'decode_frame', 'lexical')).not.toBe('src/m007.ts:21');
    for (const text of ['decode_frame', 'codec.decode_frame()']) {
      expect(await first(new CodeIndex(data), text)).toBe('src/m007.ts:21');
      expect(await first(split, text)).toBe('src/m007.ts:21');
    }
    const noTexts = splitIndex({ ...data, texts: undefined });
    const blind = await SplitCodeIndex.open('y', inMemory(new Map([...noTexts.files, [MANIFEST_NAME, encodeManifest(noTexts.manifest)]])));
    expect(await first(blind, 'decode_frame')).not.toBe('src/m007.ts:21');
  });

  test('a pasted message: the chunk that prints it first, as in the one file, read from the records of its first lexical chunks; none without texts', async () => {
    // One chunk prints the message; 6 others hold its words in another order (BM25 ranks them near it).
    const files = corpus();
    files[9] = { ...files[9], chunks: files[9].chunks.map((c, j) => (j === 1 ? { ...c, text: 'raise ValueError("cache entry expired before the retry")' } : c)) };
    for (let f = 40; f < 46; f++) files[f] = { ...files[f], chunks: files[f].chunks.map((c, j) => (j === 0 ? { ...c, text: `${c.text}\n# the entry in the cache: retry before it expired (${f})` } : c)) };
    const data = buildIndexData(header, files, true);
    const cut = splitIndex(data);
    const probes = cut.manifest.partitions.starts.length - 1;
    const parts = new Map([...cut.files, [MANIFEST_NAME, encodeManifest(cut.manifest)]]);
    const split = await SplitCodeIndex.open('x', inMemory(parts));
    const query = 'cache entry expired before the retry';
    const firsts = async (index: SplitCodeIndex | CodeIndex) => {
      const found: string[] = [];
      for (let q = 0; q < 10; q++) {
        const vector = unit(random(30 + q));
        const results = index instanceof CodeIndex ? index.search({ vector, text: query }, 10, 'hybrid') : await index.search({ vector, text: query }, 10, 'hybrid', { probes });
        found.push(`${results[0].path}:${results[0].startLine}`);
      }
      return found;
    };
    expect(await firsts(new CodeIndex(data))).toEqual(Array(10).fill('src/m009.ts:11'));
    expect(await firsts(split)).toEqual(Array(10).fill('src/m009.ts:11'));
    const noTexts = splitIndex({ ...data, texts: undefined });
    const blind = await SplitCodeIndex.open('y', inMemory(new Map([...noTexts.files, [MANIFEST_NAME, encodeManifest(noTexts.manifest)]])));
    expect((await firsts(blind)).filter((first) => first === 'src/m009.ts:11').length).toBeLessThan(10);
  });

  test("a file's name: that file's chunks first, as in the one file, from the files part; a layout without it promotes none", async () => {
    // src/m060.py is named by its words in the texts of 30 other files' chunks.
    const files = corpus();
    for (let f = 0; f < 30; f++) files[f] = { ...files[f], chunks: files[f].chunks.map((c, j) => (j === 0 ? { ...c, text: `${c.text}\nm060 py m060 py m060` } : c)) };
    const data = buildIndexData(header, files, true);
    const cut = splitIndex(data);
    const probes = cut.manifest.partitions.starts.length - 1;
    const parts = new Map([...cut.files, [MANIFEST_NAME, encodeManifest(cut.manifest)]]);
    const firstFiles = async (index: SplitCodeIndex | CodeIndex, text: string) => {
      const found: string[] = [];
      for (let q = 0; q < 5; q++) {
        const vector = unit(random(50 + q));
        const results = index instanceof CodeIndex ? index.search({ vector, text }, 10, 'hybrid') : await index.search({ vector, text }, 10, 'hybrid', { probes });
        found.push(results[0].path);
      }
      return found;
    };
    const split = await SplitCodeIndex.open('x', inMemory(parts));
    for (const text of ['m060.py', 'SRC/M060.PY']) {
      expect(await firstFiles(new CodeIndex(data), text)).toEqual(Array(5).fill('src/m060.py'));
      expect(await firstFiles(split, text)).toEqual(Array(5).fill('src/m060.py'));
    }
    const old = await SplitCodeIndex.open('y', inMemory(withManifest(parts, (m) => delete m.files)));
    expect((await firstFiles(old, 'm060.py')).filter((path) => path === 'src/m060.py').length).toBeLessThan(5);
  });

  test('a place (a path and a line, as tools print one): the chunk holding the line first, then its file\'s, in the split folder as in the one file', async () => {
    const cut = splitIndex(data);
    const probes = 1;
    const split = await SplitCodeIndex.open('x', inMemory(new Map([...cut.files, [MANIFEST_NAME, encodeManifest(cut.manifest)]])));
    const single = new CodeIndex(data);
    const firsts = async (index: SplitCodeIndex | CodeIndex, text: string, filter?: { language: string }) => {
      const vector = unit(random(61));
      const results = index instanceof CodeIndex ? index.search({ vector, text, filter }, 10, 'hybrid') : await index.search({ vector, text, filter }, 10, 'hybrid', { probes });
      return results.slice(0, 5).map((r) => `${r.path}:${r.startLine}`);
    };
    const fileFirst = (lines: string) => ['src/m061.ts:21', ...['1', '11', '31', '41'].filter((line) => line !== lines).map((line) => `src/m061.ts:${line}`)];
    const trace = ['Traceback (most recent call last):', '  File "/usr/lib/python3/runpy.py", line 9, in main', '  File "/srv/app/src/m061.ts", line 25, in run', 'ValueError: bad date'].join('\n');
    for (const index of [single, split]) {
      for (const text of ['src/m061.ts:25', 'm061.ts:25:3', '/home/me/project/src/m061.ts:25:3: error: bad date', 'src\\m061.ts(25,3): error TS2322', trace, '    at run (/srv/app/src/m061.ts:25:13)']) {
        const found = await firsts(index, text);
        expect(found[0], text).toBe('src/m061.ts:21');
        expect(new Set(found), text).toEqual(new Set(fileFirst('21')));
      }
      // A line between two chunks, or past the last: the nearest first.
      expect((await firsts(index, 'src/m061.ts:29'))[0]).toBe('src/m061.ts:21');
      expect((await firsts(index, 'src/m061.ts:30'))[0]).toBe('src/m061.ts:31');
      expect((await firsts(index, 'src/m061.ts:900'))[0]).toBe('src/m061.ts:41');
      // A filter that leaves the file out leaves the line's chunk out too.
      expect((await firsts(index, 'src/m061.ts:25', { language: 'python' })).some((place) => place.startsWith('src/m061.ts'))).toBe(false);
    }
  });

  test('a word in so many chunks that a bitmap is smaller than its gaps is stored as one; a bit too many or too few, or a bitmap under a version 1 manifest, is refused', async () => {
    const [file] = corpus();
    const rows = 36;
    const rand = random(8);
    const vectors = new Float32Array(rows * dim);
    for (let i = 0; i < rows; i++) vectors.set(unit(rand), i * dim);
    const everywhere = buildIndexData(header, [{ ...file, chunks: Array.from({ length: rows }, (_, i) => ({ startLine: i + 1, endLine: i + 1, text: i % 2 ? 'alpha' : 'alpha alpha' })), vectors }], true);
    const cut = splitIndex(everywhere);
    const parts = new Map([...cut.files, [MANIFEST_NAME, encodeManifest(cut.manifest)]]);
    const shard = [...cut.files.keys()].find((name) => name.startsWith('t0-'))!;
    const bytes = cut.files.get(shard)!;
    const jsonEnd = 4 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
    // Every word (the path's too) is in every chunk: each entry a bitmap of 5 bytes, then 36 weights.
    const entries = JSON.parse(new TextDecoder().decode(bytes.subarray(4, jsonEnd)));
    expect(entries.every(([, postings, bitmap]: [string, number, number]) => postings === rows && bitmap === 1)).toBe(true);
    expect(bytes.byteLength - jsonEnd).toBe(entries.length * (5 + rows));
    const alpha = jsonEnd + entries.findIndex(([term]: [string]) => term === 'alpha') * (5 + rows);
    const search = async (edit: (b: Uint8Array) => void, manifest = parts.get(MANIFEST_NAME)!) => {
      const b = bytes.slice();
      edit(b);
      const open = await SplitCodeIndex.open('site', inMemory(new Map([...parts, [shard, b], [MANIFEST_NAME, manifest]])));
      return open.search({ text: 'alpha' }, rows, 'lexical');
    };
    const found = await search(() => undefined);
    expect(found).toHaveLength(rows);
    expect(found.slice(0, rows / 2).every((r) => r.startLine % 2 === 1)).toBe(true);
    await expect(search((b) => (b[alpha] = 0xfe))).rejects.toThrow(new RegExp(`site/${shard}: the bitmap of "alpha" names 35 chunks, not its 36 postings`));
    await expect(search((b) => (b[alpha + 4] |= 0x80))).rejects.toThrow(/the bitmap of "alpha" names chunk 39: more than its 36 postings, or a chunk id >= 36/);
    const version1 = new TextEncoder().encode(new TextDecoder().decode(parts.get(MANIFEST_NAME)!).replace('"version":2', '"version":1'));
    await expect(search(() => undefined, version1)).rejects.toThrow(/is not \[term, postings\] or \(version 2\) \[term, postings, 1\]/);
  });

  test('a word in 150,000 chunks is written and read back (its postings are never spread into one call)', async () => {
    const rows = 150_000;
    const small: IndexHeader = { ...header, dim: 16 };
    const rand = random(12);
    const vectors = new Float32Array(rows * 16);
    for (let i = 0; i < rows * 16; i += 16) {
      const v = Float32Array.from({ length: 16 }, () => rand() * 2 - 1);
      const norm = Math.hypot(...v);
      vectors.set(v.map((x) => x / norm), i);
    }
    const big = buildIndexData(small, [{ path: 'a.py', language: 'python', hash: 'd'.repeat(64), chunks: Array.from({ length: rows }, (_, i) => ({ startLine: i + 1, endLine: i + 1, text: 'alpha' })), vectors }], false);
    const cut = splitIndex(big);
    const split = await SplitCodeIndex.open('big', inMemory(new Map([...cut.files, [MANIFEST_NAME, encodeManifest(cut.manifest)]])));
    expect(await split.search({ text: 'alpha' }, 3, 'lexical')).toHaveLength(3);
  }, 60_000);

  test('a tiny index (a partition a chunk, int8 rows up to 2% off unit length) opens and searches', async () => {
    const rand = random(3);
    const longAfterRounding = () => {
      for (;;) {
        const v = unit(rand);
        const q = new Int8Array(dim);
        const scale = quantizeVector(v, q);
        if (Math.hypot(...Array.from(q, (x) => x * scale)) > 1.0001) return v;
      }
    };
    const [file] = corpus();
    const tiny = buildIndexData(header, [{ ...file, chunks: file.chunks.slice(0, 1), vectors: longAfterRounding() }], true);
    const cut = splitIndex(tiny);
    const split = await SplitCodeIndex.open('tiny', inMemory(new Map([...cut.files, [MANIFEST_NAME, encodeManifest(cut.manifest)]])));
    expect(await split.search({ vector: unit(random(2)), text: 'retry' }, 5, 'hybrid')).toHaveLength(1);
  });

  test('anchors (`c2llm index --html`) travel in the records to the results; a record with a bad anchor is refused', async () => {
    const anchored = corpus().map((f, i) => (i % 3 === 0 ? { ...f, chunks: f.chunks.map((c, j) => ({ ...c, anchor: `section-${j}` })) } : f));
    const withAnchors = buildIndexData(header, anchored, true);
    const cut = splitIndex(withAnchors);
    const parts = new Map([...cut.files, [MANIFEST_NAME, encodeManifest(cut.manifest)]]);
    const split = await SplitCodeIndex.open('site', inMemory(parts));
    const got = await split.search({ vector: unit(random(4)), text: 'retry' }, 600, 'lexical');
    const single = new CodeIndex(withAnchors).search({ vector: unit(random(4)), text: 'retry' }, 600, 'lexical');
    const anchorOf = (results: readonly { path: string; startLine: number; anchor?: string }[]) => new Map(results.map((r) => [`${r.path}:${r.startLine}`, r.anchor]));
    expect(anchorOf(got)).toEqual(anchorOf(single));
    expect(got.filter((r) => r.anchor).length).toBeGreaterThan(10);
    const records = [...cut.files.keys()].find((n) => n.startsWith('r0-'))!;
    const bad = JSON.parse(new TextDecoder().decode(cut.files.get(records)!));
    bad[0].anchor = 'two words';
    parts.set(records, new TextEncoder().encode(JSON.stringify(bad)));
    const damaged = await SplitCodeIndex.open('site', inMemory(parts));
    await expect(damaged.search({ vector: unit(random(4)), text: WORDS.join(' ') }, 600, 'lexical')).rejects.toThrow(new RegExp(`site/${records}: chunk 0's anchor "two words" is longer than 256 characters or holds whitespace`));
  });

  test("the comment a chunk begins inside travels in the records to the results, as the one file gives it; a record with another openComment is refused", async () => {
    const go: EmbeddedFile = {
      path: 'mux/doc.go',
      language: 'go',
      hash: 'e'.repeat(64),
      chunks: [
        { startLine: 1, endLine: 2, text: '/*\nPackage mux routes requests.' },
        { startLine: 4, endLine: 7, text: 'Call retry on each route.\n*/\npackage mux\nvar retry = 1' },
      ],
      vectors: new Float32Array([...unit(random(8)), ...unit(random(9))]),
    };
    const withGo = buildIndexData(header, [...corpus(), go], true);
    const cut = splitIndex(withGo);
    const parts = new Map([...cut.files, [MANIFEST_NAME, encodeManifest(cut.manifest)]]);
    const split = await SplitCodeIndex.open('site', inMemory(parts));
    const query = { vector: unit(random(4)), text: 'retry' };
    const openOf = (results: readonly { path: string; startLine: number; openComment?: string }[]) => new Map(results.filter((r) => r.openComment).map((r) => [`${r.path}:${r.startLine}`, r.openComment]));
    expect(openOf(await split.search(query, 700, 'lexical'))).toEqual(new Map([['mux/doc.go:4', '*/']]));
    expect(openOf(new CodeIndex(withGo).search(query, 700, 'lexical'))).toEqual(new Map([['mux/doc.go:4', '*/']]));
    const name = [...cut.files.keys()].find((n) => n.startsWith('r') && JSON.parse(new TextDecoder().decode(cut.files.get(n)!)).some((r: { openComment?: string }) => r.openComment))!;
    const bad = JSON.parse(new TextDecoder().decode(cut.files.get(name)!));
    const at = bad.findIndex((r: { openComment?: string }) => r.openComment);
    bad[at].openComment = 'x';
    parts.set(name, new TextEncoder().encode(JSON.stringify(bad)));
    const damaged = await SplitCodeIndex.open('site', inMemory(parts));
    await expect(damaged.search(query, 700, 'lexical')).rejects.toThrow(new RegExp(`site/${name}: chunk ${at}'s openComment "x" is not how a comment ends`));
  });

  test('the folder: written whole, rewritten in place with stale parts removed, never into a foreign folder', async () => {
    const work = mkdtempSync(join(tmpdir(), 'c2llm-split-'));
    const folder = join(work, 'code-index');
    await writeSplitIndex(folder, data);
    const first = new Set(readdirSync(folder));
    expect(first.has(MANIFEST_NAME)).toBe(true);
    const fromDisk = await openSplitIndex(folder);
    expect((await fromDisk.search({ text: 'retry' }, 3, 'lexical')).length).toBe(3);
    // A rebuild with one file changed (renamed, its text and vectors new): the same folder, now naming only
    // the new parts, of every kind.
    const changed = corpus().map((f, i) => (i === 0 ? { ...f, path: `renamed-${f.path}`, vectors: f.vectors.map((v) => -v), chunks: f.chunks.map((c) => ({ ...c, text: `${c.text} socket` })) } : f));
    await writeSplitIndex(folder, buildIndexData(header, changed, true));
    const second = readdirSync(folder);
    const named = new Set([MANIFEST_NAME, ...splitIndex(buildIndexData(header, changed, true)).files.keys()]);
    expect(second.filter((n) => !named.has(n))).toEqual([]);
    expect(second.some((n) => !first.has(n))).toBe(true);
    for (const kind of ['centroids', 'files', 'p', 't', 'r', 'v', 'w']) expect([...first].some((n) => n.startsWith(kind) && !named.has(n))).toBe(true);
    const foreign = join(work, 'site');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'index.html'), '<p>home</p>');
    await expect(writeSplitIndex(foreign, data)).rejects.toThrow(InputError);
    expect(readdirSync(foreign)).toEqual(['index.html']);
    expect(readFileSync(join(foreign, 'index.html'), 'utf8')).toBe('<p>home</p>');
  });
});
