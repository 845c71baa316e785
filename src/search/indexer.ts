/**
 * Indexing a folder, the one path for the demo and `c2llm index` (each injects its file source, store
 * and embedder): filter and read the files, chunk them, reuse what the store already holds for the
 * same model and content (the demo's IndexedDB, the CLI's earlier index with --update), embed the rest
 * as documents in batches (cancellable between batches), store each file as soon as all its chunks are
 * embedded (each progress report holds the files done so far, to be searched while the rest are
 * embedded), and record the corpus for a later restore. Files the folder's .gitignore and .ignore files
 * leave out are skipped (ignore-files.ts). `shardOf` splits a folder for `--shard i/N`.
 * A file that cannot be read any more is skipped and named; a store that fails (a full quota) leaves
 * the index in memory, and the report says which files were not saved.
 */
import { TEXTS_PER_REPORT } from '../batching';
import { sha256Hex } from '../hash';
import { chunkFile, searchedText, type Chunk } from './chunker';
import { decodeText, isMinified, skipByPath, type SkipReason } from './corpus';
import { CorpusVectors } from './corpus-vectors';
import { IgnoreFiles, isIgnoreFile } from './ignore-files';

/** FNV-1a of the path's UTF-8 bytes: the same shard for the same path on every machine. */
export function shardOf(path: string, shards: number): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(path)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h % shards;
}

export interface CorpusFile {
  /** Path relative to the picked folder, '/'-separated. */
  readonly path: string;
  readonly bytes: number;
  read(): Promise<Uint8Array>;
}

/** What the store keeps of a file, and of the last indexed corpus (the demo keeps them in IndexedDB, demo/index-store.ts). */
export interface StoredFile {
  readonly chunks: readonly Chunk[];
  /** chunks.length x dim, row-major. */
  readonly vectors: Float32Array;
}

export interface StoredCorpus {
  readonly folder: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly hash: string }>;
  readonly updated: number;
}

export interface IndexStoreLike {
  getFile(model: string, hash: string): Promise<StoredFile | undefined>;
  putFile(model: string, hash: string, file: StoredFile): Promise<void>;
  getCorpus(model: string): Promise<StoredCorpus | undefined>;
  putCorpus(model: string, corpus: StoredCorpus): Promise<void>;
}

export interface DocumentEmbedder {
  embed(
    texts: readonly string[],
    options: { kind: 'document'; signal?: AbortSignal; onProgress?: (done: number, total: number, tokens: number) => void },
  ): Promise<Float32Array[]>;
}

export interface IndexProgress {
  readonly chunksDone: number;
  readonly chunksTotal: number;
  readonly tokens: number;
  readonly elapsedMs: number;
  /** Known from the first report on (every file read): the files kept, those unchanged, and what was skipped. */
  readonly files: number;
  readonly reusedFiles: number;
  readonly skipped: ReadonlyMap<string, SkipReason>;
}

export interface IndexReport {
  readonly corpus: CorpusVectors;
  readonly files: number;
  readonly embeddedChunks: number;
  readonly reusedFiles: number;
  readonly tokens: number;
  readonly elapsedMs: number;
  readonly skipped: ReadonlyMap<string, SkipReason>;
  /** Files indexed in memory whose storing failed (a full quota): a reload will not restore them. */
  readonly unsaved: readonly string[];
  /** The first storage failure, when storing failed. */
  readonly storageError?: string;
}

/** The folder's .gitignore and .ignore files, read (one that cannot be read or decoded leaves nothing out), and the patterns the user gives. */
async function readIgnoreFiles(files: readonly CorpusFile[], excluded: readonly string[]): Promise<IgnoreFiles> {
  const ignoreFiles = new IgnoreFiles(excluded);
  for (const file of files) {
    if (!isIgnoreFile(file.path)) continue;
    const text = await file.read().then(decodeText, () => undefined);
    if (text !== undefined) ignoreFiles.add(file.path, text);
  }
  return ignoreFiles;
}

interface PendingFile {
  readonly path: string;
  readonly hash: string;
  readonly chunks: readonly Chunk[];
}

/** A store that holds nothing: the default, and the rest of a store that only reads (`{ ...NOTHING_STORED, getFile }`). */
export const NOTHING_STORED: IndexStoreLike = {
  getFile: async () => undefined,
  putFile: async () => undefined,
  getCorpus: async () => undefined,
  putCorpus: async () => undefined,
};

export async function indexCorpus(args: {
  folder: string;
  files: readonly CorpusFile[];
  model: string;
  dim: number;
  /** Where files' vectors are reused from and kept; none by default (every file embedded, nothing kept). */
  store?: IndexStoreLike;
  embedder: DocumentEmbedder;
  signal?: AbortSignal;
  /**
   * After the files are read, then after each batch embedded; `done` holds the files whose every chunk has
   * its vector so far (those reused from the store from the first report on), searchable as it is: the
   * same object grows until the index is done (the report's corpus).
   */
  onProgress?: (progress: IndexProgress, done: CorpusVectors) => void;
  /** Texts per embed call (a page reports and can cancel more often than a terminal needs). */
  batchSize?: number;
  /** What the caller skipped before handing the files over (folders not entered, names it could not list). */
  skipped?: ReadonlyMap<string, SkipReason>;
  /** Files larger than this are skipped as too large (default corpus.ts's MAX_FILE_BYTES). */
  maxFileBytes?: number;
  /** How a file is cut into chunks (default chunker.ts's chunkFile; `c2llm index --html` cuts pages otherwise). */
  chunk?: (path: string, text: string) => Chunk[];
  /** Only the files of shard `index` of `count` (shardOf); every shard reads all the .gitignore and .ignore files. */
  shard?: { readonly index: number; readonly count: number };
  /** Patterns of the files to leave out, beside the folder's .gitignore and .ignore files (ignore-files.ts; `c2llm index --exclude`). */
  excluded?: readonly string[];
}): Promise<IndexReport> {
  const started = performance.now();
  const store = args.store ?? NOTHING_STORED;
  const corpus = new CorpusVectors(args.dim);
  const skipped = new Map<string, SkipReason>(args.skipped);
  const listing: Array<{ path: string; hash: string }> = [];
  const pending: PendingFile[] = [];
  let reusedFiles = 0;
  const ignoreFiles = await readIgnoreFiles(args.files, args.excluded ?? []);
  for (const file of args.files) {
    if (args.shard && shardOf(file.path, args.shard.count) !== args.shard.index) continue;
    if (ignoreFiles.ignores(file.path)) {
      // A folder left out is named once, as `c2llm index`, which does not enter it, names it.
      const folder = ignoreFiles.ignoredFolderOf(file.path);
      skipped.set(folder === undefined ? file.path : `${folder}/`, 'ignored');
      continue;
    }
    const reason = skipByPath(file.path, file.bytes, args.maxFileBytes);
    if (reason) {
      skipped.set(file.path, reason);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await file.read();
    } catch {
      skipped.set(file.path, 'unreadable');
      continue;
    }
    const text = decodeText(bytes);
    if (text === undefined) {
      skipped.set(file.path, 'binary');
      continue;
    }
    if (isMinified(file.path, text)) {
      skipped.set(file.path, 'minified');
      continue;
    }
    const chunks = (args.chunk ?? chunkFile)(file.path, text);
    if (chunks.length === 0) continue; // blank: nothing in it to find
    const hash = await sha256Hex(text);
    listing.push({ path: file.path, hash });
    const stored = await store.getFile(args.model, hash);
    if (stored && stored.vectors.length === chunks.length * args.dim) {
      corpus.add(file.path, chunks, stored.vectors, hash);
      reusedFiles++;
    } else {
      pending.push({ path: file.path, hash, chunks });
    }
  }

  const texts = pending.flatMap((f) => f.chunks.map(searchedText));
  let tokens = 0;
  const report = (done: number) => args.onProgress?.({ chunksDone: done, chunksTotal: texts.length, tokens, elapsedMs: performance.now() - started, files: listing.length, reusedFiles, skipped }, corpus);
  report(0);
  let stored = 0;
  let filesStored = 0;
  const unsaved: string[] = [];
  let storageError: string | undefined;
  const vectors: Float32Array[] = [];
  const storeFinishedFiles = async () => {
    while (filesStored < pending.length && stored + pending[filesStored].chunks.length <= vectors.length) {
      const file = pending[filesStored];
      const matrix = new Float32Array(file.chunks.length * args.dim);
      file.chunks.forEach((_, i) => matrix.set(vectors[stored + i], i * args.dim));
      await store.putFile(args.model, file.hash, { chunks: file.chunks, vectors: matrix }).catch((error: unknown) => {
        unsaved.push(file.path);
        storageError ??= (error as Error).message || String(error);
      });
      corpus.add(file.path, file.chunks, matrix, file.hash);
      stored += file.chunks.length;
      filesStored++;
    }
  };
  await storeFinishedFiles();
  const batch = args.batchSize ?? TEXTS_PER_REPORT.interactive;
  for (let start = 0; start < texts.length; start += batch) {
    let batchTokens = 0;
    const result = await args.embedder.embed(texts.slice(start, start + batch), {
      kind: 'document',
      signal: args.signal,
      onProgress: (_, __, t) => (batchTokens = t),
    });
    tokens += batchTokens;
    vectors.push(...result);
    await storeFinishedFiles();
    report(vectors.length);
  }
  if (unsaved.length === 0) {
    await store.putCorpus(args.model, { folder: args.folder, files: listing, updated: Date.now() }).catch((error: unknown) => {
      storageError ??= (error as Error).message || String(error);
    });
  }
  return { corpus, files: listing.length, embeddedChunks: texts.length, reusedFiles, tokens, elapsedMs: performance.now() - started, skipped, unsaved, storageError };
}

/** The last indexed corpus of `model`, rebuilt from the store without embedding anything. */
export async function restoreCorpus(model: string, dim: number, store: IndexStoreLike): Promise<{ folder: string; corpus: CorpusVectors } | undefined> {
  const stored = await store.getCorpus(model);
  if (!stored) return undefined;
  const corpus = new CorpusVectors(dim);
  for (const { path, hash } of stored.files) {
    const file = await store.getFile(model, hash);
    if (file) corpus.add(path, file.chunks, file.vectors, hash);
  }
  return { folder: stored.folder, corpus };
}
