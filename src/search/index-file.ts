/**
 * The search index file (`.c2idx`), version 2: what `c2llm index` writes, `c2llm search`, the demo and
 * static sites read; version 1 is read too. Little-endian:
 *
 *   bytes 0-7     magic "C2LLMIDX"
 *   bytes 8-11    u32 format version (2)
 *   bytes 12-15   u32 header length H
 *   16 .. 16+H    header JSON, space-padded so that the data starts at a multiple of 8
 *   then          the sections the header lists, each at an offset (from the data start) that is the
 *                 previous section's end rounded up to 8, the first at 0, the last ending at the file's end
 *
 * Header: { model: {id, fingerprint}, dim, vectorDtype: "int8", chunker: {version, maxLines, mergeLines,
 * overlapLines, htmlPages (only when true)}, counts: {files, chunks, terms, postings}, hasTexts, hasAnchors (absent: false), sections:
 * {name: {offset, length}} }.
 * Sections (n = chunks, t = terms, p = postings):
 *   vectors       i8  [n, dim]   each chunk's unit vector v ~ scale * q, q in [-127, 127], |scale * q| within 2% of 1
 *   scales        f32 [n]        per-vector scale, > 0 and <= 1/127 (a unit vector's largest value is at most 1)
 *   chunks        u32 [n, 3]     file index, start line, end line (1-based, inclusive)
 *   files         JSON           [{path, language, hash}] sorted by path; chunks are in file order
 *   terms         JSON           the lexical vocabulary, sorted (code unit order), no duplicates
 *   postingStarts u32 [t + 1]    term i's postings are postingDocs[starts[i] .. starts[i+1]]
 *   postingDocs   u32 [p]        chunk ids, increasing within a term
 *   postingFreqs  u32 [p]        occurrences of the term in that chunk (>= 1)
 *   chunkLengths  u32 [n]        words per chunk (BM25's document length)
 *   textStarts    u32 [n + 1]    chunk i's text is texts[starts[i] .. starts[i+1]], each at a character's
 *                                start, from 0 to the length of texts; only when hasTexts
 *   texts         UTF-8          the chunk texts one after another, well-formed; only when hasTexts
 *   anchors       JSON           [chunk anchor, "" for none]: an HTML page's nearest heading id (`c2llm index
 *                                --html`), at most 256 characters, no whitespace or control character; only
 *                                when hasAnchors
 *
 * Paths are relative, '/'-separated, without empty, '.' or '..' parts, a drive letter, a backslash or
 * a control character (index-trust.ts's indexPathProblem); file hashes are 64 lowercase hex digits.
 *
 * Version 1 differs in the texts alone: no textStarts, and texts is JSON, [chunk text]. Version 2 keeps
 * them as bytes so that a reader decodes only the texts it shows (chunk-texts.ts): opening an index of
 * 100k chunks took about half a second more in version 1, decoding texts that no search reads.
 *
 * The reader is strict, like the checkpoint loader: every field, count, offset and length is checked
 * before use, sections must tile the data exactly, and any failure is an IndexFileError naming the field.
 * An index is a file people download from others: nothing in it is trusted.
 */
import { IndexFileError } from '../errors';
import { CONTROL } from '../text/control-characters';
import { bytesOf } from '../tensor/tensor-values';
import { beginsCharacter, utf8ProblemAt } from '../text/utf8';
import { EncodedTexts, encodeTexts, textsOf, type ChunkTexts } from './chunk-texts';
import { indexPathProblem } from './index-trust';

export const INDEX_MAGIC = 'C2LLMIDX';
export const INDEX_FORMAT_VERSION = 2;
/** The versions this reader reads (how they differ: above). */
const READABLE_VERSIONS = [1, 2];
export const INDEX_FILE_EXTENSION = '.c2idx';

/** The largest scale of a unit vector's int8 form (its largest value is at most 1), with rounding's slack. */
const MAX_SCALE = (1 / 127) * (1 + 1e-6);
/** How far |scale * q| may be from 1: int8 rounding moves a unit vector's norm by well under 1%. */
const UNIT_NORM_SLACK = 0.02;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface IndexedFile {
  /** Relative to the indexed folder, '/'-separated. */
  readonly path: string;
  readonly language: string;
  /** SHA-256 of the file's text, hex: what `--update` compares. */
  readonly hash: string;
}

export interface ChunkRecord {
  readonly file: number;
  readonly startLine: number;
  readonly endLine: number;
}

export interface ChunkerSettings {
  readonly version: number;
  readonly maxLines: number;
  readonly mergeLines: number;
  readonly overlapLines: number;
  /** HTML files were indexed as pages (`c2llm index --html`, html-page.ts), not as source lines. */
  readonly htmlPages?: true;
}

export interface IndexHeader {
  readonly model: { readonly id: string; readonly fingerprint: string };
  readonly dim: number;
  readonly chunker: ChunkerSettings;
}

export interface IndexData extends IndexHeader {
  readonly files: readonly IndexedFile[];
  readonly chunks: readonly ChunkRecord[];
  readonly vectors: Int8Array;
  readonly scales: Float32Array;
  readonly terms: readonly string[];
  readonly postingStarts: Uint32Array;
  readonly postingDocs: Uint32Array;
  readonly postingFreqs: Uint32Array;
  readonly chunkLengths: Uint32Array;
  readonly texts?: ChunkTexts;
  /** Per chunk, the id of an HTML page's nearest heading ("" for none); only for pages indexed with --html. */
  readonly anchors?: readonly string[];
}

const SECTION_ORDER = ['vectors', 'scales', 'chunks', 'files', 'terms', 'postingStarts', 'postingDocs', 'postingFreqs', 'chunkLengths', 'textStarts', 'texts', 'anchors'] as const;
/** What an anchor may be: what an id attribute holds, within reason, never a way to break out of a URL's fragment into the page. */
const ANCHOR = /^[^\s\p{Cc}]{1,256}$/u;

/** Why `anchor` cannot be a chunk's anchor, or undefined when it can ("" is none). */
export function anchorProblem(anchor: unknown): string | undefined {
  if (typeof anchor !== 'string') return 'is not a string';
  return anchor === '' || ANCHOR.test(anchor) ? undefined : 'is longer than 256 characters or holds whitespace or a control character';
}
type SectionName = (typeof SECTION_ORDER)[number];

const align8 = (n: number) => Math.ceil(n / 8) * 8;
const utf8 = new TextEncoder();

function sectionBytes(data: IndexData): Map<SectionName, Uint8Array> {
  const chunkWords = new Uint32Array(data.chunks.length * 3);
  data.chunks.forEach((c, i) => chunkWords.set([c.file, c.startLine, c.endLine], i * 3));
  const sections = new Map<SectionName, Uint8Array>([
    ['vectors', bytesOf(data.vectors)],
    ['scales', bytesOf(data.scales)],
    ['chunks', bytesOf(chunkWords)],
    ['files', utf8.encode(JSON.stringify(data.files.map(({ path, language, hash }) => ({ path, language, hash }))))],
    ['terms', utf8.encode(JSON.stringify(data.terms))],
    ['postingStarts', bytesOf(data.postingStarts)],
    ['postingDocs', bytesOf(data.postingDocs)],
    ['postingFreqs', bytesOf(data.postingFreqs)],
    ['chunkLengths', bytesOf(data.chunkLengths)],
  ]);
  if (data.texts) {
    const { starts, bytes } = encodeTexts(data.texts);
    sections.set('textStarts', bytesOf(starts));
    sections.set('texts', bytes);
  }
  if (data.anchors) sections.set('anchors', utf8.encode(JSON.stringify(data.anchors)));
  return sections;
}

/** The whole file's bytes. (Typed arrays are little-endian on every platform this runs on.) */
export function encodeIndex(data: IndexData): Uint8Array {
  const sections = sectionBytes(data);
  const layout: Record<string, { offset: number; length: number }> = {};
  let end = 0;
  for (const [name, bytes] of sections) {
    const offset = align8(end);
    layout[name] = { offset, length: bytes.byteLength };
    end = offset + bytes.byteLength;
  }
  const header = {
    model: data.model,
    dim: data.dim,
    vectorDtype: 'int8',
    chunker: data.chunker,
    counts: { files: data.files.length, chunks: data.chunks.length, terms: data.terms.length, postings: data.postingDocs.length },
    hasTexts: data.texts !== undefined,
    ...(data.anchors ? { hasAnchors: true } : {}),
    sections: layout,
  };
  let json = utf8.encode(JSON.stringify(header));
  const padded = align8(16 + json.byteLength) - 16;
  json = utf8.encode(JSON.stringify(header) + ' '.repeat(padded - json.byteLength));
  const out = new Uint8Array(16 + json.byteLength + end);
  out.set(utf8.encode(INDEX_MAGIC), 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, INDEX_FORMAT_VERSION, true);
  dv.setUint32(12, json.byteLength, true);
  out.set(json, 16);
  const dataStart = 16 + json.byteLength;
  for (const [name, bytes] of sections) out.set(bytes, dataStart + layout[name].offset);
  return out;
}

/** The languages of an index's files, each once, sorted (what a search box offers to filter by). */
export const languagesOf = (files: readonly IndexedFile[]): string[] => [...new Set(files.map((f) => f.language))].sort();

/** Each file's chunk ids (by place in `files`), in the order they begin in the file. */
export function chunksByFile(data: { readonly chunks: readonly { readonly file: number; readonly startLine: number }[]; readonly files: readonly unknown[] }): number[][] {
  const byFile = data.files.map((): number[] => []);
  data.chunks.forEach((c, id) => byFile[c.file].push(id));
  for (const ids of byFile) ids.sort((a, b) => data.chunks[a].startLine - data.chunks[b].startLine);
  return byFile;
}

type Fail = (detail: string) => never;

/**
 * The fields every index has (model, dim, chunker), checked, from a parsed header (this file's, or a
 * split index's manifest, split-index.ts), with the checkers that read them.
 */
export function readIndexHeader(header: Record<string, unknown>, fail: Fail) {
  const count = (value: unknown, field: string, min = 0): number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) fail(`header field "${field}" must be an integer >= ${min}, got ${JSON.stringify(value)}`);
    return value as number;
  };
  const object = (value: unknown, field: string): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`header field "${field}" must be an object`);
    return value as Record<string, unknown>;
  };
  const model = object(header.model, 'model');
  if (typeof model.id !== 'string' || typeof model.fingerprint !== 'string') fail('header field "model" needs string "id" and "fingerprint"');
  if (CONTROL.test(model.id as string) || CONTROL.test(model.fingerprint as string)) fail('header field "model" holds a control character');
  const dim = count(header.dim, 'dim', 1);
  const chunkerRaw = object(header.chunker, 'chunker');
  const chunker: ChunkerSettings = {
    version: count(chunkerRaw.version, 'chunker.version', 1),
    maxLines: count(chunkerRaw.maxLines, 'chunker.maxLines', 1),
    mergeLines: count(chunkerRaw.mergeLines, 'chunker.mergeLines', 1),
    overlapLines: count(chunkerRaw.overlapLines, 'chunker.overlapLines', 0),
    ...(chunkerRaw.htmlPages === undefined ? {} : { htmlPages: chunkerRaw.htmlPages === true ? true : fail('header field "chunker.htmlPages" must be true when present') }),
  };
  const fields: IndexHeader = { model: { id: model.id as string, fingerprint: model.fingerprint as string }, dim, chunker };
  return { header: fields, count, object };
}

/** Checks int8 unit vectors (rows of `dim` values, a scale each), as the index formats store them. */
export function checkUnitVectors(vectors: Int8Array, scales: Float32Array, dim: number, fail: Fail): void {
  for (let i = 0; i < scales.length; i++) {
    const scale = scales[i];
    if (!(scale > 0 && scale <= MAX_SCALE)) fail(`scales[${i}] is ${scale}; a unit vector's scale is > 0 and <= 1/127`);
    let squares = 0;
    for (let d = i * dim; d < (i + 1) * dim; d++) {
      if (vectors[d] === -128) fail(`vectors[${i}] holds -128; int8 values are in [-127, 127]`);
      squares += vectors[d] * vectors[d];
    }
    const norm = scale * Math.sqrt(squares);
    if (Math.abs(norm - 1) > UNIT_NORM_SLACK) fail(`vectors[${i}] has norm ${norm.toPrecision(3)} (scale x values); chunk vectors are unit vectors`);
  }
}

/**
 * Parses and checks a whole index file; `file` names it in every error. The data's vectors, postings and
 * texts are views of `bytes` (a copy would double what a large index holds in memory): `bytes` must not
 * change afterwards.
 */
export function decodeIndex(file: string, bytes: Uint8Array): IndexData {
  const fail = (detail: string): never => {
    throw new IndexFileError(file, detail);
  };
  if (bytes.byteLength < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== INDEX_MAGIC) fail(`not a c2llm index (no "${INDEX_MAGIC}" magic)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (!READABLE_VERSIONS.includes(version)) fail(`format version ${version}; this reader reads versions ${READABLE_VERSIONS.join(' and ')}`);
  const headerLength = dv.getUint32(12, true);
  const dataStart = 16 + headerLength;
  if (dataStart > bytes.byteLength) fail(`header length ${headerLength} runs past the end of the file (${bytes.byteLength} bytes)`);
  if (dataStart % 8 !== 0) fail(`header length ${headerLength} does not put the data at a multiple of 8`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, dataStart)));
  } catch (cause) {
    throw new IndexFileError(file, `header is not valid UTF-8 JSON (${(cause as Error).message})`, { cause });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');

  const { header: fields, count, object } = readIndexHeader(header, fail);
  if (header.vectorDtype !== 'int8') fail(`header field "vectorDtype" is ${JSON.stringify(header.vectorDtype)}; this reader reads "int8"`);
  const { model, dim, chunker } = fields;
  const counts = object(header.counts, 'counts');
  const n = count(counts.chunks, 'counts.chunks');
  const nFiles = count(counts.files, 'counts.files');
  const nTerms = count(counts.terms, 'counts.terms');
  const nPostings = count(counts.postings, 'counts.postings');
  if (typeof header.hasTexts !== 'boolean') fail('header field "hasTexts" must be true or false');
  if (header.hasAnchors !== undefined && typeof header.hasAnchors !== 'boolean') fail('header field "hasAnchors" must be true or false');
  const layout = object(header.sections, 'sections');
  const expected = SECTION_ORDER.filter((s) => (s !== 'texts' || header.hasTexts) && (s !== 'textStarts' || (header.hasTexts && version > 1)) && (s !== 'anchors' || header.hasAnchors === true));
  const names = Object.keys(layout);
  if (names.join() !== expected.join()) fail(`header field "sections" lists ${names.join(', ') || 'nothing'}; expected ${expected.join(', ')} in that order`);

  const dataLength = bytes.byteLength - dataStart;
  let end = 0;
  const section = (name: SectionName): Uint8Array => {
    const entry = object(layout[name], `sections.${name}`);
    const offset = count(entry.offset, `sections.${name}.offset`);
    const length = count(entry.length, `sections.${name}.length`);
    if (offset !== align8(end)) fail(`section "${name}" starts at ${offset}, expected ${align8(end)} (sections must follow each other, 8-byte aligned)`);
    if (offset + length > dataLength) fail(`section "${name}" (${offset}+${length}) runs past the end of the data (${dataLength} bytes): truncated file`);
    end = offset + length;
    return bytes.subarray(dataStart + offset, dataStart + offset + length);
  };
  const typed = <T>(name: SectionName, elementBytes: number, elements: number, make: (buffer: ArrayBufferLike, offset: number, length: number) => T): T => {
    const raw = section(name);
    if (raw.byteLength !== elements * elementBytes) fail(`section "${name}" is ${raw.byteLength} bytes; the counts make it ${elements * elementBytes}`);
    // A view of `bytes` where the section is aligned for its elements (it always is when `bytes` starts at
    // a multiple of 8 in its buffer, as a file read whole does), else an aligned copy.
    const source = raw.byteOffset % elementBytes === 0 ? raw : new Uint8Array(raw);
    return make(source.buffer, source.byteOffset, elements);
  };
  const json = (name: SectionName): unknown => {
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(section(name)));
    } catch (cause) {
      if (cause instanceof IndexFileError) throw cause;
      throw new IndexFileError(file, `section "${name}" is not valid UTF-8 JSON (${(cause as Error).message})`, { cause });
    }
  };

  const vectors = typed('vectors', 1, n * dim, (b, o, l) => new Int8Array(b, o, l));
  const scales = typed('scales', 4, n, (b, o, l) => new Float32Array(b, o, l));
  const chunkWords = typed('chunks', 4, n * 3, (b, o, l) => new Uint32Array(b, o, l));
  const filesRaw = json('files');
  const termsRaw = json('terms');
  const postingStarts = typed('postingStarts', 4, nTerms + 1, (b, o, l) => new Uint32Array(b, o, l));
  const postingDocs = typed('postingDocs', 4, nPostings, (b, o, l) => new Uint32Array(b, o, l));
  const postingFreqs = typed('postingFreqs', 4, nPostings, (b, o, l) => new Uint32Array(b, o, l));
  const chunkLengths = typed('chunkLengths', 4, n, (b, o, l) => new Uint32Array(b, o, l));
  const textStarts = header.hasTexts && version > 1 ? typed('textStarts', 4, n + 1, (b, o, l) => new Uint32Array(b, o, l)) : undefined;
  const textBytes = textStarts ? section('texts') : undefined;
  const textsJson = header.hasTexts && !textStarts ? json('texts') : undefined;
  const anchorsRaw = header.hasAnchors === true ? json('anchors') : undefined;
  if (end !== dataLength) fail(`${dataLength - end} bytes after the last section: the sections must end where the file does`);

  if (!Array.isArray(filesRaw) || filesRaw.length !== nFiles) fail(`section "files" must be an array of ${nFiles} files`);
  const files = (filesRaw as unknown[]).map((f, i): IndexedFile => {
    const { path, language, hash } = (f ?? {}) as Record<string, unknown>;
    if (typeof path !== 'string' || path === '' || typeof language !== 'string' || typeof hash !== 'string') fail(`files[${i}] needs string "path", "language" and "hash"`);
    const problem = indexPathProblem(path as string);
    if (problem) fail(`files[${i}] path ${JSON.stringify(path)} ${problem}`);
    if (CONTROL.test(language as string)) fail(`files[${i}] language ${JSON.stringify(language)} holds a control character`);
    if (!SHA256_HEX.test(hash as string)) fail(`files[${i}] hash ${JSON.stringify((hash as string).slice(0, 80))} is not a SHA-256 (64 lowercase hex digits)`);
    return { path: path as string, language: language as string, hash: hash as string };
  });
  files.forEach((f, i) => i > 0 && !(files[i - 1].path < f.path) && fail(`files[${i}] "${f.path}" is not after "${files[i - 1].path}": files must be sorted by path, without repeats`));
  const chunks: ChunkRecord[] = [];
  for (let i = 0; i < n; i++) {
    const [fileIndex, startLine, endLine] = chunkWords.subarray(i * 3, i * 3 + 3);
    if (fileIndex >= nFiles) fail(`chunks[${i}] names file ${fileIndex} of ${nFiles}`);
    if (startLine < 1 || endLine < startLine) fail(`chunks[${i}] has lines ${startLine}-${endLine}`);
    if (i > 0 && fileIndex < chunks[i - 1].file) fail(`chunks[${i}] is out of file order`);
    chunks.push({ file: fileIndex, startLine, endLine });
  }
  checkUnitVectors(vectors, scales, dim, (detail) => fail(detail));
  if (!Array.isArray(termsRaw) || termsRaw.length !== nTerms || termsRaw.some((t) => typeof t !== 'string')) fail(`section "terms" must be an array of ${nTerms} strings`);
  const terms = termsRaw as string[];
  terms.forEach((t, i) => i > 0 && !(terms[i - 1] < t) && fail(`terms[${i}] "${t}" is not after "${terms[i - 1]}": terms must be sorted, without repeats`));
  if (postingStarts[0] !== 0 || postingStarts[nTerms] !== nPostings) fail(`postingStarts must run from 0 to ${nPostings}`);
  for (let t = 0; t < nTerms; t++) {
    const [from, to] = [postingStarts[t], postingStarts[t + 1]];
    if (to <= from) fail(`postingStarts[${t + 1}] is not after postingStarts[${t}]: every term has postings`);
    for (let p = from; p < to; p++) {
      if (postingDocs[p] >= n || (p > from && postingDocs[p] <= postingDocs[p - 1])) fail(`postingDocs[${p}] (term "${terms[t]}") is ${postingDocs[p]}: chunk ids must be < ${n} and increasing`);
      if (postingFreqs[p] < 1) fail(`postingFreqs[${p}] is 0`);
    }
  }
  let texts: ChunkTexts | undefined;
  if (textStarts && textBytes) {
    if (textStarts[0] !== 0 || textStarts[n] !== textBytes.byteLength) fail(`textStarts must run from 0 to ${textBytes.byteLength} (the length of section "texts")`);
    for (let i = 0; i < n; i++) {
      if (textStarts[i + 1] < textStarts[i]) fail(`textStarts[${i + 1}] is before textStarts[${i}]`);
      if (!beginsCharacter(textBytes, textStarts[i])) fail(`textStarts[${i}] (${textStarts[i]}) is inside a UTF-8 character`);
    }
    const problem = utf8ProblemAt(textBytes);
    if (problem >= 0) fail(`section "texts" is not well-formed UTF-8 at byte ${problem}`);
    texts = new EncodedTexts(textStarts, textBytes);
  } else if (textsJson !== undefined) {
    if (!Array.isArray(textsJson) || textsJson.length !== n || textsJson.some((t) => typeof t !== 'string')) fail(`section "texts" must be an array of ${n} strings`);
    texts = textsOf(textsJson as string[]);
  }
  if (anchorsRaw !== undefined) {
    if (!Array.isArray(anchorsRaw) || anchorsRaw.length !== n) fail(`section "anchors" must be an array of ${n} strings`);
    (anchorsRaw as unknown[]).forEach((a, i) => {
      const problem = anchorProblem(a);
      if (problem) fail(`anchors[${i}] ${JSON.stringify(a).slice(0, 80)} ${problem}`);
    });
  }
  return {
    model,
    dim,
    chunker,
    files,
    chunks,
    vectors,
    scales,
    terms,
    postingStarts,
    postingDocs,
    postingFreqs,
    chunkLengths,
    texts,
    ...(anchorsRaw !== undefined ? { anchors: anchorsRaw as string[] } : {}),
  };
}
