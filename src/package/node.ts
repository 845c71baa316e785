/**
 * `import { createEmbedder } from 'c2llm'` in Node: the same handle as in a browser (text-embedder.ts),
 * with the Engine in this process. The model is a checkpoint folder, a Hugging Face repo id (kept in
 * the Hub cache on disk, node/hub-download.ts, as the CLI keeps it) or a base URL in the Hub layout;
 * without one, the bundled C2LLM-nano (package c2llm-nano). WebGPU comes from
 * Dawn (the optional package `webgpu`) where it loads, the `cpu` device from the optional package
 * onnxruntime-node.
 */
import { AbortError, InputError } from '../errors';
import { DEFAULT_HUB, hubSource } from '../load/hub-source';
import { BUNDLED_MODEL_DIR, BUNDLED_MODEL_PACKAGE } from '../node/bundled-model';
import { nodeModelParts } from '../node/node-model';
import { modelFolder } from '../node/hub-download';
import { Engine } from '../worker/engine';
import { throwIfAborted } from '../worker/job-queue';
import { loadRequest, textEmbedder, type CreateEmbedderOptions, type EngineApi, type TextEmbedder } from '../worker/text-embedder';

export * from '../worker/text-embedder';
export * from './shared';

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
