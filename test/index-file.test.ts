/**
 * The search index: its file format (round trip, and the strict reader refusing every kind of damage
 * with the field named), int8 vectors against exact f32 search, BM25 and identifier-aware words, the
 * bounded top-k, hybrid fusion, and merging shards into what one build makes.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IndexFileError, InputError } from '../src/errors';
import { Bm25Index, bm25Postings, collectPostings, idfOf } from '../src/search/bm25';
import { CodeIndex } from '../src/search/code-index';
import { buildIndexData, mergeIndexData, type EmbeddedFile } from '../src/search/index-build';
import { INDEX_FORMAT_VERSION, decodeIndex, encodeIndex, type IndexHeader } from '../src/search/index-file';
import { textsOf, type ChunkTexts } from '../src/search/chunk-texts';
import { lexicalTokens, queryWords } from '../src/search/lexical-tokens';
import { TopK } from '../src/search/top-k';
import { GENERATED_HEADER_LINES, asksForSupportingFiles, isGenerated, supportingFiles } from '../src/search/file-kind';
import { ChunkReading, DATA_MIN_LINES, commentLines, contentKind, type IndexChunks } from '../src/search/chunk-kind';

/** Every chunk text, in order (undefined without texts). */
const textList = (texts: ChunkTexts | undefined) => texts && Array.from({ length: texts.length }, (_, id) => texts.at(id));

/** ChunkReading's answers for every chunk of `data`, read in order or from the last chunk back. */
function everyChunk<T>(data: IndexChunks, read: (reading: ChunkReading, id: number) => T, backwards = false): T[] {
  const reading = new ChunkReading(data);
  const ids = data.chunks.map((_, id) => id);
  const answers = new Map((backwards ? ids.reverse() : ids).map((id) => [id, read(reading, id)]));
  return data.chunks.map((_, id) => answers.get(id)!);
}
const chunkKinds = (data: IndexChunks) => everyChunk(data, (r, id) => r.kindOf(id));
const commentsOpenAt = (data: IndexChunks, backwards = false) => everyChunk(data, (r, id) => r.openAt(id), backwards);
import { FULL_COVERAGE, SUPPORTING_FILE_DEMOTION, fuse } from '../src/search/fusion';
import { shardOf } from '../src/search/indexer';
import { Embedder } from '../src/embedder';
import { fingerprintingSource } from '../src/model/fingerprint';
import { directorySource } from '../src/node/fs-source';
import { modelFingerprint } from '../src/node/model-fingerprint';
import { FIXTURES, checkpointDir } from './helpers/fixtures';
import { exactTopIds } from './helpers/exact-search';
import { random } from './helpers/random';

function unitVectors(count: number, dim: number, rand: () => number): Float32Array {
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const u = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
      out[i * dim + d] = u;
      norm += u * u;
    }
    for (let d = 0; d < dim; d++) out[i * dim + d] /= Math.sqrt(norm);
  }
  return out;
}

const header: IndexHeader = { model: { id: 'test-model', fingerprint: 'sha256:abc' }, dim: 8, chunker: { version: 1, maxLines: 60, mergeLines: 20, overlapLines: 10 } };
const SOURCES: Record<string, string[]> = {
  'src/cache/lru.ts': ['export class LruCache { get(key) {} set(key, value) {} evictLeastRecentlyUsed() {} }'],
  'src/text/reverse.go': ['func ReverseString(s string) string { r := []rune(s); return string(r) }', 'func IsPalindrome(s string) bool { return s == ReverseString(s) }'],
  'lib/date_parse.py': ['def parse_iso_date(text):\n    return datetime.fromisoformat(text)'],
  'README.md': ['# Sample\nA few functions.'],
};

function sampleFiles(): EmbeddedFile[] {
  const rand = random(7);
  return Object.entries(SOURCES).map(([path, texts], i) => ({
    path,
    language: path.split('.').pop()!,
    hash: String(i).padStart(64, 'a'),
    chunks: texts.map((text, j) => ({ startLine: 1 + j * 3, endLine: 2 + j * 3, text })),
    vectors: unitVectors(texts.length, header.dim, rand),
  }));
}

describe('index file', () => {
  test('round trip: decode(encode(data)) gives the same data, files sorted by path', () => {
    const data = buildIndexData(header, sampleFiles(), true);
    const decoded = decodeIndex('x.c2idx', encodeIndex(data));
    expect(decoded.files.map((f) => f.path)).toEqual(['README.md', 'lib/date_parse.py', 'src/cache/lru.ts', 'src/text/reverse.go']);
    expect({ ...decoded, texts: textList(decoded.texts) }).toEqual({ ...data, texts: textList(data.texts) });
    // Read where the file's bytes lie in memory (a view of them, not a copy), or at an odd offset (copied to align them).
    const bytes = encodeIndex(data);
    expect(decodeIndex('x.c2idx', bytes).postingDocs.buffer).toBe(bytes.buffer);
    const odd = new Uint8Array(bytes.byteLength + 1).subarray(1);
    odd.set(bytes);
    const fromOdd = decodeIndex('x.c2idx', odd);
    expect({ ...fromOdd, texts: textList(fromOdd.texts) }).toEqual({ ...data, texts: textList(data.texts) });
    const withoutTexts = decodeIndex('x.c2idx', encodeIndex(buildIndexData(header, sampleFiles(), false)));
    expect(withoutTexts.texts).toBeUndefined();
  });

  const good = encodeIndex(buildIndexData(header, sampleFiles(), true));
  const headerJson = () => JSON.parse(new TextDecoder().decode(good.subarray(16, 16 + new DataView(good.buffer).getUint32(12, true))));
  const withHeader = (edit: (h: Record<string, any>) => void): Uint8Array => {
    const h = headerJson();
    edit(h);
    const oldLength = new DataView(good.buffer).getUint32(12, true);
    let json = JSON.stringify(h);
    json += ' '.repeat(Math.max(0, oldLength - json.length));
    if (json.length !== oldLength) throw new Error('edited header must not grow');
    const out = good.slice();
    out.set(new TextEncoder().encode(json), 16);
    return out;
  };
  const damaged: [string, () => Uint8Array, RegExp][] = [
    ['empty file', () => new Uint8Array(0), /no "C2LLMIDX" magic/],
    ['wrong magic', () => Object.assign(good.slice(), { 0: 0x41 }), /no "C2LLMIDX" magic/],
    ['another version', () => { const b = good.slice(); new DataView(b.buffer).setUint32(8, 3, true); return b; }, /format version 3; this reader reads versions 1 and 2/],
    ['header length past the end', () => { const b = good.slice(); new DataView(b.buffer).setUint32(12, 1 << 30, true); return b; }, /runs past the end of the file/],
    ['header length not aligned', () => { const b = good.slice(); new DataView(b.buffer).setUint32(12, new DataView(b.buffer).getUint32(12, true) - 1, true); return b; }, /multiple of 8/],
    ['truncated by one byte', () => good.slice(0, good.byteLength - 1), /runs past the end of the data|section "texts"/],
    ['a byte too many', () => { const b = new Uint8Array(good.byteLength + 1); b.set(good); return b; }, /1 bytes after the last section/],
    ['wrong vector dtype', () => withHeader((h) => (h.vectorDtype = 'f32 ')), /"vectorDtype"/],
    ['a dim of 0', () => withHeader((h) => (h.dim = 0)), /"dim" must be an integer >= 1/],
    ['chunk count off by one', () => withHeader((h) => (h.counts.chunks += 1)), /section "vectors" is \d+ bytes; the counts make it/],
    ['a section moved', () => withHeader((h) => (h.sections.scales.offset += 8)), /section "scales" starts at/],
    ['sections missing', () => withHeader((h) => delete h.sections.postingFreqs), /"sections" lists/],
    ['model without fingerprint', () => withHeader((h) => delete h.model.fingerprint), /"model" needs string "id" and "fingerprint"/],
  ];
  test.each(damaged)('the reader refuses: %s', (_, bytes, message) => {
    let error: unknown;
    try {
      decodeIndex('bad.c2idx', bytes());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IndexFileError);
    expect((error as Error).message).toMatch(/^bad\.c2idx: /);
    expect((error as Error).message).toMatch(message);
  });

  test('an index written in format version 1 (texts as JSON, by the writer of commit 803d8fe) reads as the data it was made from, and is written again as version 2', () => {
    const { header: fixtureHeader, files } = JSON.parse(readFileSync(join(FIXTURES, 'index-v1/data.json'), 'utf8'));
    const built = buildIndexData(fixtureHeader, files.map((f: EmbeddedFile & { vectors: number[] }) => ({ ...f, vectors: Float32Array.from(f.vectors) })), true);
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'index-v1/index.c2idx')));
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(1);
    const decoded = decodeIndex('v1.c2idx', bytes);
    // Escapes, characters outside ASCII and the BMP, a leading byte-order mark and an empty text.
    expect(textList(decoded.texts)).toEqual(textList(built.texts));
    expect(textList(decoded.texts)).toEqual(expect.arrayContaining(files.flatMap((f: EmbeddedFile) => f.chunks.map((c) => c.text))));
    expect({ ...decoded, texts: undefined }).toEqual({ ...built, texts: undefined });
    const rewritten = encodeIndex(decoded);
    expect(new DataView(rewritten.buffer).getUint32(8, true)).toBe(INDEX_FORMAT_VERSION);
    expect(rewritten).toEqual(encodeIndex(built));
    expect(textList(decodeIndex('v2.c2idx', rewritten).texts)).toEqual(textList(decoded.texts));
  });

  /** An index whose first text is "é" (two bytes), with the bytes of section `name` changed by `edit`. */
  const withSection = (name: string, edit: (section: Uint8Array, view: DataView) => void): Uint8Array => {
    const data = buildIndexData(header, sampleFiles(), true);
    const out = encodeIndex({ ...data, texts: textsOf(textList(data.texts)!.map((t, i) => (i === 0 ? 'é' : t))) });
    const headerLength = new DataView(out.buffer).getUint32(12, true);
    const { offset, length } = JSON.parse(new TextDecoder().decode(out.subarray(16, 16 + headerLength))).sections[name];
    const section = out.subarray(16 + headerLength + offset, 16 + headerLength + offset + length);
    edit(section, new DataView(out.buffer, section.byteOffset, length));
    return out;
  };
  test.each([
    ['a byte that is not UTF-8', () => withSection('texts', (texts) => (texts[4] = 0xff)), /section "texts" is not well-formed UTF-8 at byte 4/],
    ['a character cut short', () => withSection('texts', (texts) => (texts[texts.length - 1] = 0xe2)), /section "texts" is not well-formed UTF-8 at byte/],
    ['a text that begins inside a character', () => withSection('textStarts', (_, view) => view.setUint32(4, 1, true)), /textStarts\[1\] \(1\) is inside a UTF-8 character/],
    ['texts out of order', () => withSection('textStarts', (_, view) => view.setUint32(2 * 4, view.getUint32(3 * 4, true) + 1, true)), /textStarts\[3\] is before textStarts\[2\]/],
    ['starts that end before the texts do', () => withSection('textStarts', (_, view) => view.setUint32(view.byteLength - 4, view.getUint32(view.byteLength - 4, true) - 1, true)), /textStarts must run from 0 to \d+ \(the length of section "texts"\)/],
  ])('the reader refuses chunk texts that are not what textStarts and UTF-8 promise: %s', (_, bytes, message) => {
    expect(() => decodeIndex('texts.c2idx', bytes())).toThrow(message);
  });

  test('chunk texts are kept as written: a text that UTF-8 cannot hold is refused when the index is written, not changed', () => {
    const data = buildIndexData(header, sampleFiles(), true);
    const texts = textList(data.texts)!;
    const written = (list: string[]) => textList(decodeIndex('t.c2idx', encodeIndex({ ...data, texts: textsOf(list) })).texts)!;
    const unusual = ['\ufeffBOM first', '', 'tab\tand \u0000 NUL', '😀 \ud83d\ude00 a pair', 'ÿ € 日本'];
    expect(written(unusual)).toEqual(unusual);
    expect(() => encodeIndex({ ...data, texts: textsOf(texts.map((t, i) => (i === 2 ? `${t}\ud800` : t))) })).toThrow(InputError);
    expect(() => encodeIndex({ ...data, texts: textsOf(texts.map((t, i) => (i === 2 ? `\udc00${t}` : t))) })).toThrow(/chunk text 2 holds a lone UTF-16 surrogate/);
  });

  test('a non-finite scale and unsorted postings are refused', () => {
    const data = buildIndexData(header, sampleFiles(), false);
    const scales = data.scales.slice();
    scales[1] = NaN;
    expect(() => decodeIndex('nan.c2idx', encodeIndex({ ...data, scales }))).toThrow(/scales\[1\] is NaN/);
    const postingDocs = data.postingDocs.slice();
    const t = data.postingStarts.findIndex((start, i) => data.postingStarts[i + 1] - start >= 2);
    [postingDocs[data.postingStarts[t]], postingDocs[data.postingStarts[t] + 1]] = [postingDocs[data.postingStarts[t] + 1], postingDocs[data.postingStarts[t]]];
    expect(() => decodeIndex('order.c2idx', encodeIndex({ ...data, postingDocs }))).toThrow(/chunk ids must be < \d+ and increasing/);
  });

  test('anchors (an HTML page\'s heading ids, `c2llm index --html`) round trip, reach results, merge; an index without them reads as before', () => {
    const files = sampleFiles().map((f) => (f.path === 'README.md' ? { ...f, chunks: f.chunks.map((c) => ({ ...c, anchor: 'sample' })) } : f));
    const htmlHeader = { ...header, chunker: { ...header.chunker, htmlPages: true as const } };
    const data = buildIndexData(htmlHeader, files, true);
    expect(data.anchors).toEqual(['sample', '', '', '', '']);
    const decoded = decodeIndex('a.c2idx', encodeIndex(data));
    expect(decoded.anchors).toEqual(data.anchors);
    expect(decoded.chunker.htmlPages).toBe(true);
    const index = new CodeIndex(decoded);
    expect(index.search({ text: 'sample functions' }, 1, 'lexical')[0]).toMatchObject({ path: 'README.md', anchor: 'sample' });
    expect(index.search({ text: 'palindrome' }, 1, 'lexical')[0].anchor).toBeUndefined();
    const shards = [0, 1, 2].map((i) => ({ name: `s${i}`, data: buildIndexData(htmlHeader, files.filter((f) => shardOf(f.path, 3) === i), true) }));
    expect(encodeIndex(mergeIndexData(shards))).toEqual(encodeIndex(data));
    const plain = decodeIndex('p.c2idx', encodeIndex(buildIndexData(header, sampleFiles(), true)));
    expect(plain.anchors).toBeUndefined();
    expect('htmlPages' in plain.chunker).toBe(false);
    const refused = (edit: Partial<typeof data>) => () => decodeIndex('bad-anchor.c2idx', encodeIndex({ ...data, ...edit }));
    expect(refused({ anchors: ['a b', '', '', '', ''] })).toThrow(/^bad-anchor\.c2idx: anchors\[0\] "a b" is longer than 256 characters or holds whitespace or a control character/);
    expect(refused({ anchors: ['x\u001b[2J', '', '', '', ''] })).toThrow(/anchors\[0\]/);
    expect(refused({ anchors: ['x'.repeat(257), '', '', '', ''] })).toThrow(/anchors\[0\]/);
    expect(refused({ anchors: ['', ''] })).toThrow(/section "anchors" must be an array of 5 strings/);
    expect(refused({ chunker: { ...header.chunker, htmlPages: false as unknown as true } })).toThrow(/"chunker\.htmlPages" must be true when present/);
  });

  // What a hostile index might hold that the format rules out: each is refused, naming the field.
  const data = buildIndexData(header, sampleFiles(), true);
  const withScale = (i: number, value: number) => Object.assign(data.scales.slice(), { [i]: value });
  const withFile = (edit: Partial<{ path: string; hash: string; language: string }>) => ({ ...data, files: data.files.map((f, i) => (i === 1 ? { ...f, ...edit } : f)) });
  const hostile: [string, () => typeof data, RegExp][] = [
    ['a huge scale', () => ({ ...data, scales: withScale(2, 3e38) }), /scales\[2\] is 3\.0\d*e\+38; a unit vector's scale is > 0 and <= 1\/127/],
    ['a zero scale on a non-zero vector', () => ({ ...data, scales: withScale(0, 0) }), /scales\[0\] is 0/],
    ['a scale that makes a vector longer than a unit', () => ({ ...data, scales: withScale(1, data.scales[1] * 1.5) }), /vectors\[1\] has norm 1\.5\d*/],
    ['an int8 value of -128', () => ({ ...data, vectors: Object.assign(data.vectors.slice(), { [header.dim + 5]: -128 }) }), /vectors\[1\] holds -128/],
    ['a hash that is not hex', () => withFile({ hash: 'z'.repeat(64) }), /files\[1\] hash "z+" is not a SHA-256/],
    ['a path with ..', () => withFile({ path: 'lib/../../etc/passwd' }), /files\[1\] path "lib\/\.\.\/\.\.\/etc\/passwd" has an empty, '\.' or '\.\.' part/],
    ['an absolute path', () => withFile({ path: '/etc/passwd' }), /is absolute/],
    ['a drive letter', () => withFile({ path: 'C:/Windows/x.py' }), /is absolute/],
    ['a NUL', () => withFile({ path: 'lib/a\u0000.py' }), /holds a control character/],
    ['a newline', () => withFile({ path: 'lib/a\n.py' }), /holds a control character/],
    ['an ESC', () => withFile({ path: 'lib/\u001b]0;owned\u0007.py' }), /holds a control character/],
    ['a backslash', () => withFile({ path: 'lib\\a.py' }), /holds a backslash/],
    ['a . part', () => withFile({ path: 'lib/./a.py' }), /has an empty, '\.' or '\.\.' part/],
    ['an empty part', () => withFile({ path: 'lib//a.py' }), /has an empty, '\.' or '\.\.' part/],
    ['a lone .', () => withFile({ path: '.' }), /has an empty, '\.' or '\.\.' part/],
  ];
  test.each(hostile)('the reader refuses what the format rules out: %s', (_, make, message) => {
    expect(() => decodeIndex('hostile.c2idx', encodeIndex(make()))).toThrow(message);
  });
});

describe('search', () => {
  // Embeddings have structure: documents gather around topics and a query lies near what it asks for.
  // Here 2,000 chunks around 100 topics, and queries near 50 of the chunks. (On structureless random
  // unit vectors, the worst case, recall@10 is 0.984.)
  test('int8 vectors: recall@10 against exact f32 search >= 0.99 (2,000 chunks around 100 topics, dim 256, 50 queries)', () => {
    const rand = random(1);
    const dim = 256;
    const n = 2000;
    const topics = unitVectors(100, dim, rand);
    const noise = unitVectors(n + 50, dim, rand);
    const near = (center: Float32Array, jitter: Float32Array, amount: number) => {
      const v = center.map((c, d) => c + amount * jitter[d]);
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    const vectors = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) vectors.set(near(topics.subarray((i % 100) * dim, (i % 100 + 1) * dim), noise.subarray(i * dim, (i + 1) * dim), 1.5), i * dim);
    const files: EmbeddedFile[] = Array.from({ length: n / 10 }, (_, f) => ({
      path: `f${String(f).padStart(4, '0')}.ts`,
      language: 'typescript',
      hash: String(f).padStart(64, 'b'),
      chunks: Array.from({ length: 10 }, (_, j) => ({ startLine: j + 1, endLine: j + 1, text: `chunk ${f} ${j}` })),
      vectors: vectors.subarray(f * 10 * dim, (f + 1) * 10 * dim),
    }));
    const index = new CodeIndex(buildIndexData({ ...header, dim }, files, false));
    const queries = new Float32Array(50 * dim);
    for (let q = 0; q < 50; q++) queries.set(near(vectors.subarray(q * 37 * dim, (q * 37 + 1) * dim), noise.subarray((n + q) * dim, (n + q + 1) * dim), 0.7), q * dim);
    let found = 0;
    for (let q = 0; q < 50; q++) {
      const query = queries.subarray(q * dim, (q + 1) * dim);
      const want = new Set([...exactTopIds(vectors, dim, query)].map((id) => `f${String(Math.floor(id / 10)).padStart(4, '0')}.ts:${(id % 10) + 1}`));
      found += index.search({ vector: query }, 10, 'dense').filter((r) => want.has(`${r.path}:${r.startLine}`)).length;
    }
    const recall = found / 500;
    console.log(`int8 recall@10 against f32: ${recall.toFixed(3)}`);
    expect(recall).toBeGreaterThanOrEqual(0.99);
  });

  test('lexical and hybrid find code by the words of its identifiers and path', () => {
    const index = new CodeIndex(buildIndexData(header, sampleFiles(), true));
    expect(index.search({ text: 'evict least recently used' }, 1, 'lexical')[0].path).toBe('src/cache/lru.ts');
    expect(index.search({ text: 'reverse string' }, 1, 'lexical')[0]).toMatchObject({ path: 'src/text/reverse.go', startLine: 1 });
    expect(index.search({ text: 'date parse' }, 4, 'lexical').map((r) => r.path)).toContain('lib/date_parse.py');
    const vector = sampleFiles()[0].vectors.subarray(0, 8);
    expect(index.search({ vector }, 1, 'dense')[0].path).toBe('src/cache/lru.ts');
    expect(index.search({ vector, text: 'reverse string' }, 4, 'hybrid')).toHaveLength(4);
    expect(() => index.search({ text: 'x' }, 1, 'dense')).toThrow(IndexFileError);
    expect(() => index.search({ vector: vector.map((x, d) => (d === 3 ? NaN : x)) }, 1, 'hybrid')).toThrow("the query vector's value 3 is NaN, not a finite number");
    expect(() => index.search({ vector }, 2.5, 'dense')).toThrow('k must be a whole number >= 0, not 2.5');
  });

  test('tests, examples, benchmarks, documents and build files are told from code by their path; a query that names them asks for them', () => {
    const supporting = ['Makefile', 'src/CMakeLists.txt', 'docker/Dockerfile.dev', 'python/BUILD.bazel', 'tools/rules.bzl', 'tests/test_dates.py', 'pkg/router_test.go', 'src/parse.test.ts', 'src/parse.spec.js', 'spec/rack/utils_spec.rb', 'src/main/java/FooTest.java', 'googletest/test/gtest_unittest.cc', '_examples/limits/main.go', 'benches/parse.rs', 'README.md', 'docs/guide.rst', 'Doc/howto.txt', 'src/__tests__/x.js'];
    const code = ['src/parse.rs', 'googletest/src/gtest-death-test.cc', 'lib/rack/utils.rb', 'src/latest.ts', 'contest/solve.go', 'docutils/nodes.py', 'src/testament.py', 'lib/spec_helpers.rb', 'index.html', 'src/build.rs', 'lib/Rakefile'];
    const kinds = supportingFiles([...supporting, ...code]);
    expect(supporting.filter((_, i) => !kinds[i])).toEqual([]);
    expect(code.filter((_, i) => kinds[supporting.length + i])).toEqual([]);
    expect(['the test for parse_hash', 'unit tests of the router', 'a test case with a timeout', 'an example of a nested router', 'README install steps', 'benchmarks of sorting', 'docs', 'the header file of the matcher', 'the makefile target that runs lint', 'which Dockerfile builds the server', 'where is the docker image built', 'cmake option for shared libraries', 'the build file of the python wrapper', 'the generated code for the user message'].filter((q) => !asksForSupportingFiles(q))).toEqual([]);
    expect(['parse a date', 'pick the latest version', 'attest a signature', 'split tests across machines', 'typed test suite error', 'testing a regex', 'parse the Range request header', 'option value does not match its declared type', 'build the query string', 'rebuild the file index', 'where are generated ids assigned'].filter(asksForSupportingFiles)).toEqual([]);
  });

  test(`code a tool wrote says so in a comment within its first ${GENERATED_HEADER_LINES} lines, and all its chunks support the code; without texts none can tell`, () => {
    const generated = [
      '// Code generated by protoc-gen-go. DO NOT EDIT.\n// source: user.proto\n\npackage api',
      '# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n# source: user.proto',
      '/**\n * @generated SignedSource<<1f2e>>\n */\nexport type UserQuery = {};',
      `<?php\n${'\n'.repeat(16)}// this is an autogenerated file - do not edit\nspl_autoload_register(function ($class) {});`,
      '/* Auto-generated by bindgen; do not edit. */\npub const SIZE: u32 = 4;',
    ];
    const written = [
      'func (g *Generator) header() {\n\tg.Printf("// Code generated by stringer; DO NOT EDIT.\\n")\n}', // prints the comment, does not carry it
      '// Ids are generated here; callers must not edit them.\nfunc nextID() int { return 1 }',
      `${'x = 1\n'.repeat(GENERATED_HEADER_LINES)}// Code generated by hand. DO NOT EDIT.`,
      'def generate(): pass  # generated files: do not edit them by hand',
    ];
    expect(generated.filter((text) => !isGenerated(text))).toEqual([]);
    expect(written.filter(isGenerated)).toEqual([]);
    const files = [{ path: 'api/user.pb.go', language: 'go' }, { path: 'api/user.go', language: 'go' }];
    const chunks = [{ file: 0, startLine: 1, endLine: 4 }, { file: 0, startLine: 6, endLine: 9 }, { file: 1, startLine: 1, endLine: 3 }];
    const texts = textsOf([generated[0], 'type User struct {\n\tName string\n}', 'func Load() *User {\n\treturn nil\n}']);
    expect(chunkKinds({ chunks, files, texts })).toEqual(['supporting', 'supporting', undefined]);
    expect(chunkKinds({ chunks, files })).toEqual([undefined, undefined, undefined]);
    // The comment may be in a later chunk of the header (monolog's autoload.php has it at line 18), not past it.
    const later = { files: [files[0]], chunks: [{ file: 0, startLine: 1, endLine: 3 }, { file: 0, startLine: 18, endLine: 20 }], texts: textsOf(['<?php\n\n// Require', '// this is an autogenerated file - do not edit\nfunction load() {}\n']) };
    expect(chunkKinds(later)).toEqual(['supporting', 'supporting']);
    const past = { ...later, chunks: [later.chunks[0], { file: 0, startLine: GENERATED_HEADER_LINES + 1, endLine: GENERATED_HEADER_LINES + 3 }] };
    expect(chunkKinds(past)).not.toContain('supporting');
  });

  test('a C or C++ header supports the source file of its name, wherever that is in the index; a header alone is code', () => {
    const paths = ['include/gmock/gmock-spec-builders.h', 'src/gmock-spec-builders.cc', 're2/prog.h', 're2/prog.cc', 'lib/tree.hpp', 'lib/tree.cpp', 'zlib/deflate.h', 'zlib/deflate.c', 're2/walker-inl.h', 're2/sparse_set.h', 'pkg/util.h', 'pkg/util.go', 'src/gmock-spec-builders.cc.orig'];
    const kinds = supportingFiles(paths);
    expect(paths.filter((_, i) => kinds[i])).toEqual(['include/gmock/gmock-spec-builders.h', 're2/prog.h', 'lib/tree.hpp', 'zlib/deflate.h']);
  });

  test("a site's pages (c2llm index --html) are what is searched: a page under docs/ is not demoted, a test's code still is", () => {
    const files = [
      { path: 'docs/retry.html', language: 'html' },
      { path: 'blog/news.html', language: 'html' },
      { path: 'tests/retry.test.js', language: 'javascript' },
    ];
    const chunks = files.map((_, file) => ({ file, startLine: 1, endLine: 10 }));
    expect(chunkKinds({ chunks, files, chunker: { htmlPages: true } })).toEqual([undefined, undefined, 'supporting']);
    expect(chunkKinds({ chunks, files })).toEqual(['supporting', undefined, 'supporting']); // HTML read as source: docs/ is documentation
  });

  test("a chunk is mostly prose when comments in its language are at least half of its non-blank lines", () => {
    const prose = (text: string, language: string) => contentKind(text, language) === 'prose';
    expect(prose('/**\n * Parses a date.\n */\nfunction parse(s) {\n  return new Date(s);\n}', 'javascript')).toBe(true); // 3 of 6
    expect(prose('/// Docs.\n/// More.\n#[inline]\npub fn f() {}', 'rust')).toBe(true); // 2 of 4
    expect(prose('def f(x):\n    """Return x.\n\n    Twice.\n    """\n    return x  # x\n', 'python')).toBe(true); // 3 of 5
    expect(prose('def f(x):\n    """One line."""\n    return x\n', 'python')).toBe(false); // 1 of 3
    expect(prose('# a\n# b\nputs 1', 'ruby')).toBe(true);
    expect(prose('#include <x.h>\nint f();', 'c')).toBe(false); // a directive, not a comment
    expect(prose('# Title\ntext', 'markdown')).toBe(false); // no comments in Markdown
    expect(prose('-- Sums the orders.\nselect sum(total) from orders;', 'sql')).toBe(true); // 1 of 2
    expect(prose('--x\ny = x', 'python')).toBe(false);
    expect(prose('// a\nf()', 'go')).toBe(true);
    expect(prose('// a\nf()\ng()', 'go')).toBe(false);
  });

  test(`a chunk is mostly data when items of a list or table are at least half of its ${DATA_MIN_LINES} or more lines of code; imports, messages and calls are code`, () => {
    const lines = (n: number, line: (i: number) => string) => Array.from({ length: n }, (_, i) => line(i)).join('\n');
    const builtins = `MYSQL_FUNCTIONS = (\n${lines(12, (i) => `    'abs${i}', 'acos${i}', 'adddate${i}',`)}\n)`;
    expect(contentKind(builtins, 'python')).toBe('data');
    expect(contentKind(`static const unsigned crc[] = {\n${lines(12, (i) => `  0x${i}0, 0x77073096UL, -1, 2.5e-3,`)}\n};`, 'c')).toBe('data');
    expect(contentKind(`module Mime\n  MIME_TYPES = {\n${lines(12, (i) => `    ".ext${i}" => "application/x-${i}",`)}\n  }`, 'ruby')).toBe('data');
    expect(contentKind(`const types = {\n${lines(12, (i) => `  "t${i}": [true, null, "x"],`)}\n}`, 'javascript')).toBe('data');
    // A list in fewer lines of code is part of its code; comments above a list do not make it data.
    expect(contentKind(`RELEASES = [\n${lines(DATA_MIN_LINES - 3, (i) => `  'r${i}',`)}\n]`, 'python')).toBeUndefined();
    expect(contentKind(`RELEASES = [\n${lines(DATA_MIN_LINES - 2, (i) => `  'r${i}',`)}\n]`, 'python')).toBe('data');
    expect(contentKind(`${lines(14, (i) => `// note ${i}`)}\nX = [\n${lines(11, (i) => `  'r${i}',`)}\n]`, 'go')).toBe('prose');
    // Strings alone on their lines (imports, a message's continuation) and calls with literal arguments are code.
    expect(contentKind(`import (\n${lines(12, (i) => `\t"pkg${i}/io"`)}\n)`, 'go')).toBeUndefined();
    expect(contentKind(`FLAG(x,\n${lines(12, (i) => `    "help text line ${i} "`)});`, 'cpp')).toBeUndefined();
    expect(contentKind(`parser.add(\n${lines(12, (i) => `    name='n${i}', default=${i},`)}\n)`, 'python')).toBeUndefined();
    expect(contentKind(lines(12, (i) => `  run("step", ${i}),`), 'javascript')).toBeUndefined();
    // Half of the lines of code make it data; fewer do not.
    const half = (items: number) => lines(12, (i) => (i < items ? `  "w${i}",` : `  w${i} := f(${i})`));
    expect(contentKind(half(6), 'go')).toBe('data');
    expect(contentKind(half(5), 'go')).toBeUndefined();
    // A hostile index's texts: quotes left open on long lines are read once (a pattern tried from each quote took 25 s here).
    const started = performance.now();
    expect(contentKind(lines(60, () => "'\\".repeat(16_000)), 'python')).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('a Python chunk that begins inside a docstring is read from the chunk before it, not as its text alone would be', () => {
    const file = ['def parse(text):', '    """Parse a date.', '', '    Accepts ISO 8601 and the', '    forms that email headers use.', '    """', '    value = text.strip()', '    return value'];
    // Lines 1-5, then 4-8 (overlapping), then a second file's chunk that begins at its own line 1.
    const data = {
      files: [{ path: 'parse.py', language: 'python' }, { path: 'other.py', language: 'python' }],
      chunks: [{ file: 0, startLine: 4, endLine: 8 }, { file: 0, startLine: 1, endLine: 5 }, { file: 1, startLine: 1, endLine: 3 }],
      texts: textsOf([file.slice(3, 8).join('\n'), file.slice(0, 5).join('\n'), '"""\nx = 1\n"""']),
    };
    const open = commentsOpenAt(data);
    expect(open).toEqual(['"""', undefined, undefined]);
    // Asked for out of order (as a query asks for its candidates), each chunk reads the same.
    expect(commentsOpenAt(data, true)).toEqual(open);
    // Read alone, the second chunk is code, then a docstring over the code; known to begin inside one, it is prose then code.
    expect(commentLines(data.texts.at(0), 'python')).toEqual([false, false, true, true, true]);
    expect(commentLines(data.texts.at(0), 'python', open[0])).toEqual([true, true, true, false, false]);
    expect(contentKind(data.texts.at(0), 'python')).toBe('prose');
    expect(contentKind(data.texts.at(0), 'python', open[0])).toBe('prose');
  });

  test("a block comment's lines are comments whether or not each begins with a star, and a chunk that begins inside one is read from the chunk before it", () => {
    // Go's package documentation, one /* */ block without stars (gorilla/mux's doc.go), then code.
    const file = ['/*', 'Package mux implements a request router.', '', '\tr := mux.NewRouter()', '\tr.HandleFunc("/", HomeHandler)', '*/', 'package mux', '', 'var ErrNotFound = errors.New("no route")'];
    expect(commentLines(file.join('\n'), 'go')).toEqual([true, true, undefined, true, true, true, false, undefined, false]);
    expect(commentLines('/* one line */\nx := 1\n/** JSDoc\n * more\n */\nf()', 'javascript')).toEqual([true, false, true, true, true, false]);
    // A glob in code is not a comment; a line that begins with * is a comment only after /* or with a space, as before.
    expect(commentLines('const glob = "src/**/*.ts";\n*ptr = 0;', 'javascript')).toEqual([false, false]);
    // Where there are no such block comments, /* is not one (Python, Ruby); other languages' blocks are.
    expect(commentLines('/*\nx = 1', 'python')).toEqual([false, false]);
    expect(commentLines('/*\nx = 1', 'ruby')).toEqual([false, false]);
    expect(commentLines('=begin\nParses x.\n=end\nx = 1', 'ruby')).toEqual([true, true, true, false]);
    expect(commentLines('--[[\nParses x.\n]]\nlocal x = 1', 'lua')).toEqual([true, true, true, false]);
    expect(commentLines('{-\nParses x.\n-}\nx = 1', 'haskell')).toEqual([true, true, true, false]);
    expect(commentLines('/*\nTotals by day.\n*/\nselect 1;', 'sql')).toEqual([true, true, true, false]);
    expect(commentLines('<#\n.SYNOPSIS\nGets x.\n#>\n# and\n$x = 1', 'powershell')).toEqual([true, true, true, true, true, false]);
    expect(commentLines('# a bucket\n// for logs\n/* kept\n30 days */\nbucket = "logs"', 'hcl')).toEqual([true, true, true, true, false]);
    expect(commentLines('# Parses x.\nsub parse { }', 'perl')).toEqual([true, false]);
    // Perl's POD runs from a line that begins with = and a word to =cut; a statement's = on a line of its own, indented, is code.
    expect(commentLines('my $x\n  = 1;\n\n=head1 NAME\n\nFoo - bar\n\n=cut\n\nsub g { }\n=cut', 'perl')).toEqual([false, false, undefined, true, undefined, true, undefined, true, undefined, false, false]);
    const pod = ['sub f { 1 }', '=head1 NAME', 'Foo - bar', '', 'Parses dates.', 'More prose.', '=cut', 'sub g { 2 }'];
    const perl = { files: [{ path: 'lib/Foo.pm', language: 'perl' }], chunks: [{ file: 0, startLine: 1, endLine: 3 }, { file: 0, startLine: 5, endLine: 8 }], texts: textsOf([pod.slice(0, 3).join('\n'), pod.slice(4).join('\n')]) };
    expect(commentsOpenAt(perl)).toEqual([undefined, '=cut']);
    expect(commentLines('# Build the image.\nRUN make', 'dockerfile')).toEqual([true, false]);
    const data = {
      files: [{ path: 'mux/doc.go', language: 'go' }],
      // Lines 1-2, then 4-9: the blank line 3 between them is in neither.
      chunks: [{ file: 0, startLine: 1, endLine: 2 }, { file: 0, startLine: 4, endLine: 9 }],
      texts: textsOf([file.slice(0, 2).join('\n'), file.slice(3, 9).join('\n')]),
    };
    const open = commentsOpenAt(data);
    expect(open).toEqual([undefined, '*/']);
    expect(commentsOpenAt(data, true)).toEqual(open);
    expect(commentLines(data.texts.at(1), 'go', open[1])).toEqual([true, true, true, false, undefined, false]);
    expect(contentKind(data.texts.at(1), 'go')).toBeUndefined();
    expect(contentKind(data.texts.at(1), 'go', open[1])).toBe('prose');
  });

  /**
   * An index of `files` (path, text, how far its vector lies from the query's topic) among 40 unrelated Go
   * files, and the first three paths a query over that topic gets in a mode.
   */
  function topicIndex(seed: number, files: readonly [path: string, text: string, spread: number][]) {
    const rand = random(seed);
    const dim = 16;
    const topic = unitVectors(1, dim, rand);
    const near = (spread: number) => {
      const v = topic.map((x) => x + spread * (rand() - 0.5));
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    const file = (path: string, text: string, vector: Float32Array, f: number): EmbeddedFile => ({ path, language: 'go', hash: String(f).padStart(64, 'd'), chunks: [{ startLine: 1, endLine: 9, text }], vectors: vector });
    const all = [
      ...files.map(([path, text, spread], f) => file(path, text, near(spread), f)),
      ...Array.from({ length: 40 }, (_, f) => file(`other/m${f}.go`, `func M${f}() { stream buffer token }`, unitVectors(1, dim, rand), files.length + f)),
    ];
    const indexes = [false, true].map((texts) => new CodeIndex(buildIndexData({ ...header, dim }, all, texts)));
    return (text: string, mode: 'hybrid' | 'dense' | 'lexical', texts = true) => indexes[Number(texts)].search({ vector: topic, text }, 3, mode).map((r) => r.path);
  }

  test(`hybrid lists code before its tests and documents (${SUPPORTING_FILE_DEMOTION} standard deviations), unless the query names them; dense and lexical stay each side's own ranking`, () => {
    // The test restates the code's words and sits nearer the query than the code does.
    const first = topicIndex(4, [
      ['retry/backoff.go', 'func Retry(attempts int) error { sleep backoff }', 0.3],
      ['retry/backoff_test.go', 'func TestRetry(t *testing.T) { Retry(3) retry backoff attempts }', 0.05],
      ['README.md', '# Retry with backoff: retry, backoff', 0.1],
    ]);
    expect(first('retry with backoff', 'hybrid')[0]).toBe('retry/backoff.go');
    expect(first('retry with backoff', 'dense')[0]).toBe('retry/backoff_test.go');
    expect(first('retry with backoff', 'lexical')[0]).not.toBe('retry/backoff.go');
    expect(first('the test for retry with backoff', 'hybrid')[0]).not.toBe('retry/backoff.go');
  });

  test('hybrid lists code before a chunk of code that is mostly comments unless that stands out; an index without texts cannot tell them', () => {
    // The builder's documentation restates the query and sits nearer it than the parser that does the work.
    const files: [string, string, number][] = [
      ['src/parser.rs', 'fn value_from_environment(arg: &Arg) -> Option<String> {\n    std::env::var(arg.env_name()).ok()\n}', 0.3],
      ['src/arg.rs', '/// Read the value from an environment variable\n/// when the option is not passed.\n/// Falls back to the default.\npub fn env(self, name: &str) -> Self {\n    self.with_env(name)\n}', 0.05],
    ];
    const first = topicIndex(7, files);
    expect(first('value from an environment variable', 'hybrid')[0]).toBe('src/parser.rs');
    expect(first('value from an environment variable', 'dense')[0]).toBe('src/arg.rs');
    expect(first('value from an environment variable', 'hybrid', false)[0]).toBe('src/arg.rs');
  });

  test('hybrid lists code before a chunk of code that is mostly data unless that stands out; an index without texts cannot tell them', () => {
    // A table of a language's builtins holds the query's words and sits nearer it than the function that does the work.
    const table = `var builtins = []string{\n\t"find", "lexer", "file", "name",\n\t"lexer", "file",\n\t"find", "add",\n${Array.from({ length: 9 }, (_, i) => `\t"abs${i}", "acos${i}", "add${i}",`).join('\n')}\n}`;
    const first = topicIndex(9, [
      ['lexers/lookup.go', 'func ByName(path string) Lexer {\n\tfor _, l := range all {\n\t\tif l.Matches(path) {\n\t\t\treturn l\n\t\t}\n\t}\n\treturn nil\n}', 0.3],
      ['lexers/builtins.go', table, 0.05],
    ]);
    expect(first('find a lexer by file name', 'hybrid')[0]).toBe('lexers/lookup.go');
    expect(first('find a lexer by file name', 'dense')[0]).toBe('lexers/builtins.go');
    expect(first('find a lexer by file name', 'hybrid', false)[0]).toBe('lexers/builtins.go');
  });

  test('hybrid lists a C++ source file before the header that declares it, unless the query asks for the header file', () => {
    // The header's declaration and comment restate the query and sit nearer it than the definition does.
    const first = topicIndex(6, [
      ['src/backoff.cc', 'int Retry(int attempts) { sleep(delay); delay *= 2; }', 0.3],
      ['include/backoff.h', '// Retries with exponential backoff: retry attempts\nint Retry(int attempts);', 0.05],
    ]);
    expect(first('retry with backoff', 'hybrid')[0]).toBe('src/backoff.cc');
    expect(first('retry with backoff', 'dense')[0]).toBe('include/backoff.h');
    expect(first('the header file for retry with backoff', 'hybrid')[0]).toBe('include/backoff.h');
  });

  test('hybrid lists the definition of a symbol the query names before the code that calls it; dense and lexical stay each side\'s own ranking', () => {
    // The caller repeats the name and sits nearer the query; the definition names it once.
    const files: [string, string, number][] = [
      ['src/url.go', 'func (u *URL) SplitHost(s string) (string, string) {\n\treturn cut(s, ":")\n}', 0.3],
      ['src/server.go', 'func serve(addr string) {\n\thost, port := u.SplitHost(addr)\n\tlog(u.SplitHost(addr))\n\tlisten(host, port)\n}', 0.05],
    ];
    const first = topicIndex(8, files);
    for (const query of ['SplitHost', 'URL.SplitHost', 'url.SplitHost()']) expect(first(query, 'hybrid')[0]).toBe('src/url.go');
    expect(first('SplitHost', 'lexical')[0]).toBe('src/server.go');
    expect(first('SplitHost', 'dense')[0]).toBe('src/server.go');
    expect(first('SplitHost', 'hybrid', false)[0]).toBe('src/server.go'); // without texts no chunk is known to define it
    expect(first('split host', 'hybrid')[0]).toBe('src/server.go'); // words, not a name: no definition is looked for
  });

  test(`the lexical side counts in full once its best match holds ${FULL_COVERAGE} of the query's words, less below, nothing at none`, () => {
    // Dense ranks 0..9 in order; BM25 ranks them the other way round.
    const ids = Array.from({ length: 10 }, (_, i) => i);
    const fused = (coverage: number) =>
      fuse(
        {
          dense: ids.map((id) => ({ id, score: 1 - id / 10 })),
          lexical: [...ids].reverse().map((id) => ({ id, score: 1 + id })),
          denseScores: (wanted) => wanted.map((id) => 1 - id / 10),
          lexicalScore: (id) => 1 + id,
          lexicalCoverage: () => coverage,
        },
        3,
        2,
      ).map((s) => s.id);
    expect(fused(0)).toEqual([0, 1, 2]);
    expect(fused(FULL_COVERAGE)).toEqual([9, 8, 7]);
    expect(fused(1)).toEqual(fused(FULL_COVERAGE));
    // At a quarter of the full weight (0.5 against dense's 1), dense still leads.
    expect(fused(FULL_COVERAGE / 4)).toEqual([0, 1, 2]);
  });

  test('hybrid: the first ten results are the same whatever k is, and scores never rise down the list', () => {
    const rand = random(5);
    const dim = 64;
    const words = ['parse', 'date', 'cache', 'evict', 'retry', 'backoff', 'socket', 'buffer', 'token', 'stream', 'hash', 'sort'];
    const files: EmbeddedFile[] = Array.from({ length: 300 }, (_, f) => ({
      path: `m${String(f).padStart(3, '0')}.ts`,
      language: 'typescript',
      hash: String(f).padStart(64, 'c'),
      chunks: Array.from({ length: 4 }, (_, j) => ({ startLine: j * 5 + 1, endLine: j * 5 + 4, text: Array.from({ length: 6 }, () => words[Math.floor(rand() * words.length)]).join(' ') })),
      vectors: unitVectors(4, dim, rand),
    }));
    const index = new CodeIndex(buildIndexData({ ...header, dim }, files, false));
    const vector = unitVectors(1, dim, rand);
    const top = (k: number) => index.search({ vector, text: 'retry with backoff' }, k, 'hybrid');
    const first = top(10).map((r) => `${r.path}:${r.startLine}`);
    for (const k of [11, 50, 150, 600, 1200]) {
      const results = top(k);
      expect(results.slice(0, 10).map((r) => `${r.path}:${r.startLine}`), `k = ${k}`).toEqual(first);
      expect(results.every((r, i) => i === 0 || r.score <= results[i - 1].score), `k = ${k}`).toBe(true);
    }
    expect(top(1200).length).toBeGreaterThan(200);
  });

  test('identifier-aware words: camelCase, snake_case, acronyms, paths, plural s', () => {
    expect(lexicalTokens('parseHTTPHeader')).toEqual(['parsehttpheader', 'parse', 'http', 'header']);
    expect(lexicalTokens('read_file_lines')).toEqual(['readfileline', 'read', 'file', 'line']);
    expect(lexicalTokens('src/search/bm25.ts')).toEqual(['src', 'search', 'bm25', 'bm', '25', 'ts']);
    expect(lexicalTokens('Returns the values')).toEqual(['return', 'the', 'value']);
  });

  test('BM25 ranks the document with the rarer matching word first and scores only matching documents', () => {
    const bm25 = Bm25Index.build(['alpha beta', 'alpha gamma', 'alpha alpha', 'delta']);
    expect(Array.from(bm25.match('gamma').scores).map((s, id) => (s > 0 ? id : -1)).filter((id) => id >= 0)).toEqual([1]);
    expect(bm25.search('alpha gamma', 2).map((r) => r.id)).toEqual([1, 2]);
    expect(Bm25Index.fromFlat(bm25.toFlat()).search('alpha gamma', 2)).toEqual(bm25.search('alpha gamma', 2));
  });

  test('postings given in any order come out with terms sorted and each term\'s documents increasing, as BM25 counts them', () => {
    const documents = ['alpha beta beta', 'gamma alpha', 'beta', 'alpha'];
    const counted = bm25Postings(documents);
    expect(counted.terms).toEqual(['alpha', 'beta', 'gamma']);
    expect(Array.from(counted.postingStarts)).toEqual([0, 3, 5, 6]);
    expect(Array.from(counted.postingDocs)).toEqual([0, 1, 3, 0, 2, 1]);
    expect(Array.from(counted.postingFreqs)).toEqual([1, 1, 1, 2, 1, 1]);
    expect(Array.from(counted.chunkLengths)).toEqual([3, 2, 1, 1]);
    const scrambled = collectPostings((add) => {
      add('gamma', 1, 1);
      add('beta', 2, 1);
      add('alpha', 3, 1);
      add('alpha', 0, 1);
      add('beta', 0, 2);
      add('alpha', 1, 1);
    });
    expect(scrambled).toEqual({ terms: counted.terms, postingStarts: counted.postingStarts, postingDocs: counted.postingDocs, postingFreqs: counted.postingFreqs });
  });

  test('a query is matched by its words less English function words, unless nothing else is left', () => {
    expect(queryWords('Returns the value of this flag')).toEqual(['return', 'value', 'flag']);
    expect(queryWords('is it')).toEqual(['is', 'it']);
    const bm25 = Bm25Index.build(['// the', 'parse flag', 'isEmpty']);
    expect(bm25.search('parse the flag', 3).map((r) => r.id)).toEqual([1]);
    expect(bm25.search('is it', 3).map((r) => r.id)).toEqual([2]);
  });

  test("BM25's coverage: the share of the query's idf that a document holds, a word no document holds weighing the most", () => {
    const bm25 = Bm25Index.build(['alpha beta', 'alpha gamma', 'alpha alpha', 'delta']);
    const idf = (df: number) => idfOf(4, df);
    const { coverage } = bm25.match('alpha gamma omega');
    const total = idf(3) + idf(1) + idf(0);
    expect(coverage(1)).toBeCloseTo((idf(3) + idf(1)) / total, 6);
    expect(coverage(2)).toBeCloseTo(idf(3) / total, 6);
    expect(coverage(3)).toBe(0);
    expect(bm25.match('alpha gamma').coverage(1)).toBeCloseTo(1, 6);
  });

  test('TopK keeps the k best of a stream, best first, ties in arrival order', () => {
    const rand = random(3);
    const scores = Array.from({ length: 1000 }, () => Math.floor(rand() * 50));
    const top = new TopK(7);
    scores.forEach((s, i) => top.push(i, s));
    const expected = scores.map((score, id) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id).slice(0, 7);
    expect(top.sorted()).toEqual(expected);
  });
});

describe('model fingerprint', () => {
  test('the files a browser digests as it loads give the fingerprint Node streams from disk; another checkpoint another one', async () => {
    const dir = checkpointDir('qwen-vocab-bf16');
    const fingerprinting = fingerprintingSource(directorySource(dir));
    (await Embedder.load(fingerprinting.source, { device: 'reference' })).dispose();
    const streamed = await modelFingerprint(dir);
    expect(streamed).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await fingerprinting.fingerprint()).toBe(streamed);
    expect(await modelFingerprint(checkpointDir('tiny-f32-gqa1'))).not.toBe(streamed);
  });
});

describe('merge', () => {
  test('shards partitioned by path hash merge into exactly the bytes of a single build', () => {
    const files = sampleFiles();
    const single = encodeIndex(buildIndexData(header, files, true));
    const shards = [0, 1, 2].map((i) => ({ name: `s${i}`, data: buildIndexData(header, files.filter((f) => shardOf(f.path, 3) === i), true) }));
    expect(shards.filter((s) => s.data.files.length > 0).length).toBeGreaterThan(1);
    expect(encodeIndex(mergeIndexData(shards))).toEqual(single);
  });

  test('indexes of another model, or with a file twice, are refused', () => {
    const files = sampleFiles();
    const a = buildIndexData(header, files.slice(0, 2), true);
    const b = buildIndexData({ ...header, model: { id: 'other', fingerprint: 'sha256:def' } }, files.slice(2), true);
    expect(() => mergeIndexData([{ name: 'a', data: a }, { name: 'b', data: b }])).toThrow(/b: cannot be merged with a: model other/);
    expect(() => mergeIndexData([{ name: 'a', data: a }, { name: 'a2', data: a }])).toThrow(/is also in a: shards must not overlap/);
  });
});
