/**
 * The split index layout: the same index as one `.c2idx` file (index-file.ts), cut into small files so
 * that a static site's visitor fetches only what a query needs (split-code-index.ts searches it). A
 * folder holding:
 *
 *   manifest.json      fetched first: the header fields of index-file.ts (model, dim, chunker, counts,
 *                      hasTexts) and {format: "c2llm-split-index", version: 2, languages, averageLength,
 *                      centroids: hash, partitions: {starts, dataFrom, proseFrom, supportingFrom, hashes, probes}, terms: {firsts, hashes},
 *                      records: {perShard, hash}}; each `hashes` is the files' 8-hex content hashes
 *                      concatenated, in file order
 *   centroids-H.bin    the partitions' centroids, a vector block, then f32 [partitions]: each
 *                      partition's cohesion (the norm of its vectors' mean, so that cohesion x the
 *                      query's score with the centroid is the partition's mean score)
 *   p<i>-H.bin         partition i (k-means over the chunk vectors, kmeans.ts): a vector block of chunks
 *                      starts[i] .. starts[i + 1] - 1. Chunks are numbered partition by partition here
 *                      (not as in the one file), so that a chunk's partition is known from its id; in
 *                      each, the chunks of tests, examples, documents and headers of a source file
 *                      (file-kind.ts) come last, from supportingFrom[i], and before them, from
 *                      proseFrom[i], its chunks of code that are mostly comments, and before those, from
 *                      dataFrom[i], its chunks of code that are mostly data (chunk-kind.ts; both known
 *                      only from the texts, absent without them); fields added within version 2: a
 *                      reader takes a manifest without one as having none of those chunks
 *   v<i>-H.bin         chunks [i * VECTOR_SLICE_ROWS, (i + 1) * VECTOR_SLICE_ROWS) as a vector block: the
 *                      same vectors as the partitions, in small slices, so that a chunk that comes in by
 *                      its words gets its exact dense score without its whole partition; one hash H for
 *                      all slices (manifest field vectorSlices)
 *   t<i>-H.bin         term shard i: the terms from firsts[i] up to firsts[i + 1] (sorted, cut every
 *                      TERM_SHARD_BYTES or so): u32 JSON length, JSON [[term, postings], ...], then for
 *                      each term its chunk ids as LEB128 gaps and one u8 BM25 weight per posting; a term
 *                      in so many chunks that a bitmap of all chunks is smaller than its gaps ([term,
 *                      postings, 1], version 2) stores that bitmap instead (bit c of byte c >> 3: chunk c),
 *                      then its weights
 *   r<i>-H.json        chunks [i * perShard, (i + 1) * perShard): [{path, language, startLine, endLine, text?,
 *                      anchor?, openComment?}] (anchor: an HTML page's heading id, index-file.ts's rules,
 *                      never empty; openComment: how the comment the chunk's text begins inside ends,
 *                      chunk-kind.ts COMMENT_ENDS, added within version 2: a record without it begins
 *                      outside any); one hash H for all record files (their count would make per-file
 *                      hashes the largest part of the manifest)
 *   files-H.bin        the files and each chunk's file, for a search filtered by language or folder
 *                      (search-filter.ts; fetched with the first such query): u32 JSON length, JSON
 *                      [[path, language], ...] (the files, in the one file's order), then u32 [chunks]:
 *                      each chunk's place in that list, in this layout's chunk order; manifest field
 *                      "files" (its hash), added within version 2: a layout without it cannot filter
 *   w<i>-H.bin         the words of the index a misspelt query word may be corrected to
 *                      (query-correction.ts isCorrectionTarget) that begin with letter i of the
 *                      manifest's words.letters (the letters that begin any, in order), fetched for a
 *                      query word of that letter that is no word of the index: u32 JSON length, JSON
 *                      [[word, chunks], ...] sorted; one hash H for all (manifest field "words":
 *                      {letters, hash}), added within version 2: a layout without it corrects no word
 *
 * A vector block: u32 rows, f32 scales [rows], i8 values [rows, dim] (as index-file.ts's vectors: int8
 * in [-127, 127], each row a unit vector within 2%). A posting's BM25 weight is its term-frequency
 * part, tf (k1 + 1) / (tf + k1 (1 - b + b len / averageLength)), stored as round(255 w / (k1 + 1)),
 * at least 1: a query's score is the sum of idf x weight over its terms, as bm25.ts scores, within 0.5%.
 * Every name carries a hash of its content, so that each file can be cached forever; the manifest is
 * the one file to revalidate. Nothing read is trusted: every part is checked as it arrives, and any
 * failure is an IndexFileError naming the file and the field.
 */
import { IndexFileError } from '../errors';
import { BM25_B, BM25_K1 } from './bm25';
import { bytesOf } from '../tensor/tensor-values';
import { floatVectors, quantizeVector } from './index-build';
import type { IndexData, IndexHeader } from './index-file';
import { anchorProblem, checkUnitVectors, languagesOf, readIndexHeader } from './index-file';
import { ChunkReading, COMMENT_ENDS } from './chunk-kind';
import { indexPathProblem } from './index-trust';
import { kmeans } from './kmeans';
import { CONTROL } from '../text/control-characters';
import { isCorrectionTarget } from './query-correction';

export const SPLIT_FORMAT = 'c2llm-split-index';
export const SPLIT_FORMAT_VERSION = 2;
/** Versions this reader reads: 1 has no bitmap terms. */
const READABLE_VERSIONS = [1, 2];
export const MANIFEST_NAME = 'manifest.json';
/** Chunk records (with texts) per record file: a page of results fetches at most this many files' worth. */
export const RECORDS_PER_SHARD = 4;
/** A term shard is closed once it holds about this many bytes of postings. */
export const TERM_SHARD_BYTES = 8 * 1024;
/**
 * Chunks per vector slice file: a lexical candidate's exact vector costs its slice (2 KiB at dim 256); 8
 * rather than 16 halved what the first query fetches of slices at 127k chunks (bench:split).
 */
export const VECTOR_SLICE_ROWS = 8;
/** Partitions probed per query unless the caller says otherwise (chosen by `npm run bench:split`). */
export const DEFAULT_PROBES = 4;
const HASH_HEX = 8;

export interface SplitManifest extends IndexHeader {
  /** The layout's version (SPLIT_FORMAT_VERSION when written; a reader also reads version 1). */
  readonly version: number;
  readonly counts: { readonly files: number; readonly chunks: number; readonly terms: number };
  readonly hasTexts: boolean;
  readonly languages: readonly string[];
  readonly averageLength: number;
  readonly centroids: string;
  /**
   * supportingFrom[i]: the first of partition i's chunks from a test, example, document or header of a source file (file-kind.ts;
   * they follow its code), its end where it has none; absent in a layout written before it (none then).
   * proseFrom[i]: the first of partition i's chunks of code that are mostly comments (chunk-kind.ts; they follow the
   * other code and precede the supporting chunks); absent without texts, or in a layout written before it (none then).
   * dataFrom[i]: the first of partition i's chunks of code that are mostly data (chunk-kind.ts; they follow the other
   * code and precede those of comments); absent without texts, or in a layout written before it (none then).
   */
  readonly partitions: {
    readonly starts: readonly number[];
    readonly dataFrom?: readonly number[];
    readonly proseFrom?: readonly number[];
    readonly supportingFrom?: readonly number[];
    readonly hashes: string;
    readonly probes: number;
  };
  readonly terms: { readonly firsts: readonly string[]; readonly hashes: string };
  readonly records: { readonly perShard: number; readonly hash: string };
  readonly vectorSlices: { readonly rows: number; readonly hash: string };
  /** The files part's hash; absent in a layout written before it (which cannot filter). */
  readonly files?: string;
  /** The words parts' letters and hash; absent in a layout written before them (which corrects no word). */
  readonly words?: { readonly letters: string; readonly hash: string };
}

/** A file as a filter sees it. */
export interface ChunkFile {
  readonly path: string;
  readonly language: string;
}

/** One chunk as a result shows it. */
export interface ChunkView {
  readonly path: string;
  readonly language: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly text?: string;
  readonly anchor?: string;
  /** How the comment the chunk's text begins inside ends, when it does (chunk-kind.ts ChunkReading). */
  readonly openComment?: string;
}

export interface VectorBlock {
  readonly rows: number;
  readonly scales: Float32Array;
  readonly values: Int8Array;
}

export interface Centroids extends VectorBlock {
  readonly cohesion: Float32Array;
}

/** A term's postings: chunk ids and their BM25 weights (bm25Weight's, quantized). */
export interface TermPostings {
  readonly docs: Uint32Array;
  readonly weights: Uint8Array;
}

// File names, from the manifest's hashes.
const hashAt = (hashes: string, i: number) => hashes.slice(i * HASH_HEX, (i + 1) * HASH_HEX);
export const centroidsName = (m: SplitManifest) => `centroids-${m.centroids}.bin`;
export const partitionName = (m: SplitManifest, i: number) => `p${i}-${hashAt(m.partitions.hashes, i)}.bin`;
export const termShardName = (m: SplitManifest, i: number) => `t${i}-${hashAt(m.terms.hashes, i)}.bin`;
export const recordShardName = (m: SplitManifest, i: number) => `r${i}-${m.records.hash}.json`;
export const vectorSliceName = (m: SplitManifest, i: number) => `v${i}-${m.vectorSlices.hash}.bin`;
export const filesName = (hash: string) => `files-${hash}.bin`;
/** Any part's name but the manifest's: what a folder's rewrite removes when the new manifest names it no more. */
export const PART_NAME = /^(?:centroids|files|[ptrvw]\d+)-[0-9a-f]{8}\.(?:bin|json)$/;
export const wordsName = (words: NonNullable<SplitManifest['words']>, letter: string) => `w${words.letters.indexOf(letter)}-${words.hash}.bin`;

/** A quick content hash for file names (FNV-1a, 32 bits): it busts caches; the content itself is checked on read. */
function contentHash(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0).toString(16).padStart(HASH_HEX, '0');
}

/** BM25's term-frequency part (bm25.ts's constants) as the byte a posting stores. */
export function quantizedWeight(tf: number, length: number, averageLength: number): number {
  const w = (tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * length) / averageLength));
  return Math.max(1, Math.round((255 * w) / (BM25_K1 + 1)));
}
export const weightOf = (byte: number) => (byte * (BM25_K1 + 1)) / 255;

const utf8 = new TextEncoder();

/** A vector block's bytes: u32 rows, f32 scales, i8 values. */
function encodeBlock(scales: Float32Array, values: Int8Array): Uint8Array {
  return concat([bytesOf(Uint32Array.of(scales.length)), bytesOf(scales), bytesOf(values)]);
}

/** A part that starts with JSON: u32 its length, its UTF-8, then `rest`. */
function jsonPart(value: unknown, rest: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = utf8.encode(JSON.stringify(value));
  return concat([bytesOf(Uint32Array.of(json.byteLength)), json, rest]);
}

/** `items` cut into runs of `size`, in order. */
function runsOf<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** `values` pushed onto `out` one by one (a spread of a common word's postings at 1M chunks would pass more arguments than a call takes). */
function append(out: number[], values: Iterable<number>): void {
  for (const v of values) out.push(v);
}

function leb128(values: Iterable<number>, out: number[]): void {
  for (let v of values) {
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.push(v);
  }
}

/** Partitions for `rows` chunks: about the square root of the count, so centroids and one partition weigh alike. */
export const partitionCount = (rows: number) => Math.max(1, Math.min(rows, Math.round(Math.sqrt(rows))));

/** The split layout of an index: the manifest and every other file by name. */
export function splitIndex(data: IndexData): { manifest: SplitManifest; files: Map<string, Uint8Array> } {
  const { dim } = data;
  const n = data.chunks.length;
  const files = new Map<string, Uint8Array>();
  const add = (prefix: string, suffix: string, bytes: Uint8Array): string => {
    const hash = contentHash(bytes);
    files.set(`${prefix}-${hash}${suffix}`, bytes);
    return hash;
  };
  /** Files under one hash of all their contents, `${prefix}${i}-${hash}${suffix}`. */
  const addGroup = (prefix: string, suffix: string, group: readonly Uint8Array[]): string => {
    const hash = contentHash(concat(group));
    group.forEach((bytes, i) => files.set(`${prefix}${i}-${hash}${suffix}`, bytes));
    return hash;
  };
  /** The vector block of chunks `ids` (the one file's ids). */
  const blockOf = (ids: readonly number[]): Uint8Array => {
    const values = new Int8Array(ids.length * dim);
    ids.forEach((id, r) => values.set(data.vectors.subarray(id * dim, (id + 1) * dim), r * dim));
    return encodeBlock(Float32Array.from(ids, (id) => data.scales[id]), values);
  };

  // Dense: k-means partitions of the chunk vectors (as f32), the centroids in int8 like the vectors.
  const f32 = floatVectors(data);
  const count = n === 0 ? 0 : partitionCount(n);
  const { centroids, assignment } = count ? kmeans(f32, dim, count) : { centroids: new Float32Array(0), assignment: new Uint32Array(0) };
  const centroidValues = new Int8Array(count * dim);
  const centroidScales = Float32Array.from({ length: count }, (_, c) => quantizeVector(centroids.subarray(c * dim, (c + 1) * dim), centroidValues.subarray(c * dim, (c + 1) * dim)));
  const members: number[][] = Array.from({ length: count }, () => []);
  assignment.forEach((c, row) => members[c].push(row));
  // In each partition, code first, then code that is mostly data, then code that is mostly comments
  // (chunk-kind.ts), then tests, examples, documents and headers (file-kind.ts), so that three ids per
  // partition (partitions.dataFrom, proseFrom and supportingFrom) tell them apart.
  const reading = new ChunkReading(data);
  const counts = members.map((rows, i) => {
    const [code, dataRows, prose, supporting] = [undefined, 'data', 'prose', 'supporting'].map((kind) => rows.filter((row) => reading.kindOf(row) === kind));
    members[i] = [...code, ...dataRows, ...prose, ...supporting];
    return { code: code.length, data: dataRows.length, prose: prose.length };
  });
  const cohesion = Float32Array.from(members, (rows) => {
    const mean = new Float64Array(dim);
    for (const row of rows) for (let d = 0; d < dim; d++) mean[d] += f32[row * dim + d] / rows.length;
    // At most 1: int8 rows are unit vectors only within 2%, so a partition of one row could say 1.0005.
    return Math.min(1, Math.hypot(...mean));
  });
  const centroidsHash = add('centroids', '.bin', concat([encodeBlock(centroidScales, centroidValues), bytesOf(cohesion)]));
  // Chunks renumbered partition by partition: `order[newId]` is the one file's id.
  const order = members.flat();
  const starts = [0];
  members.forEach((rows) => starts.push(starts.at(-1)! + rows.length));
  const newId = new Uint32Array(n);
  order.forEach((old, id) => (newId[old] = id));
  const dataFrom = counts.map(({ code }, i) => starts[i] + code);
  const proseFrom = counts.map(({ code, data }, i) => starts[i] + code + data);
  const supportingFrom = counts.map(({ code, data, prose }, i) => starts[i] + code + data + prose);
  const partitionHashes = members.map((ids, i) => add(`p${i}`, '.bin', blockOf(ids)));
  const slicesHash = addGroup('v', '.bin', runsOf(order, VECTOR_SLICE_ROWS).map(blockOf));

  // Lexical: terms in order, cut into shards of about TERM_SHARD_BYTES.
  const averageLength = data.chunkLengths.reduce((a, b) => a + b, 0) / Math.max(1, n) || 1;
  const firsts: string[] = [];
  const termHashes: string[] = [];
  let shard: { terms: ([string, number] | [string, number, 1])[]; bytes: number[] } = { terms: [], bytes: [] };
  const closeShard = () => {
    if (shard.terms.length === 0) return;
    termHashes.push(add(`t${firsts.length}`, '.bin', jsonPart(shard.terms, Uint8Array.from(shard.bytes))));
    firsts.push(shard.terms[0][0]);
    shard = { terms: [], bytes: [] };
  };
  data.terms.forEach((term, t) => {
    const [from, to] = [data.postingStarts[t], data.postingStarts[t + 1]];
    const postings = Array.from({ length: to - from }, (_, i) => ({ doc: newId[data.postingDocs[from + i]], p: from + i })).sort((a, b) => a.doc - b.doc);
    const gaps: number[] = [];
    leb128(postings.map(({ doc }, i) => (i === 0 ? doc : doc - postings[i - 1].doc)), gaps);
    const weights = postings.map(({ p }) => quantizedWeight(data.postingFreqs[p], data.chunkLengths[data.postingDocs[p]], averageLength));
    if (Math.ceil(n / 8) < gaps.length) {
      const bitmap = new Uint8Array(Math.ceil(n / 8));
      for (const { doc } of postings) bitmap[doc >> 3] |= 1 << (doc & 7);
      append(shard.bytes, bitmap);
      shard.terms.push([term, to - from, 1]);
    } else {
      append(shard.bytes, gaps);
      shard.terms.push([term, to - from]);
    }
    append(shard.bytes, weights);
    if (shard.bytes.length >= TERM_SHARD_BYTES) closeShard();
  });
  closeShard();

  // Records: what a result shows, RECORDS_PER_SHARD chunks a file.
  const view = (id: number): ChunkView => {
    const c = data.chunks[id];
    const file = data.files[c.file];
    const anchor = data.anchors?.[id];
    const openComment = reading.openAt(id);
    return { path: file.path, language: file.language, startLine: c.startLine, endLine: c.endLine, ...(data.texts ? { text: data.texts.at(id) } : {}), ...(anchor ? { anchor } : {}), ...(openComment ? { openComment } : {}) };
  };
  const recordsHash = addGroup('r', '.json', runsOf(order, RECORDS_PER_SHARD).map((ids) => utf8.encode(JSON.stringify(ids.map(view)))));

  // Files: each chunk's file, for a filtered search.
  const filesHash = add('files', '.bin', jsonPart(data.files.map((f) => [f.path, f.language]), bytesOf(Uint32Array.from(order, (id) => data.chunks[id].file))));

  // Words: what a misspelt query word may be corrected to, by first letter.
  const byLetter = new Map<string, [string, number][]>();
  data.terms.forEach((term, t) => {
    const chunks = data.postingStarts[t + 1] - data.postingStarts[t];
    if (!isCorrectionTarget(term, chunks)) return;
    if (!byLetter.has(term[0])) byLetter.set(term[0], []);
    byLetter.get(term[0])!.push([term, chunks]);
  });
  const letters = [...byLetter.keys()].sort().join('');
  const wordsHash = addGroup('w', '.bin', [...letters].map((letter) => jsonPart(byLetter.get(letter)!)));

  const manifest: SplitManifest = {
    version: SPLIT_FORMAT_VERSION,
    model: data.model,
    dim,
    chunker: data.chunker,
    counts: { files: data.files.length, chunks: n, terms: data.terms.length },
    hasTexts: data.texts !== undefined,
    languages: languagesOf(data.files),
    averageLength,
    centroids: centroidsHash,
    partitions: { starts, ...(data.texts ? { dataFrom, proseFrom } : {}), supportingFrom, hashes: partitionHashes.join(''), probes: Math.min(DEFAULT_PROBES, count) },
    terms: { firsts, hashes: termHashes.join('') },
    records: { perShard: RECORDS_PER_SHARD, hash: recordsHash },
    vectorSlices: { rows: VECTOR_SLICE_ROWS, hash: slicesHash },
    files: filesHash,
    words: { letters, hash: wordsHash },
  };
  return { manifest, files };
}

/** The manifest's JSON bytes. */
export const encodeManifest = (manifest: SplitManifest) => utf8.encode(`${JSON.stringify({ format: SPLIT_FORMAT, ...manifest })}\n`);

/** Parses and checks a manifest; `file` names it in every error. */
export function decodeManifest(file: string, bytes: Uint8Array): SplitManifest {
  const fail = (detail: string): never => {
    throw new IndexFileError(file, detail);
  };
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new IndexFileError(file, `not valid UTF-8 JSON (${(cause as Error).message})`, { cause });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('not a JSON object');
  if (raw.format !== SPLIT_FORMAT) fail(`field "format" is ${JSON.stringify(raw.format)}, not "${SPLIT_FORMAT}"`);
  if (!READABLE_VERSIONS.includes(raw.version as number)) fail(`format version ${JSON.stringify(raw.version)}; this reader reads versions ${READABLE_VERSIONS.join(' and ')}`);
  const { header, count, object } = readIndexHeader(raw, fail);
  const counts = object(raw.counts, 'counts');
  const n = count(counts.chunks, 'counts.chunks');
  const hashes = (value: unknown, field: string, files: number): string => {
    if (typeof value !== 'string' || value.length !== files * HASH_HEX || !/^[0-9a-f]*$/.test(value)) fail(`field "${field}" must be ${files} hashes of ${HASH_HEX} hex digits`);
    return value as string;
  };
  const languages = raw.languages;
  if (!Array.isArray(languages) || languages.some((l) => typeof l !== 'string' || CONTROL.test(l))) fail('field "languages" must be an array of names');
  if (typeof raw.averageLength !== 'number' || !(raw.averageLength > 0)) fail('field "averageLength" must be a number > 0');
  const partitions = object(raw.partitions, 'partitions');
  const partitionHashes = partitions.hashes;
  if (typeof partitionHashes !== 'string') fail('field "partitions.hashes" must be a string');
  const partitionTotal = (partitionHashes as string).length / HASH_HEX;
  if (n > 0 && (partitionTotal < 1 || partitionTotal > n)) fail(`${partitionTotal} partitions for ${n} chunks`);
  const probes = count(partitions.probes, 'partitions.probes', Math.min(1, partitionTotal));
  const terms = object(raw.terms, 'terms');
  const firsts = terms.firsts;
  if (!Array.isArray(firsts) || firsts.some((t, i) => typeof t !== 'string' || (i > 0 && !(firsts[i - 1] < t)))) fail('field "terms.firsts" must be sorted strings');
  const records = object(raw.records, 'records');
  const perShard = count(records.perShard, 'records.perShard', 1);
  const vectorSlices = object(raw.vectorSlices, 'vectorSlices');
  const centroids = hashes(raw.centroids, 'centroids', 1);
  const starts = partitions.starts;
  if (!Array.isArray(starts) || starts.length !== partitionTotal + 1 || starts[0] !== 0 || starts.at(-1) !== n || starts.some((v, i) => !Number.isSafeInteger(v) || (i > 0 && v < starts[i - 1]))) fail(`field "partitions.starts" must be ${partitionTotal + 1} increasing chunk ids from 0 to ${n}`);
  const startIds = starts as number[];
  /** An optional field of one chunk id per partition, each from its partition's start to `end(i)`. */
  const firstIds = (field: 'supportingFrom' | 'proseFrom' | 'dataFrom', end: (i: number) => number, bound = ''): number[] | undefined => {
    const value = partitions[field];
    if (value !== undefined && (!Array.isArray(value) || value.length !== partitionTotal || value.some((v, i) => !Number.isSafeInteger(v) || v < startIds[i] || v > end(i))))
      fail(`field "partitions.${field}" must be ${partitionTotal} chunk ids, each within its partition's range${bound}`);
    return value as number[] | undefined;
  };
  const supportingFrom = firstIds('supportingFrom', (i) => startIds[i + 1]);
  const proseFrom = firstIds('proseFrom', (i) => supportingFrom?.[i] ?? startIds[i + 1], ' and before its supporting chunks');
  const dataFrom = firstIds('dataFrom', (i) => proseFrom?.[i] ?? supportingFrom?.[i] ?? startIds[i + 1], ' and before its chunks of comments and supporting chunks');
  const wordsField = (words: Record<string, unknown>) => {
    if (typeof words.letters !== 'string' || !/^[a-z]*$/.test(words.letters) || [...words.letters].some((l, i, all) => i > 0 && !(all[i - 1] < l))) fail('field "words.letters" must be lowercase letters, each once, in order');
    return { letters: words.letters as string, hash: hashes(words.hash, 'words.hash', 1) };
  };
  return {
    version: raw.version as number,
    ...header,
    counts: { files: count(counts.files, 'counts.files'), chunks: n, terms: count(counts.terms, 'counts.terms') },
    hasTexts: raw.hasTexts === true,
    languages: languages as string[],
    averageLength: raw.averageLength as number,
    centroids,
    partitions: {
      starts: startIds,
      ...(dataFrom ? { dataFrom } : {}),
      ...(proseFrom ? { proseFrom } : {}),
      ...(supportingFrom ? { supportingFrom } : {}),
      hashes: hashes(partitionHashes, 'partitions.hashes', partitionTotal),
      probes: Math.min(probes, partitionTotal),
    },
    terms: { firsts: firsts as string[], hashes: hashes(terms.hashes, 'terms.hashes', (firsts as string[]).length) },
    records: { perShard, hash: hashes(records.hash, 'records.hash', 1) },
    vectorSlices: { rows: count(vectorSlices.rows, 'vectorSlices.rows', 1), hash: hashes(vectorSlices.hash, 'vectorSlices.hash', 1) },
    ...(raw.files === undefined ? {} : { files: hashes(raw.files, 'files', 1) }),
    ...(raw.words === undefined ? {} : { words: wordsField(object(raw.words, 'words')) }),
  };
}

/** A reader over one part's bytes that names the file in every error. */
function partReader(file: string, bytes: Uint8Array) {
  const fail = (detail: string): never => {
    throw new IndexFileError(file, detail);
  };
  const copy = new Uint8Array(bytes); // aligned, and ours
  const dv = new DataView(copy.buffer);
  let at = 0;
  const need = (length: number, what: string) => {
    if (at + length > copy.byteLength) fail(`${what} runs past the end of the file (${copy.byteLength} bytes): truncated`);
  };
  return {
    fail,
    u32(what: string): number {
      need(4, what);
      return dv.getUint32((at += 4) - 4, true);
    },
    bytes(length: number, what: string): Uint8Array {
      need(length, what);
      return copy.subarray(at, (at += length));
    },
    /** A u32 length, then that many bytes of UTF-8 JSON, parsed. */
    json(what: string): unknown {
      const bytes = this.bytes(this.u32('JSON length'), what);
      try {
        return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch (cause) {
        return fail(`its ${what} are not valid UTF-8 JSON (${(cause as Error).message})`);
      }
    },
    end(): void {
      if (at !== copy.byteLength) fail(`${copy.byteLength - at} bytes after the end of its content`);
    },
    get position() {
      return at;
    },
  };
}

function readVectorBlock(reader: ReturnType<typeof partReader>, rows: number, dim: number): VectorBlock {
  const scaleBytes = reader.bytes(rows * 4, 'scales');
  const scales = new Float32Array(scaleBytes.slice().buffer);
  const values = new Int8Array(reader.bytes(rows * dim, 'vectors').slice().buffer);
  checkUnitVectors(values, scales, dim, reader.fail);
  return { rows, scales, values };
}

export function decodeCentroids(file: string, bytes: Uint8Array, manifest: SplitManifest): Centroids {
  const reader = partReader(file, bytes);
  const rows = reader.u32('rows');
  const expected = manifest.partitions.starts.length - 1;
  if (rows !== expected) reader.fail(`holds ${rows} centroids; the manifest lists ${expected} partitions`);
  const block = readVectorBlock(reader, rows, manifest.dim);
  const cohesion = new Float32Array(reader.bytes(rows * 4, 'cohesion').slice().buffer);
  cohesion.forEach((c, i) => (c >= 0 && c <= 1 + 1e-5) || reader.fail(`cohesion[${i}] is ${c}; the norm of a mean of unit vectors is in [0, 1]`));
  reader.end();
  return { ...block, cohesion };
}

/** Partition `partition`'s vectors (chunks starts[partition] .. starts[partition + 1] - 1). */
export function decodePartition(file: string, bytes: Uint8Array, manifest: SplitManifest, partition: number): VectorBlock {
  const reader = partReader(file, bytes);
  const rows = reader.u32('rows');
  const expected = manifest.partitions.starts[partition + 1] - manifest.partitions.starts[partition];
  if (rows !== expected) reader.fail(`holds ${rows} rows; the manifest gives partition ${partition} ${expected}`);
  const block = readVectorBlock(reader, rows, manifest.dim);
  reader.end();
  return block;
}

/** Vector slice `slice`'s vectors (chunks slice x rows onwards). */
export function decodeVectorSlice(file: string, bytes: Uint8Array, manifest: SplitManifest, slice: number): VectorBlock {
  const reader = partReader(file, bytes);
  const rows = reader.u32('rows');
  const expected = Math.min(manifest.vectorSlices.rows, manifest.counts.chunks - slice * manifest.vectorSlices.rows);
  if (rows !== expected) reader.fail(`holds ${rows} rows; slice ${slice} has ${expected}`);
  const block = readVectorBlock(reader, rows, manifest.dim);
  reader.end();
  return block;
}

/** A term shard's postings, by term; `shard` is its place in the manifest (its terms sort from firsts[shard]). */
export function decodeTermShard(file: string, bytes: Uint8Array, manifest: SplitManifest, shard: number): Map<string, TermPostings> {
  const reader = partReader(file, bytes);
  const list = reader.json('terms');
  const [low, high] = [manifest.terms.firsts[shard], manifest.terms.firsts[shard + 1]];
  if (!Array.isArray(list) || list.length === 0) return reader.fail('its terms must be a non-empty array');
  const out = new Map<string, TermPostings>();
  const body = reader.bytes(bytes.byteLength - reader.position, 'postings');
  let at = 0;
  const n = manifest.counts.chunks;
  let previous: string | undefined;
  for (const entry of list as unknown[]) {
    const [term, postings, bitmap] = Array.isArray(entry) ? entry : [];
    const shape = Array.isArray(entry) && (entry.length === 2 || (entry.length === 3 && bitmap === 1 && manifest.version >= 2));
    if (!shape || typeof term !== 'string' || !Number.isSafeInteger(postings) || postings < 1 || postings > n) reader.fail(`term entry ${JSON.stringify(entry)?.slice(0, 80)} is not [term, postings] or (version 2) [term, postings, 1]`);
    if ((previous !== undefined && !(previous < term)) || term < low || (high !== undefined && !(term < high))) reader.fail(`term "${term}" is out of order or outside this shard's range`);
    previous = term;
    const docs = new Uint32Array(postings);
    if (bitmap === 1) {
      const bytesOfBitmap = Math.ceil(n / 8);
      if (at + bytesOfBitmap > body.byteLength) reader.fail(`the bitmap of "${term}" runs past the end of the file`);
      let found = 0;
      for (let b = 0; b < bytesOfBitmap; b++) {
        for (let bits = body[at + b], c = b * 8; bits; bits >>= 1, c++) {
          if (!(bits & 1)) continue;
          if (c >= n || found === postings) reader.fail(`the bitmap of "${term}" names chunk ${c}: more than its ${postings} postings, or a chunk id >= ${n}`);
          docs[found++] = c;
        }
      }
      if (found !== postings) reader.fail(`the bitmap of "${term}" names ${found} chunks, not its ${postings} postings`);
      at += bytesOfBitmap;
    } else {
      for (let i = 0, doc = 0; i < postings; i++) {
        let gap = 0;
        for (let shift = 0; ; shift += 7) {
          if (at >= body.byteLength || shift > 28) reader.fail(`the postings of "${term}" run past the end of the file or hold a bad number`);
          const byte = body[at++];
          gap += (byte & 0x7f) * 2 ** shift;
          if (byte < 0x80) break;
        }
        doc = i === 0 ? gap : doc + gap;
        if (doc >= n || (i > 0 && gap === 0)) reader.fail(`a posting of "${term}" names chunk ${doc}: chunk ids must be < ${n} and increasing`);
        docs[i] = doc;
      }
    }
    if (at + postings > body.byteLength) reader.fail(`the weights of "${term}" run past the end of the file`);
    const weights = body.slice(at, (at += postings));
    if (weights.includes(0)) reader.fail(`a weight of "${term}" is 0`);
    out.set(term, { docs, weights });
  }
  if (at !== body.byteLength) reader.fail(`${body.byteLength - at} bytes after the last term's postings`);
  return out;
}

/** A record file's chunks; `shard` is its place in the manifest. */
export function decodeRecords(file: string, bytes: Uint8Array, manifest: SplitManifest, shard: number): ChunkView[] {
  const fail = (detail: string): never => {
    throw new IndexFileError(file, detail);
  };
  let list: unknown;
  try {
    list = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new IndexFileError(file, `not valid UTF-8 JSON (${(cause as Error).message})`, { cause });
  }
  const expected = Math.min(manifest.records.perShard, manifest.counts.chunks - shard * manifest.records.perShard);
  if (!Array.isArray(list) || list.length !== expected) fail(`must be an array of ${expected} chunks`);
  return (list as unknown[]).map((entry, i): ChunkView => {
    const { path, language, startLine, endLine, text, anchor, openComment } = (entry ?? {}) as Record<string, unknown>;
    if (typeof path !== 'string' || typeof language !== 'string' || CONTROL.test(language)) fail(`chunk ${i} needs string "path" and "language"`);
    const problem = indexPathProblem(path as string);
    if (problem) fail(`chunk ${i}'s path ${JSON.stringify(path)} ${problem}`);
    if (!Number.isSafeInteger(startLine) || !Number.isSafeInteger(endLine) || (startLine as number) < 1 || (endLine as number) < (startLine as number)) fail(`chunk ${i} has lines ${startLine}-${endLine}`);
    if (manifest.hasTexts !== (typeof text === 'string')) fail(`chunk ${i} ${manifest.hasTexts ? 'lacks its text' : 'has a text the manifest does not announce'}`);
    const anchorWrong = anchor === undefined ? undefined : anchor === '' ? 'is empty' : anchorProblem(anchor);
    if (anchorWrong) fail(`chunk ${i}'s anchor ${JSON.stringify(anchor).slice(0, 80)} ${anchorWrong}`);
    if (openComment !== undefined && !(typeof text === 'string' && COMMENT_ENDS.has(openComment as string))) fail(`chunk ${i}'s openComment ${JSON.stringify(openComment).slice(0, 80)} is not how a comment ends (${[...COMMENT_ENDS].join(' ')}), or the chunk has no text`);
    return { path: path as string, language: language as string, startLine: startLine as number, endLine: endLine as number, ...(typeof text === 'string' ? { text } : {}), ...(anchor ? { anchor: anchor as string } : {}), ...(openComment ? { openComment: openComment as string } : {}) };
  });
}

/** A words part (`letter`'s): each word a misspelt query word beginning with it may be corrected to, and the chunks that hold it. */
export function decodeWords(file: string, bytes: Uint8Array, manifest: SplitManifest, letter: string): Map<string, number> {
  const reader = partReader(file, bytes);
  const list = reader.json('words');
  if (!Array.isArray(list)) return reader.fail('its words must be an array of [word, chunks]');
  const out = new Map<string, number>();
  let previous = '';
  for (const entry of list as unknown[]) {
    const [word, chunks] = Array.isArray(entry) && entry.length === 2 ? entry : [];
    if (typeof word !== 'string' || !Number.isSafeInteger(chunks) || chunks > manifest.counts.chunks || !isCorrectionTarget(word, chunks) || word[0] !== letter || !(previous < word))
      reader.fail(`word entry ${JSON.stringify(entry)?.slice(0, 80)} is not [a word of lowercase letters that begins with "${letter}", in order, and the chunks that hold it, at most ${manifest.counts.chunks}]`);
    out.set(word, chunks);
    previous = word;
  }
  reader.end();
  return out;
}

/** The files part: the files (path and language) and each chunk's place among them. */
export function decodeFiles(file: string, bytes: Uint8Array, manifest: SplitManifest): { files: ChunkFile[]; fileOf: Uint32Array } {
  const reader = partReader(file, bytes);
  const list = reader.json('files');
  const { counts, languages } = manifest;
  if (!Array.isArray(list) || list.length !== counts.files) return reader.fail(`must list the manifest's ${counts.files} files`);
  const files = (list as unknown[]).map((entry, i): ChunkFile => {
    const [path, language] = Array.isArray(entry) && entry.length === 2 ? entry : [];
    if (typeof path !== 'string' || !languages.includes(language)) reader.fail(`file ${i} is not [path, one of the manifest's languages]`);
    const problem = indexPathProblem(path as string);
    if (problem) reader.fail(`file ${i}'s path ${JSON.stringify(path)} ${problem}`);
    return { path: path as string, language: language as string };
  });
  const fileOf = new Uint32Array(reader.bytes(counts.chunks * 4, "the chunks' files").slice().buffer);
  const outside = fileOf.findIndex((f) => f >= files.length);
  if (outside >= 0) reader.fail(`chunk ${outside}'s file is ${fileOf[outside]}; there are ${files.length}`);
  reader.end();
  return { files, fileOf };
}
