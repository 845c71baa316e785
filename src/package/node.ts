/**
 * `import { createEmbedder } from 'c2llm'` in Node: the same handle as in a browser (text-embedder.ts),
 * with the Engine in this process. The model is a checkpoint folder, a Hugging Face repo id (kept in
 * the Hub cache on disk, node/hub-download.ts, as the CLI keeps it) or a base URL in the Hub layout;
 * without one, the bundled C2LLM-nano (package c2llm-nano). WebGPU comes from
 * Dawn (the optional package `webgpu`) where it loads, the `cpu` device from the optional package
 * onnxruntime-node. `indexFolder` makes a folder's code into an index file's bytes, as `c2llm index` does.
 */
import { AbortError, InputError } from '../errors';
import { DEFAULT_HUB, hubSource } from '../load/hub-source';
import { BUNDLED_MODEL_DIR, BUNDLED_MODEL_NAME, BUNDLED_MODEL_PACKAGE } from '../node/bundled-model';
import { nodeModelParts } from '../node/node-model';
import { modelFolder } from '../node/hub-download';
import { folderFiles, requireFolder } from '../node/folder-files';
import { MAX_FILE_BYTES, type SkipReason } from '../search/corpus';
import { encodeIndex } from '../search/index-file';
import { emptyPattern } from '../search/ignore-files';
import { indexCorpus, type IndexProgress } from '../search/indexer';
import { Engine } from '../worker/engine';
import { throwIfAborted } from '../worker/job-queue';
import { loadRequest, textEmbedder, type CreateEmbedderOptions, type EngineApi, type TextEmbedder } from '../worker/text-embedder';

export * from '../worker/text-embedder';
export * from './shared';
export type { IndexProgress } from '../search/indexer';

/** The engine's methods, each answering a promise, as the handle calls a worker's through Comlink. */
function inProcess(engine: Engine): EngineApi {
  return new Proxy(engine, {
    get(target, key) {
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? async (...args: unknown[]) => value.apply(target, args) : value;
    },
  }) as unknown as EngineApi;
}

export async function createEmbedder(options: CreateEmbedderOptions = {}): Promise<TextEmbedder> {
  if (options.model === undefined && BUNDLED_MODEL_DIR === undefined) {
    throw new InputError(`no model was given and the bundled model is not installed (npm install ${BUNDLED_MODEL_PACKAGE})`);
  }
  const request = loadRequest(options, BUNDLED_MODEL_DIR ?? '');
  if (typeof request.model !== 'string') throw new InputError('in Node, model is a folder, a Hugging Face repo id or a URL (File objects are for browsers)');
  const { signal } = options;
  throwIfAborted(signal);
  let engine: Engine | undefined;
  try {
    const folder = await modelFolder(request.model, { host: request.host ?? DEFAULT_HUB, revision: request.revision, onProgress: options.onProgress, signal });
    const parts = nodeModelParts(folder);
    engine = new Engine({
      source: (r, onProgress) => parts.source ?? hubSource({ model: r.model as string, host: r.host, revision: r.revision, onProgress, signal }),
      gpu: parts.gpu,
      ort: () => parts.ort,
    });
    await engine.load(request, options.onProgress);
    throwIfAborted(signal);
  } catch (error) {
    engine?.dispose();
    if (signal?.aborted && !(error instanceof AbortError)) throw new AbortError('loading was aborted', { cause: error });
    throw error;
  }
  const loaded = engine;
  return textEmbedder(inProcess(loaded), () => loaded.dispose());
}

export interface IndexFolderOptions {
  /** Files to leave out, as patterns written in a .gitignore, relative to the folder (`c2llm index --exclude`). */
  readonly exclude?: readonly string[];
  /** Files larger than this many KiB are skipped (default 512, as `c2llm index --max-file-kb`). */
  readonly maxFileKb?: number;
  /** After each batch of chunks embedded; the first report names what was skipped. */
  readonly onProgress?: (progress: IndexProgress) => void;
  /** Stops between batches with an AbortError. */
  readonly signal?: AbortSignal;
}

/** indexFolder's `exclude`, each checked to be a pattern: a typo should fail, not index everything. */
function excludedOf(options: IndexFolderOptions): readonly string[] {
  const excluded: unknown = options.exclude ?? [];
  if (!Array.isArray(excluded) || !excluded.every((pattern) => typeof pattern === 'string')) throw new InputError("indexFolder: exclude is a list of patterns, as in a .gitignore (['tests/', '*.pb.go'])");
  const blank = emptyPattern(excluded);
  if (blank !== undefined) throw new InputError(`indexFolder: exclude "${blank}" leaves nothing out: give a pattern of files to leave out (tests/, '*.pb.go')`);
  return excluded;
}

/**
 * A folder's code as the bytes of an index file, made by `embedder`'s model as `c2llm index` makes it: the
 * same walk (dependency and build folders, .gitignore and .ignore files left out), chunks and embedding.
 * Search it with `embedder.loadIndex(bytes)`, or write it to a file for `c2llm search` and web pages.
 */
export async function indexFolder(embedder: TextEmbedder, folder: string, options: IndexFolderOptions = {}): Promise<Uint8Array> {
  const excluded = excludedOf(options);
  const maxFileKb = options.maxFileKb ?? MAX_FILE_BYTES / 1024;
  if (!(typeof maxFileKb === 'number' && maxFileKb > 0 && Number.isFinite(maxFileKb))) throw new InputError(`indexFolder: maxFileKb ${String(maxFileKb)} is not a positive number of KiB`);
  await requireFolder(folder);
  const info = await embedder.info();
  const skipped = new Map<string, SkipReason>();
  const report = await indexCorpus({
    folder,
    files: await folderFiles(folder, skipped, excluded),
    skipped,
    excluded,
    maxFileBytes: maxFileKb * 1024,
    model: info.model,
    dim: info.dim,
    embedder: { embed: (texts, embedOptions) => embedder.embed(texts, embedOptions) },
    signal: options.signal,
    onProgress: (progress) => options.onProgress?.(progress), // the report alone, not the growing corpus beside it
  });
  return encodeIndex(report.corpus.toIndexData({ id: info.model === BUNDLED_MODEL_DIR ? BUNDLED_MODEL_NAME : info.model, fingerprint: info.fingerprint }));
}

