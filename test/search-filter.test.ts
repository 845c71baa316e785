/**
 * Search filters (src/search/search-filter.ts): a filter keeps the chunks of one language or folder
 * before ranking, so dense and lexical results are the unfiltered ranking's kept chunks in the same order
 * however far down they stand, on one index file, on the sign-bit two-stage path of a large index, and
 * on a split index (with every partition probed, the one file's; with one probe, the nearest partition
 * that holds a kept chunk). A split layout written before its files part refuses a filter, and a damaged
 * files part is an IndexFileError naming the file.
 */
import { describe, expect, test } from 'vitest';
import { IndexFileError } from '../src/errors';
import { CodeIndex } from '../src/search/code-index';
import { denseRanking, EXHAUSTIVE_UP_TO } from '../src/search/dense-ranking';
import { DenseScorer } from '../src/search/dense-scorer';
import { buildIndexData, quantizeVector, type EmbeddedFile } from '../src/search/index-build';
import type { IndexHeader } from '../src/search/index-file';
import { describeFilter, keptChunks, narrows } from '../src/search/search-filter';
import { SplitCodeIndex } from '../src/search/split-code-index';
import { encodeManifest, MANIFEST_NAME, splitIndex } from '../src/search/split-index';
import { random, randomUnit } from './helpers/random';

const dim = 32;
const header: IndexHeader = { model: { id: 'test-model', fingerprint: 'sha256:abc' }, dim, chunker: { version: 1, maxLines: 60, mergeLines: 20, overlapLines: 10 } };
const WORDS = ['parse', 'date', 'cache', 'evict', 'retry', 'backoff', 'socket', 'buffer', 'token', 'stream', 'hash', 'sort'];
const LANGUAGES = ['python', 'typescript', 'rust'];

const unit = (rand: () => number) => randomUnit(rand, dim);

/** 90 files of 4 chunks under src/, lib/ and vendor/; one Rust file in ten (vendor/r*.rs), the rest Python and TypeScript. */
function corpus(): EmbeddedFile[] {
  const rand = random(21);
  return Array.from({ length: 90 }, (_, f) => {
    const language = f % 10 === 9 ? 'rust' : LANGUAGES[f % 2];
    const folder = language === 'rust' ? 'vendor' : f % 3 === 0 ? 'lib' : 'src';
    const vectors = new Float32Array(4 * dim);
    const texts = Array.from({ length: 4 }, (_, j) => {
      vectors.set(unit(rand), j * dim);
      return Array.from({ length: 4 + Math.floor(rand() * 8) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
    });
    const extension = { python: 'py', typescript: 'ts', rust: 'rs' }[language];
    return { path: `${folder}/f${String(f).padStart(2, '0')}.${extension}`, language, hash: String(f).padStart(64, 'a'), chunks: texts.map((text, j) => ({ startLine: j * 10 + 1, endLine: j * 10 + 8, text })), vectors };
  });
}

const data = buildIndexData(header, corpus(), true);
const single = new CodeIndex(data);
const { manifest, files } = splitIndex(data);
const parts = new Map([...files, [MANIFEST_NAME, encodeManifest(manifest)]]);
const fetcher = (from: Map<string, Uint8Array>) => async (name: string) => {
  const bytes = from.get(name);
  if (!bytes) throw new Error(`${name}: not found`);
  return bytes;
};
const key = (r: { path: string; startLine: number }) => `${r.path}:${r.startLine}`;
const keeps = (filter: { language?: string; folder?: string }) => (r: { path: string; language: string }) =>
  (!filter.language || r.language === filter.language) && r.path.startsWith((filter.folder ?? '').replace(/^\/+/, ''));
const FILTERS = [{ language: 'rust' }, { folder: 'lib/' }, { folder: '/src/f1' }, { language: 'python', folder: 'src/' }];

describe('search filters', () => {
  test('the chunks kept, as increasing ids and as a mask; the filter in words; which filters narrow', () => {
    const kept = keptChunks({ language: 'rust' }, data.files, data.chunks.length, (id) => data.chunks[id].file);
    expect(kept.ids.length).toBe(9 * 4);
    expect([...kept.ids].every((id, i) => data.files[data.chunks[id].file].language === 'rust' && (i === 0 || id > kept.ids[i - 1]))).toBe(true);
    expect(kept.mask.reduce((a, b) => a + b, 0)).toBe(36);
    expect(describeFilter({ language: 'rust', folder: './src/' })).toBe('in rust under src/');
    expect(describeFilter({ folder: '\\src\\parser' })).toBe('under src/parser');
    expect([undefined, {}, { language: '', folder: ' / ' }, { folder: 'a' }, { language: 'go' }].map(narrows)).toEqual([false, false, false, true, true]);
  });

  test("C++ and Objective-C keep the .h headers their codebases name so (read as C); C keeps them too; other files stay in their language", () => {
    const files = [
      { path: 'src/re2.cc', language: 'cpp' },
      { path: 'ios/View.mm', language: 'objective-c' },
      { path: 'src/re2.h', language: 'c' },
      { path: 'src/UTIL.H', language: 'c' },
      { path: 'src/util.c', language: 'c' },
      { path: 'src/gen.py', language: 'python' },
    ];
    const kept = (language: string) => [...keptChunks({ language }, files, files.length, (id) => id).ids].map((id) => files[id].path);
    expect(kept('cpp')).toEqual(['src/re2.cc', 'src/re2.h', 'src/UTIL.H']);
    expect(kept('objective-c')).toEqual(['ios/View.mm', 'src/re2.h', 'src/UTIL.H']);
    expect(kept('c')).toEqual(['src/re2.h', 'src/UTIL.H', 'src/util.c']);
    expect(kept('python')).toEqual(['src/gen.py']);
  });

  test('one index file: dense and lexical results are the unfiltered ranking\'s kept chunks, in order, however far down; hybrid keeps only them', () => {
    const rand = random(4);
    for (let q = 0; q < 12; q++) {
      const vector = unit(rand);
      const text = `${WORDS[q % 12]} ${WORDS[(q * 5) % 12]}`;
      const everything = { dense: single.search({ vector, text }, single.size, 'dense'), lexical: single.search({ vector, text }, single.size, 'lexical') };
      for (const filter of FILTERS) {
        for (const mode of ['dense', 'lexical'] as const) {
          const got = single.search({ vector, text, filter }, 10, mode);
          expect(got.map(key)).toEqual(everything[mode].filter(keeps(filter)).slice(0, 10).map(key));
        }
        const hybrid = single.search({ vector, text, filter }, 10, 'hybrid');
        expect(hybrid.length).toBe(Math.min(10, data.chunks.filter((c) => keeps(filter)(data.files[c.file])).length));
        expect(hybrid.every(keeps(filter))).toBe(true);
      }
      // The Rust chunks (one file in ten) mostly rank below the first ten: a filter of the first results would drop them.
      expect(single.search({ vector, text, filter: { language: 'rust' } }, 10, 'dense')).toHaveLength(10);
    }
    expect(single.search({ vector: unit(rand), text: 'parse', filter: { folder: 'nowhere/' } }, 10, 'hybrid')).toEqual([]);
  });

  test(`above ${EXHAUSTIVE_UP_TO.toLocaleString('en')} kept rows the two-stage path keeps only them; below, the kept rows are scored exactly`, () => {
    const rand = random(6);
    const n = 30_000;
    const vectors = new Int8Array(n * dim);
    const scales = new Float32Array(n);
    for (let i = 0; i < n; i++) scales[i] = quantizeVector(unit(rand), vectors.subarray(i * dim, (i + 1) * dim));
    const scorer = new DenseScorer(vectors, scales, dim);
    const query = unit(rand);
    const all = scorer.scoreAll(query);
    for (const step of [3, 1.2]) {
      const rows = Uint32Array.from(new Set(Array.from({ length: Math.floor(n / step) }, (_, i) => Math.floor(i * step))));
      const kept = new Set(rows);
      const top = denseRanking(scorer, query, rows).top(10);
      const exact = [...rows].sort((a, b) => all[b] - all[a] || a - b).slice(0, 10);
      expect(top.every((r) => kept.has(r.id))).toBe(true);
      expect(top.map((r) => r.score)).toEqual(top.map((r) => all[r.id]));
      // Exact below EXHAUSTIVE_UP_TO rows; the sign-bit shortlist above it finds (nearly) the same ten.
      const agree = top.filter((r) => exact.includes(r.id)).length;
      if (rows.length <= EXHAUSTIVE_UP_TO) expect(top.map((r) => r.id)).toEqual(exact);
      else expect(agree).toBeGreaterThanOrEqual(9);
    }
  });

  test('a split index: every partition probed ranks dense as the one file; one probe goes to the nearest partition holding a kept chunk', async () => {
    const split = await SplitCodeIndex.open('site', fetcher(parts));
    expect(split.filterable).toBe(true);
    const partitions = manifest.partitions.starts.length - 1;
    const rand = random(8);
    for (let q = 0; q < 8; q++) {
      const vector = unit(rand);
      const text = `${WORDS[q]} ${WORDS[q + 3]}`;
      for (const filter of FILTERS) {
        const want = single.search({ vector, text, filter }, 10, 'dense');
        const got = await split.search({ vector, text, filter }, 10, 'dense', { probes: partitions });
        expect(got.map(key)).toEqual(want.map(key));
        for (const mode of ['dense', 'lexical', 'hybrid'] as const) {
          const narrow = await split.search({ vector, text, filter }, 10, mode, { probes: 1 });
          expect(narrow.every(keeps(filter))).toBe(true);
          if (mode !== 'lexical') expect(narrow.length).toBeGreaterThan(0);
        }
      }
    }
    expect([...split.fetched.keys()].filter((name) => name.startsWith('files-'))).toHaveLength(1);
  });

  test('a split layout without its files part searches unfiltered and refuses a filter; a damaged files part is an IndexFileError naming it', async () => {
    const manifestOf = (edit: (m: Record<string, unknown>) => void) => {
      const m = JSON.parse(new TextDecoder().decode(encodeManifest(manifest)));
      edit(m);
      return new Map([...parts, [MANIFEST_NAME, new TextEncoder().encode(JSON.stringify(m))]]);
    };
    const old = await SplitCodeIndex.open('site', fetcher(manifestOf((m) => delete m.files)));
    expect(old.filterable).toBe(false);
    const vector = unit(random(2));
    expect(await old.search({ vector, text: 'parse' }, 5, 'hybrid')).toHaveLength(5);
    await expect(old.search({ vector, text: 'parse', filter: { language: 'rust' } }, 5, 'hybrid')).rejects.toThrow(/site\/manifest.json: this layout was written before search filters/);
    await expect(SplitCodeIndex.open('site', fetcher(manifestOf((m) => (m.files = '../x'))))).rejects.toThrow(/field "files"/);

    const name = [...files.keys()].find((n) => n.startsWith('files-'))!;
    const jsonLength = new DataView(files.get(name)!.buffer, files.get(name)!.byteOffset).getUint32(0, true);
    const damaged = async (edit: (bytes: Uint8Array) => Uint8Array) => {
      const index = await SplitCodeIndex.open('site', fetcher(new Map([...parts, [name, edit(files.get(name)!.slice())]])));
      return index.search({ vector, text: 'parse', filter: { folder: 'src/' } }, 5, 'hybrid');
    };
    await expect(damaged((b) => b.subarray(0, b.byteLength - 2))).rejects.toThrow(new RegExp(`site/${name}: .*truncated`));
    await expect(damaged((b) => (b.fill(0xff, 4 + jsonLength, 8 + jsonLength), b))).rejects.toThrow(new RegExp(`site/${name}: chunk 0's file is 4294967295; there are 90`));
    const listing = (text: string) => {
      const json = new TextEncoder().encode(text);
      const out = new Uint8Array(4 + json.byteLength + data.chunks.length * 4);
      new DataView(out.buffer).setUint32(0, json.byteLength, true);
      out.set(json, 4);
      return out;
    };
    const entries = data.files.map((f) => [f.path, f.language]);
    await expect(damaged(() => listing(JSON.stringify([['../../etc/passwd', 'rust'], ...entries.slice(1)])))).rejects.toThrow(IndexFileError);
    await expect(damaged(() => listing(JSON.stringify([[entries[0][0], 'cobol'], ...entries.slice(1)])))).rejects.toThrow(/file 0 is not \[path, one of the manifest's languages\]/);
    await expect(damaged(() => listing(JSON.stringify(entries.slice(1))))).rejects.toThrow(/must list the manifest's 90 files/);
    await expect(damaged(() => listing('[["src/a.py", '))).rejects.toThrow(new RegExp(`site/${name}: its files are not valid UTF-8 JSON`));
  });
});
