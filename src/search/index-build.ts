/**
 * Making index data (index-file.ts's format): from embedded chunks (`buildIndexData`: int8 vectors, BM25
 * postings over each chunk's path and text, chunk records, texts), and from shards built over disjoint
 * files (`mergeIndexData`: the index one build over all the files would have written).
 */
import { IndexFileError } from '../errors';
import { quantizeSymmetric } from '../tensor/quantize';
import { bm25Postings, collectPostings } from './bm25';
import { searchedText, type Chunk } from './chunker';
import { textsOf } from './chunk-texts';
import type { ChunkerSettings, IndexData, IndexedFile, IndexHeader } from './index-file';

/** One file's chunks and their unit vectors (chunks.length x dim), ready to index. */
export interface EmbeddedFile extends IndexedFile {
  readonly chunks: readonly Chunk[];
  readonly vectors: Float32Array;
}

/** Symmetric per-vector int8: q = round(v / scale), scale = max|v| / 127 (0 for an all-zero vector). */
export function quantizeVector(v: Float32Array, out: Int8Array): number {
  return quantizeSymmetric(v, out, 127);
}

/** Chunks `from` .. `to` - 1 of an index as f32 vectors (scale x int8 values), row after row. */
export function floatVectors(data: Pick<IndexData, 'dim' | 'vectors' | 'scales'>, from = 0, to = data.scales.length): Float32Array {
  const { dim } = data;
  const out = new Float32Array((to - from) * dim);
  for (let id = from; id < to; id++) {
    for (let d = 0; d < dim; d++) out[(id - from) * dim + d] = data.vectors[id * dim + d] * data.scales[id];
  }
  return out;
}

/** What BM25 reads of a chunk: its path and what the model reads of it (chunker.ts), so that file names are words too. */
function lexicalText(path: string, chunk: Chunk): string {
  return `${path}\n${searchedText(chunk)}`;
}

/** Builds the index data of `files` (any order; stored sorted by path). `keepTexts` stores chunk texts. */
export function buildIndexData(header: IndexHeader, files: readonly EmbeddedFile[], keepTexts: boolean): IndexData {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  sorted.forEach((f, i) => {
    if (i > 0 && f.path === sorted[i - 1].path) throw new IndexFileError(f.path, 'appears twice in one index');
    if (f.vectors.length !== f.chunks.length * header.dim) throw new IndexFileError(f.path, `${f.chunks.length} chunks but ${f.vectors.length / header.dim} vectors of dim ${header.dim}`);
  });
  const n = sorted.reduce((s, f) => s + f.chunks.length, 0);
  const vectors = new Int8Array(n * header.dim);
  const scales = new Float32Array(n);
  const chunks: IndexData['chunks'][number][] = [];
  const texts: string[] = [];
  const anchors: string[] = [];
  sorted.forEach((f, fileIndex) => {
    f.chunks.forEach((c, j) => {
      const id = chunks.length;
      scales[id] = quantizeVector(f.vectors.subarray(j * header.dim, (j + 1) * header.dim), vectors.subarray(id * header.dim, (id + 1) * header.dim));
      chunks.push({ file: fileIndex, startLine: c.startLine, endLine: c.endLine });
      texts.push(c.text);
      anchors.push(c.anchor ?? '');
    });
  });
  // Each chunk's lexical text is made as BM25 reads it, not kept: a copy of every text would be held at once.
  const lexical = (function* () {
    for (const f of sorted) for (const c of f.chunks) yield lexicalText(f.path, c);
  })();
  return {
    ...header,
    files: sorted.map(({ path, language, hash }) => ({ path, language, hash })),
    chunks,
    vectors,
    scales,
    ...bm25Postings(lexical),
    texts: keepTexts ? textsOf(texts) : undefined,
    ...(anchors.some(Boolean) ? { anchors } : {}),
  };
}

/** Each file's chunk ids, [from, to): a file's chunks are contiguous (the reader checks the order). */
export function fileChunkRanges(data: Pick<IndexData, 'files' | 'chunks'>): { from: number; to: number }[] {
  const ranges = data.files.map(() => ({ from: 0, to: 0 }));
  data.chunks.forEach((c, id) => {
    if (ranges[c.file].to === 0) ranges[c.file].from = id;
    ranges[c.file].to = id + 1;
  });
  return ranges;
}

function sameHeader(a: IndexHeader, b: IndexHeader): string | undefined {
  if (a.model.fingerprint !== b.model.fingerprint) return `model ${b.model.id} (${b.model.fingerprint.slice(0, 19)}…) is not ${a.model.id} (${a.model.fingerprint.slice(0, 19)}…)`;
  if (a.dim !== b.dim) return `dim ${b.dim} is not ${a.dim}`;
  const ka = JSON.stringify(a.chunker);
  const kb = JSON.stringify(b.chunker);
  if (ka !== kb) return `chunker ${kb} is not ${ka}`;
  return undefined;
}

/**
 * Joins indexes built over disjoint sets of files (`c2llm index --shard i/N`) into the index one build
 * over all the files would have written: files in path order, postings rebuilt with the new chunk ids.
 */
export function mergeIndexData(parts: readonly { name: string; data: IndexData }[]): IndexData {
  if (parts.length === 0) throw new IndexFileError('merge', 'no index to merge');
  const first = parts[0].data;
  for (const { name, data } of parts) {
    const why = sameHeader(first, data);
    if (why) throw new IndexFileError(name, `cannot be merged with ${parts[0].name}: ${why}`);
    if ((data.texts === undefined) !== (first.texts === undefined)) throw new IndexFileError(name, `${data.texts ? 'keeps' : 'does not keep'} chunk texts, unlike ${parts[0].name}`);
  }
  const files = parts.flatMap(({ name, data }, part) => data.files.map((f, index) => ({ ...f, part, index, name })));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < files.length; i++) {
    if (files[i].path === files[i - 1].path) throw new IndexFileError(files[i].name, `"${files[i].path}" is also in ${files[i - 1].name}: shards must not overlap`);
  }
  const chunksOf = parts.map(({ data }) => fileChunkRanges(data));
  const { dim } = first;
  const n = parts.reduce((s, p) => s + p.data.chunks.length, 0);
  const vectors = new Int8Array(n * dim);
  const scales = new Float32Array(n);
  const chunkLengths = new Uint32Array(n);
  const chunks: IndexData['chunks'][number][] = [];
  const texts: string[] = [];
  const anchors: string[] = [];
  const newId = parts.map(({ data }) => new Uint32Array(data.chunks.length));
  files.forEach((f, fileIndex) => {
    const data = parts[f.part].data;
    const { from, to } = chunksOf[f.part][f.index];
    for (let id = from; id < to; id++) {
      const target = chunks.length;
      newId[f.part][id] = target;
      vectors.set(data.vectors.subarray(id * dim, (id + 1) * dim), target * dim);
      scales[target] = data.scales[id];
      chunkLengths[target] = data.chunkLengths[id];
      chunks.push({ ...data.chunks[id], file: fileIndex });
      if (data.texts) texts.push(data.texts.at(id));
      anchors.push(data.anchors?.[id] ?? '');
    }
  });
  const { terms, postingStarts, postingDocs, postingFreqs } = collectPostings((add) =>
    parts.forEach(({ data }, part) =>
      data.terms.forEach((term, t) => {
        for (let p = data.postingStarts[t]; p < data.postingStarts[t + 1]; p++) add(term, newId[part][data.postingDocs[p]], data.postingFreqs[p]);
      }),
    ),
  );
  return {
    model: first.model,
    dim,
    chunker: first.chunker as ChunkerSettings,
    files: files.map(({ path, language, hash }) => ({ path, language, hash })),
    chunks,
    vectors,
    scales,
    terms,
    postingStarts,
    postingDocs,
    postingFreqs,
    chunkLengths,
    texts: first.texts ? textsOf(texts) : undefined,
    ...(anchors.some(Boolean) ? { anchors } : {}),
  };
}
