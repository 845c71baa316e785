/**
 * The handle `createEmbedder` returns, the same in a browser (the Engine in a Web Worker, client.ts)
 * and in Node (the Engine in the process, package/node.ts): calls from anywhere are queued and
 * answered in order; an AbortSignal cancels a call that has not started and stops a long one between
 * batches; progress is reported between batches.
 */
import type * as Comlink from 'comlink';
import { TEXTS_PER_REPORT } from '../batching';
import { InputError } from '../errors';
import type { CodeSearchResult } from '../search/code-index';
import type { SearchMode } from '../search/ranking';
import type { SearchFilter } from '../search/search-filter';
import type { PromptOptions } from '../text/prompts';
import type { Engine } from './engine';
import { JobQueue, throwIfAborted } from './job-queue';
import type { EngineInfo, LoadRequest, ModelOptions, ProgressCallback } from './protocol';

export type { EngineInfo } from './protocol';
export type { CodeSearchResult } from '../search/code-index';
export type { SearchMode } from '../search/ranking';
export type { SearchFilter } from '../search/search-filter';
export type { LoadProgress, DownloadProgress, StageProgress } from '../progress';
export { TASK_INSTRUCTIONS, DOCUMENT_PREFIX, type Task } from '../text/prompts';
export * from '../errors';

export interface CreateEmbedderOptions extends ModelOptions {
  /** 'int8' (or 'q8', transformers.js's name): weights quantized per row at load (half the GPU memory of bf16; cosine >= 0.999). */
  readonly dtype?: 'auto' | 'int8' | 'q8';
  readonly onProgress?: ProgressCallback;
  /** Stops the loading: the returned promise rejects with an AbortError and the engine is freed. */
  readonly signal?: AbortSignal;
}

export interface EmbedOptions extends PromptOptions {
  readonly signal?: AbortSignal;
  /** Texts sent to the worker at a time; cancellation and progress happen between batches. */
  readonly batchSize?: number;
  /** After each batch: texts done, texts in all, tokens computed so far. */
  readonly onProgress?: (done: number, total: number, tokens: number) => void;
}

/** A search index file loaded into the engine worker (`loadIndex`); search it with `search`. */
export interface LoadedIndex {
  readonly chunks: number;
  readonly files: number;
  /** The model the index was made with, as the index names it. */
  readonly model: string;
  /** The languages of its files (corpus.ts's names), sorted. */
  readonly languages: readonly string[];
  /** Whether a search may keep one language or folder (`filter`); a split index written before the files part cannot. */
  readonly filterable: boolean;
  /** Frees the worker's copy. */
  release(): void;
}

export interface SearchOptions extends Pick<PromptOptions, 'task' | 'instruction'> {
  /** Results wanted (default 10). */
  readonly k?: number;
  /** 'hybrid' (default), 'dense' (embeddings only) or 'lexical' (BM25 only). */
  readonly mode?: SearchMode;
  /** The chunks of one language or folder alone, chosen before ranking (search-filter.ts). */
  readonly filter?: SearchFilter;
  readonly signal?: AbortSignal;
}

export interface TextEmbedder {
  /** One Float32Array per text (views into one transferred matrix). */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /**
   * Loads an index (`c2llm index`) into the engine worker: an index file from a URL or its bytes, or a
   * split index (`c2llm index --split`) from its folder's URL (ending in '/') or its manifest.json's,
   * whose parts are then fetched as queries need them.
   */
  loadIndex(source: string | Uint8Array | ArrayBuffer): Promise<LoadedIndex>;
  /**
   * The index's best chunks for a query, best first; the query is embedded in the worker. Where `filter`
   * names no language, a language the query names ("… in rust") is its filter and leaves the query
   * (searchedAs, language-query.ts, tells what a search ran). A search by words alone (mode 'lexical')
   * is answered while the model is still loading (startEmbedder); the others wait for it.
   */
  search(index: LoadedIndex, query: string, options?: SearchOptions): Promise<CodeSearchResult[]>;
  /**
   * For a search as the user types, the query in the index's words: its last word, if it may be cut
   * short (no space after it, 3 characters or more, not a word of the index), completed by the index's
   * commonest word that begins with it; a word of 5 lowercase letters or more that is no word of the
   * index nor one the model knows (one token), corrected to the index's commonest word one edit away (a
   * letter swapped, left out, added or changed; never the first). Unchanged where neither applies.
   * Search what it returns. Answered while the model is still loading, when no word counts as one it knows.
   */
  correct(index: LoadedIndex, query: string): Promise<string>;
  info(): Promise<EngineInfo>;
  listCache(): Promise<Array<{ url: string; bytes: number }>>;
  clearCache(prefix?: string): Promise<number>;
  dispose(): void;
}

/** The engine's methods as the handle calls them: each answer a promise (through Comlink, or in-process). */
export type EngineApi = Comlink.Remote<Engine>;

/** The load request for these options (the model's default is the caller's: the Hub's C2LLM-0.5B or the bundled nano). */
export function loadRequest(options: CreateEmbedderOptions, defaultModel: string): LoadRequest {
  const dtype = options.dtype === 'q8' ? 'int8' : options.dtype;
  return { model: options.model ?? defaultModel, device: options.device ?? 'auto', host: options.host, revision: options.revision, cache: options.cache, maxLength: options.maxLength, dtype, threads: options.threads, cpuFallback: options.cpuFallback };
}

/**
 * The handle over an engine; `dispose` frees the engine. `loaded` settles when its model has loaded
 * (startEmbedder): until then what needs the model waits for it, and what needs none (loadIndex, a
 * search by words, correct) is answered at once.
 */
export function textEmbedder(engine: EngineApi, dispose: () => void, loaded: Promise<unknown> = Promise.resolve()): TextEmbedder {
  const queue = new JobQueue();
  const handles = new WeakMap<LoadedIndex, number>();
  /** `call` queued with the worker's handle of `index`, which must come from this embedder's loadIndex. */
  const withIndex = <T>(method: string, index: LoadedIndex, call: (handle: number) => Promise<T>, signal?: AbortSignal): Promise<T> => {
    const handle = handles.get(index);
    if (handle === undefined) return Promise.reject(new InputError(`${method} needs an index from this embedder's loadIndex`));
    return queue.run(() => call(handle), signal);
  };
  return {
    async embed(texts, embedOptions = {}) {
      const { signal, onProgress, batchSize = TEXTS_PER_REPORT.interactive, ...prompt } = embedOptions;
      await loaded;
      return await queue.run(async () => {
        const results: Float32Array[] = [];
        let tokens = 0;
        for (let start = 0; start < texts.length; start += batchSize) {
          throwIfAborted(signal);
          const batch = texts.slice(start, start + batchSize);
          const answer = await engine.embed(batch, prompt);
          const dim = answer.matrix.length / batch.length;
          for (let i = 0; i < batch.length; i++) results.push(answer.matrix.subarray(i * dim, (i + 1) * dim));
          tokens += answer.tokens;
          onProgress?.(results.length, texts.length, tokens);
        }
        return results;
      }, signal);
    },
    loadIndex(source) {
      const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
      const url = typeof bytes === 'string' ? new URL(bytes, self.location?.href).href : undefined;
      return queue.run(async () => {
        const loaded = await engine.loadIndex(url ?? (bytes as Uint8Array));
        const index: LoadedIndex = { ...loaded, release: () => void engine.releaseIndex(loaded.handle) };
        handles.set(index, loaded.handle);
        return index;
      });
    },
    async search(index, query, { k = 10, mode = 'hybrid', filter, signal, ...prompt } = {}) {
      if (mode !== 'lexical') await loaded;
      return await withIndex('search', index, (handle) => engine.search(handle, query, { k, mode, filter }, prompt), signal);
    },
    correct: (index, query) => withIndex('correct', index, (handle) => engine.correct(handle, query)),
    info: async () => {
      await loaded;
      return await queue.run(() => engine.info());
    },
    listCache: () => engine.listCache(),
    clearCache: (prefix) => engine.clearCache(prefix),
    dispose,
  };
}
