/**
 * The engine's Web Worker: loads a model (Hub, URL or picked files, through the browser cache),
 * embeds batches of texts, reports what it runs on, and holds search indexes (index files) that it
 * searches off the page's thread. Reached only through Comlink (client.ts).
 * A lost GPU device is recovered once per call by reloading the model from the cache.
 */
import * as Comlink from 'comlink';
import { Embedder } from '../embedder';
import { GpuDeviceLostError, IndexFileError, InputError } from '../errors';
import { filesSource } from '../load/files-source';
import { hubSource } from '../load/hub-source';
import { ModelCache } from '../load/model-cache';
import { fingerprintingSource } from '../model/fingerprint';
import type { CheckpointSource } from '../model/source';
import { CodeIndex, type CodeSearchResult } from '../search/code-index';
import type { SearchMode } from '../search/hybrid';
import { applyPrompt, type PromptOptions } from '../text/prompts';
import { installErrorTransfer } from './error-transfer';
import type { EngineInfo, LoadRequest, ProgressCallback } from './protocol';

installErrorTransfer();

/**
 * onnxruntime-web's WASM build, imported only when the CPU backend is chosen, so pages on WebGPU
 * never download it. It uses threads where the page is cross-origin isolated.
 */
async function loadOnnxRuntimeWeb() {
  const ort = await import('onnxruntime-web/wasm');
  const threads = self.crossOriginIsolated ? Math.min(4, self.navigator.hardwareConcurrency || 1) : 1;
  ort.env.wasm.numThreads = threads;
  return { module: ort, runtime: `onnxruntime-web WASM, ${threads} thread${threads > 1 ? 's' : ''}`, threads };
}

/** An index file's bytes from a URL; an HTML page (a server's SPA fallback for a missing file) is refused. */
async function fetchIndex(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new IndexFileError(url, `HTTP ${response.status} ${response.statusText}`);
  if ((response.headers.get('content-type') ?? '').includes('text/html')) throw new IndexFileError(url, 'the server answered with an HTML page, not an index file (is the file missing?)');
  return new Uint8Array(await response.arrayBuffer());
}

class EngineWorker {
  private embedder?: Embedder;
  /** The loaded checkpoint's fingerprint (model/fingerprint.ts), which index files record. */
  private fingerprint = '';
  private readonly indexes = new Map<number, CodeIndex>();
  private nextIndex = 1;
  private request?: LoadRequest;
  private readonly cache = typeof caches === 'undefined' ? undefined : new ModelCache();

  private source(request: LoadRequest, onProgress?: ProgressCallback): CheckpointSource {
    if (typeof request.model !== 'string') return filesSource(request.model);
    return hubSource({ model: request.model, host: request.host, revision: request.revision, cache: request.cache === false ? undefined : this.cache, onProgress });
  }

  async load(request: LoadRequest, onProgress?: ProgressCallback): Promise<EngineInfo> {
    this.embedder?.dispose();
    this.embedder = undefined;
    const fingerprinting = fingerprintingSource(this.source(request, onProgress));
    this.embedder = await Embedder.load(fingerprinting.source, {
      device: request.device,
      gpu: self.navigator.gpu,
      ort: loadOnnxRuntimeWeb,
      maxLength: request.maxLength,
      batchSize: request.batchSize,
      dtype: request.dtype,
    });
    this.request = request;
    this.fingerprint = await fingerprinting.fingerprint();
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
    const prompted = texts.map((t) => applyPrompt(t, prompt));
    let result: { vectors: Float32Array[]; tokens: number };
    try {
      result = await this.ready().embedCounting(prompted);
    } catch (error) {
      if (!(error instanceof GpuDeviceLostError) || !this.request) throw error;
      await this.load(this.request);
      result = await this.ready().embedCounting(prompted);
    }
    const dim = this.ready().dim;
    const matrix = new Float32Array(texts.length * dim);
    result.vectors.forEach((v, i) => matrix.set(v, i * dim));
    return Comlink.transfer({ matrix, tokens: result.tokens }, [matrix.buffer]);
  }

  /** Loads an index file (a URL or its bytes) for search with this model; returns a handle and its size. */
  async loadIndex(source: string | Uint8Array): Promise<{ handle: number; chunks: number; files: number; model: string }> {
    const name = typeof source === 'string' ? source : 'index';
    const index = CodeIndex.decode(name, typeof source === 'string' ? await fetchIndex(source) : source);
    if (index.data.model.fingerprint !== this.fingerprint) {
      throw new IndexFileError(name, `was made with another model (${index.data.model.id}, ${index.data.model.fingerprint.slice(0, 19)}…) than the one loaded (${this.ready().model.source}, ${this.fingerprint.slice(0, 19)}…)`);
    }
    const handle = this.nextIndex++;
    this.indexes.set(handle, index);
    return { handle, chunks: index.size, files: index.data.files.length, model: index.data.model.id };
  }

  /** Ranks an index's chunks for a query, embedded here as a query (mode dense or hybrid). */
  async search(handle: number, query: string, k: number, mode: SearchMode, prompt: PromptOptions): Promise<CodeSearchResult[]> {
    const index = this.indexes.get(handle);
    if (!index) throw new InputError(`index ${handle} was released or never loaded`);
    const vector = mode === 'lexical' ? undefined : (await this.embed([query], { ...prompt, kind: 'query' })).matrix;
    return index.search({ vector, text: query }, k, mode);
  }

  releaseIndex(handle: number): void {
    this.indexes.delete(handle);
  }

  async listCache() {
    return this.cache ? this.cache.list() : [];
  }

  async clearCache(prefix?: string): Promise<number> {
    return this.cache ? this.cache.clear(prefix) : 0;
  }

  dispose(): void {
    this.embedder?.dispose();
    this.embedder = undefined;
  }

  private ready(): Embedder {
    if (!this.embedder) throw new InputError('no model is loaded');
    return this.embedder;
  }
}

export type EngineWorkerApi = EngineWorker;

Comlink.expose(new EngineWorker());
