/**
 * The engine behind `createEmbedder`: loads a model, embeds batches of texts, reports what it runs on,
 * and holds search indexes (index files) that it searches. An index may be loaded before the model (a
 * page answers word searches while the model downloads); it is checked against the model once that has
 * loaded. The same class runs in a browser's Web
 * Worker (engine-worker.ts, reached through Comlink) and in a Node process (package/node.ts); what
 * differs (where files, the GPU and onnxruntime come from) is its EngineEnvironment.
 * A lost GPU device is recovered once per call by reloading the model.
 */
import * as Comlink from 'comlink';
import { Embedder, type OrtLoader } from '../embedder';
import { GpuDeviceLostError, IndexFileError, InputError } from '../errors';
import { requireSameModel } from '../search/index-trust';
import type { ModelCache } from '../load/model-cache';
import { fingerprintingSource } from '../model/fingerprint';
import type { CheckpointSource } from '../model/source';
import { CodeIndex, type CodeSearchResult } from '../search/code-index';
import { SplitCodeIndex } from '../search/split-code-index';
import { searchedAs } from '../search/language-query';
import { MANIFEST_NAME } from '../search/split-index';
import { fetchOnce } from '../load/fetch-file';
import type { SearchMode } from '../search/ranking';
import type { SearchFilter } from '../search/search-filter';
import { oneTokenOf } from '../search/query-correction';
import type { PromptOptions } from '../text/prompts';
import type { EngineInfo, LoadRequest, ProgressCallback } from './protocol';

/**
 * An index file's or a split index's part's bytes from a URL, given up on where nothing arrives for
 * STALL_TIMEOUT_MS; an HTML page (a server's SPA fallback for a missing file) is refused.
 */
function fetchIndex(url: string): Promise<Uint8Array> {
  return fetchOnce(url, {
    refused: (response) =>
      !response.ok
        ? `HTTP ${response.status} ${response.statusText}`
        : (response.headers.get('content-type') ?? '').includes('text/html')
          ? 'the server answered with an HTML page, not an index file (is the file missing?)'
          : undefined,
    error: (why, cause) => new IndexFileError(url, why, { cause }),
  });
}

/** What the engine takes from where it runs: a browser worker (engine-worker.ts) or a Node process (package/node.ts). */
export interface EngineEnvironment {
  /** The checkpoint's files for a load request (a Hub id or URL; picked files in a browser; a folder in Node). */
  source(request: LoadRequest, onProgress?: ProgressCallback): CheckpointSource;
  /** The WebGPU entry point, if any: navigator.gpu, or Dawn's GPU object in Node. */
  gpu(): Promise<GPU | undefined>;
  /** onnxruntime for the `cpu` device of this load request. */
  ort(request: LoadRequest): OrtLoader;
  /** Downloaded model files kept between runs, where the environment has such a cache. */
  readonly cache?: ModelCache;
}

export class Engine {
  private embedder?: Embedder;
  /** The loaded checkpoint's fingerprint (model/fingerprint.ts), which index files record. */
  private fingerprint = '';
  private readonly indexes = new Map<number, CodeIndex | SplitCodeIndex>();
  /** The names of indexes loaded before any model, by handle: checked against the model when it has loaded. */
  private readonly unchecked = new Map<number, string>();
  private nextIndex = 1;
  private request?: LoadRequest;

  constructor(private readonly env: EngineEnvironment) {}

  async load(request: LoadRequest, onProgress?: ProgressCallback): Promise<EngineInfo> {
    this.embedder?.dispose();
    this.embedder = undefined;
    const fingerprinting = fingerprintingSource(this.env.source(request, onProgress));
    const embedder = await Embedder.load(fingerprinting.source, {
      device: request.device,
      gpu: request.device === 'cpu' || request.device === 'reference' ? undefined : await this.env.gpu(),
      ort: this.env.ort(request),
      maxLength: request.maxLength,
      batchSize: request.batchSize,
      dtype: request.dtype,
      cpuFallback: request.cpuFallback,
      onStage: onProgress,
    });
    const fingerprint = await fingerprinting.fingerprint();
    // Together, so that an index loaded meanwhile is checked against this model's fingerprint, never a stale one.
    [this.embedder, this.fingerprint, this.request] = [embedder, fingerprint, request];
    // Each index loaded before the model is checked now; the first made with another model fails the load.
    const refused = [...this.unchecked].map(([handle, name]) => this.refusal(handle, name)).find((error) => error !== undefined);
    this.unchecked.clear();
    if (refused) throw refused;
    onProgress?.({ phase: 'ready', fraction: 1, done: 1, total: 1 });
    return this.info();
  }

  info(): EngineInfo {
    const embedder = this.ready();
    const backend = embedder.backend;
    const gpu = backend.gpuInfo?.context;
    return {
      model: embedder.model.source,
      dim: embedder.dim,
      config: embedder.model.config,
      device: backend.device,
      adapter: backend.description,
      deviceReason: embedder.deviceReason,
      isFallbackAdapter: gpu?.isFallbackAdapter ?? false,
      limits: gpu?.limits ?? null,
      features: gpu ? [...gpu.device.features] : [],
      dtype: this.request?.dtype === 'int8' ? `${embedder.model.dtype} as int8` : embedder.model.dtype,
      gpuWeightBytes: backend.gpuInfo?.weightBytes ?? 0,
      matmulWorkgroup: backend.gpuInfo?.matmulWorkgroup ?? null,
      maxLength: embedder.maxLength,
      fingerprint: this.fingerprint,
    };
  }

  /** Embeds texts after applying the prompt; returns one [texts x dim] matrix (transferred) and the token count. */
  async embed(texts: string[], prompt: PromptOptions): Promise<{ matrix: Float32Array; tokens: number }> {
    let result: { vectors: Float32Array[]; tokens: number };
    try {
      result = await this.ready().embedCounting(texts, prompt);
    } catch (error) {
      if (!(error instanceof GpuDeviceLostError) || !this.request) throw error;
      await this.load(this.request);
      result = await this.ready().embedCounting(texts, prompt);
    }
    const dim = this.ready().dim;
    const matrix = new Float32Array(texts.length * dim);
    result.vectors.forEach((v, i) => matrix.set(v, i * dim));
    return Comlink.transfer({ matrix, tokens: result.tokens }, [matrix.buffer]);
  }

  /**
   * Loads an index for search with this model: an index file (a URL or its bytes), or a split index
   * (the URL of its folder, ending in '/', or of its manifest.json), whose parts are fetched as queries
   * need them. Returns a handle, its size and, for the search box's filters, its languages and whether it can filter.
   * Before any model has loaded it is searched by its words alone (mode 'lexical'), and checked against
   * the model when that has loaded: one made with another is then released and the load fails naming it.
   */
  async loadIndex(source: string | Uint8Array): Promise<{ handle: number; chunks: number; files: number; model: string; languages: string[]; filterable: boolean }> {
    const name = typeof source === 'string' ? source : 'index';
    const split = typeof source === 'string' && (source.endsWith('/') || new URL(source).pathname.endsWith(`/${MANIFEST_NAME}`));
    const index = split ? await SplitCodeIndex.open(name, (file) => fetchIndex(new URL(file, source).href)) : CodeIndex.decode(name, typeof source === 'string' ? await fetchIndex(source) : source);
    const handle = this.nextIndex++;
    this.indexes.set(handle, index);
    if (this.embedder) {
      const refused = this.refusal(handle, name);
      if (refused) throw refused;
    } else this.unchecked.set(handle, name);
    return { handle, chunks: index.size, files: index.files, model: index.model.id, languages: [...index.languages], filterable: index.filterable };
  }

  /**
   * Ranks an index's chunks (those `filter` keeps) for a query, embedded here as a query (mode dense or
   * hybrid); a language the query names is its filter where `filter` names none (language-query.ts).
   */
  async search(handle: number, query: string, { k, mode, filter }: { k: number; mode: SearchMode; filter?: SearchFilter }, prompt: PromptOptions): Promise<CodeSearchResult[]> {
    const index = this.index(handle);
    const searched = searchedAs(query, filter, index);
    const vector = mode === 'lexical' ? undefined : (await this.embed([searched.query], { ...prompt, kind: 'query' })).matrix;
    return await index.search({ vector, text: searched.query, filter: searched.filter }, k, mode);
  }

  /**
   * The query in the index's words, for a search as the user types: a last word cut short completed,
   * misspelt words corrected (CodeIndex.correct). Before the model has loaded, no word counts as one it
   * knows: a word the index lacks matches nothing in a search by words.
   */
  async correct(handle: number, query: string): Promise<string> {
    const embedder = this.embedder;
    return await this.index(handle).correct(query, embedder ? oneTokenOf((text) => embedder.tokenize(text)) : () => false);
  }

  releaseIndex(handle: number): void {
    this.indexes.delete(handle);
    this.unchecked.delete(handle);
  }

  async listCache() {
    return this.env.cache ? this.env.cache.list() : [];
  }

  async clearCache(prefix?: string): Promise<number> {
    return this.env.cache ? this.env.cache.clear(prefix) : 0;
  }

  dispose(): void {
    this.embedder?.dispose();
    this.embedder = undefined;
  }

  private index(handle: number): CodeIndex | SplitCodeIndex {
    const index = this.indexes.get(handle);
    if (!index) throw new InputError(`index ${handle} was released or never loaded`);
    return index;
  }

  /** Why the index `handle` cannot be searched with the model loaded (it was made with another), which releases it; undefined when it can. */
  private refusal(handle: number, name: string): Error | undefined {
    try {
      requireSameModel(name, this.index(handle).model, { fingerprint: this.fingerprint, name: `the one loaded (${this.ready().model.source})` });
      return undefined;
    } catch (error) {
      this.releaseIndex(handle);
      return error as Error;
    }
  }

  private ready(): Embedder {
    if (!this.embedder) throw new InputError('no model is loaded');
    return this.embedder;
  }
}
