/**
 * The engine's Web Worker: the Engine (engine.ts) with the browser's environment (Hub, URL or picked
 * files through Cache Storage, navigator.gpu, onnxruntime-web's WASM build), reached only through
 * Comlink (client.ts).
 */
import * as Comlink from 'comlink';
import type { OrtLoader } from '../embedder';
import { filesSource } from '../load/files-source';
import { hubSource } from '../load/hub-source';
import { ModelCache } from '../load/model-cache';
import { Engine } from './engine';
import { installErrorTransfer } from './error-transfer';

installErrorTransfer();

/**
 * onnxruntime-web's WASM build, imported only when the CPU backend is chosen, so pages on WebGPU
 * never download it. It uses the threads asked for (LoadRequest.threads) where the page is
 * cross-origin isolated, and one otherwise.
 */
function onnxRuntimeWeb(requested = 1): OrtLoader {
  return async () => {
    const ort = await import('onnxruntime-web/wasm');
    const threads = self.crossOriginIsolated ? Math.max(1, Math.min(requested, self.navigator.hardwareConcurrency || 1)) : 1;
    ort.env.wasm.numThreads = threads;
    return { module: ort, runtime: `onnxruntime-web WASM, ${threads} thread${threads > 1 ? 's' : ''}`, threads };
  };
}

const cache = typeof caches === 'undefined' ? undefined : new ModelCache();

const engine = new Engine({
  source(request, onProgress) {
    if (typeof request.model !== 'string') return filesSource(request.model);
    return hubSource({ model: request.model, host: request.host, revision: request.revision, cache: request.cache === false ? undefined : cache, onProgress });
  },
  gpu: async () => self.navigator.gpu,
  ort: (request) => onnxRuntimeWeb(request.threads),
  cache,
});

export type EngineWorkerApi = Engine;

Comlink.expose(engine);
